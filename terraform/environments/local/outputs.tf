output "aws_endpoint_url" {
  description = "Endpoint of the emulator the stack lives in."
  value       = var.aws_endpoint_url
}

output "region" {
  description = "Region of the stack."
  value       = module.stack.region
}

output "rest_url" {
  description = "Invoke URL AWS would serve; the local runtime serves the API on its own port."
  value       = module.stack.rest_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.stack.rest_api_id
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.stack.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the public app client."
  value       = module.stack.user_pool_client_id
}

output "products_table_name" {
  description = "Name of the products table."
  value       = module.stack.products_table_name
}

output "products_topic_arn" {
  description = "ARN of the products event topic."
  value       = module.stack.products_topic_arn
}

output "function_names" {
  description = "Function names, by role."
  value       = module.stack.function_names
}

output "orders_topic_arn" {
  description = "ARN of the orders event topic."
  value       = module.stack.orders_topic_arn
}

output "invoices_topic_arn" {
  description = "ARN of the invoices event topic."
  value       = module.stack.invoices_topic_arn
}

output "invoices_bucket" {
  description = "Name of the private bucket holding the invoice PDFs."
  value       = module.stack.invoices_bucket_name
}

output "dead_letter_queue_urls" {
  description = "Every dead-letter queue, by consumer."
  value       = module.stack.dead_letter_queue_urls
}

output "websocket_url" {
  description = "wss:// URL of the WebSocket API stage (the local cloud serves it on its own port)."
  value       = module.stack.websocket_url
}

output "invoice_imports_bucket" {
  description = "Bucket receiving invoice import uploads."
  value       = module.stack.invoice_imports_bucket_name
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.stack.alarm_topic_arn
}

output "dashboard_name" {
  description = "The stack's CloudWatch dashboard."
  value       = module.stack.dashboard_name
}

output "websocket_connections_table_name" {
  description = "Table of open WebSocket connections (and invoice imports)."
  value       = module.stack.websocket_connections_table_name
}
