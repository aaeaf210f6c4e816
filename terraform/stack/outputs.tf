output "region" {
  description = "Region the stack runs in."
  value       = data.aws_region.current.name
}

output "rest_url" {
  description = "Invoke URL of the REST API stage (no trailing slash)."
  value       = module.rest_api.invoke_url
}

output "rest_api_id" {
  description = "ID of the REST API."
  value       = module.rest_api.rest_api_id
}

output "user_pool_id" {
  description = "ID of the Cognito user pool."
  value       = module.users.user_pool_id
}

output "user_pool_client_id" {
  description = "ID of the public app client (USER_PASSWORD_AUTH and SRP)."
  value       = module.users.client_id
}

output "kms_key_arn" {
  description = "ARN of the stack's customer-managed key."
  value       = module.key.key_arn
}

output "products_table_name" {
  description = "Name of the products table."
  value       = module.products_table.name
}

output "products_topic_arn" {
  description = "ARN of the products event topic."
  value       = module.products_topic.arn
}

output "products_stream_dlq_url" {
  description = "URL of the queue receiving the products stream publisher's abandoned batches."
  value       = module.products_publisher.dlq_url
}

output "orders_table_name" {
  description = "Name of the orders table."
  value       = module.orders_table.name
}

output "orders_topic_arn" {
  description = "ARN of the orders event topic."
  value       = module.orders_topic.arn
}

output "invoices_table_name" {
  description = "Name of the invoices table."
  value       = module.invoices_table.name
}

output "invoices_topic_arn" {
  description = "ARN of the invoices event topic."
  value       = module.invoices_topic.arn
}

output "invoices_bucket_name" {
  description = "Name of the private bucket holding the invoice PDFs."
  value       = module.invoices_bucket.name
}

output "notifications_table_name" {
  description = "Name of the notifications table."
  value       = module.notifications_table.name
}

output "sender_email" {
  description = "SES identity the e-mails are sent from."
  value       = aws_ses_email_identity.sender.email
}

output "dead_letter_queue_urls" {
  description = "Every dead-letter queue, by consumer: where failed and contract-violating messages land."
  value = {
    "products-stream-publisher"  = module.products_publisher.dlq_url
    "products-stock-consumer"    = module.products_stock_queue.dlq_url
    "orders-stream-publisher"    = module.orders_publisher.dlq_url
    "orders-projection-consumer" = module.orders_product_projection_queue.dlq_url
    "orders-stock-consumer"      = module.orders_stock_results_queue.dlq_url
    "invoices-generator"         = module.invoices_order_confirmed_queue.dlq_url
    "invoices-stream-publisher"  = module.invoices_publisher.dlq_url
    "notifications-email"        = module.notifications_email_queue.dlq_url
    "websocket-push"             = module.websocket_push_orders_queue.dlq_url
    "invoice-import-processor"   = module.invoice_imports_dlq.url
    # The second queue of the two consumers fed by both the orders and the invoices topic.
    "notifications-email-invoices" = module.notifications_email_invoices_queue.dlq_url
    "websocket-push-invoices"      = module.websocket_push_invoices_queue.dlq_url
  }
}

output "websocket_url" {
  description = "wss:// URL of the WebSocket API (connect with ?token=<Cognito ID token>)."
  value       = module.websocket_api.websocket_url
}

output "websocket_connections_url" {
  description = "The WebSocket stage's @connections endpoint."
  value       = module.websocket_api.connections_url
}

output "websocket_connections_table_name" {
  description = "Table of open WebSocket connections (realtime)."
  value       = module.websocket_connections_table.name
}

output "invoice_imports_bucket_name" {
  description = "Bucket receiving invoice import uploads (imports/<transactionId>.json)."
  value       = module.invoice_imports_bucket.name
}

output "alarm_topic_arn" {
  description = "SNS topic (encrypted) every alarm notifies; subscribe on-call to it (alarm_email)."
  value       = module.alarm_topic.arn
}

output "dashboard_name" {
  description = "Name of the stack's CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "function_names" {
  description = "Function names, by role (suffix after the name prefix)."
  value = {
    "products-api"               = module.products_api.function_name
    "products-stream-publisher"  = module.products_publisher.function_name
    "products-stock-consumer"    = module.products_stock_consumer.function_name
    "orders-api"                 = module.orders_api.function_name
    "orders-stream-publisher"    = module.orders_publisher.function_name
    "orders-projection-consumer" = module.orders_projection_consumer.function_name
    "orders-stock-consumer"      = module.orders_stock_consumer.function_name
    "invoices-generator"         = module.invoices_generator.function_name
    "invoices-stream-publisher"  = module.invoices_publisher.function_name
    "invoices-api"               = module.invoices_api.function_name
    "notifications-email"        = module.notifications_email.function_name
    "websocket-authorizer"       = module.websocket_authorizer.function_name
    "websocket-connections"      = module.websocket_connections.function_name
    "websocket-push"             = module.websocket_push.function_name
    "websocket-session-sweeper"  = module.websocket_session_sweeper.function_name
    "invoice-import-requests"    = module.invoice_import_requests.function_name
    "invoice-import-processor"   = module.invoice_import_processor.function_name
    "invoice-import-sweeper"     = module.invoice_import_sweeper.function_name
    "identity-post-confirmation" = module.identity_post_confirmation.function_name
  }
}

output "web_url" {
  description = "The web console's URL (https://<CloudFront domain or alias> when the stack hosts it, else console_url); null without a console."
  value       = local.console_url
}

output "console_bucket_name" {
  description = "Bucket holding the hosted console's files (null unless console_hosting_enabled)."
  value       = var.console_hosting_enabled ? module.console_site[0].bucket_name : null
}

output "console_distribution_id" {
  description = "CloudFront distribution of the hosted console (null unless console_hosting_enabled); invalidate '/*' after changing files outside Terraform."
  value       = var.console_hosting_enabled ? module.console_site[0].distribution_id : null
}

output "waf_web_acl_arn" {
  description = "ARN of the REST API's WAF web ACL (null when enable_waf is off)."
  value       = one(module.rest_api_waf[*].web_acl_arn)
}

output "waf_log_group_name" {
  description = "Log group of the requests the REST API's WAF blocked or counted (null when enable_waf is off)."
  value       = one(module.rest_api_waf[*].log_group_name)
}
