output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway integrations invoke: the \"live\" alias with snap_start, else the function."
  value       = var.snap_start ? aws_lambda_alias.live[0].invoke_arn : aws_lambda_function.this.invoke_arn
}

output "qualifier" {
  description = "The alias callers invoke with snap_start (\"live\"), else null: the qualifier of their invoke permissions."
  value       = var.snap_start ? aws_lambda_alias.live[0].name : null
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the execution role (to attach further policies)."
  value       = aws_iam_role.this.name
}

output "execution_policy" {
  description = "The role's inline policy document (JSON)."
  value       = aws_iam_role_policy.this.policy
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "event_source_mapping_uuids" {
  description = "UUIDs of the event source mappings, by key."
  value       = { for key, mapping in aws_lambda_event_source_mapping.this : key => mapping.uuid }
}

output "errors_alarm_arn" {
  description = "ARN of the Errors alarm."
  value       = aws_cloudwatch_metric_alarm.errors.arn
}

output "throttles_alarm_arn" {
  description = "ARN of the Throttles alarm."
  value       = aws_cloudwatch_metric_alarm.throttles.arn
}

output "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; -1 when it uses the account's unreserved pool."
  value       = aws_lambda_function.this.reserved_concurrent_executions
}
