output "function_name" {
  description = "Name of the function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = module.function.function_arn
}

output "invoke_arn" {
  description = "Invoke ARN of the function."
  value       = module.function.invoke_arn
}

output "qualifier" {
  description = "Always null: the consumer is invoked by its event source mappings, unqualified (no SnapStart)."
  value       = module.function.qualifier
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = module.function.role_arn
}

output "role_name" {
  description = "Name of the execution role."
  value       = module.function.role_name
}

output "execution_policy" {
  description = "The role's inline policy document (JSON)."
  value       = module.function.execution_policy
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = module.function.log_group_name
}

output "event_source_mapping_uuids" {
  description = "UUIDs of the event source mappings, by queue key."
  value       = module.function.event_source_mapping_uuids
}

output "errors_alarm_arn" {
  description = "ARN of the function's Errors alarm."
  value       = module.function.errors_alarm_arn
}

output "throttles_alarm_arn" {
  description = "ARN of the function's Throttles alarm."
  value       = module.function.throttles_alarm_arn
}

output "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function; -1 when it uses the account's unreserved pool."
  value       = module.function.reserved_concurrent_executions
}

output "queues" {
  description = "Every queue by key: queue_arn, queue_url, queue_name, dlq_arn, dlq_url, dlq_name, subscription_arn."
  value = {
    for key, queue in module.queues : key => {
      queue_arn        = queue.queue_arn
      queue_url        = queue.queue_url
      queue_name       = queue.queue_name
      dlq_arn          = queue.dlq_arn
      dlq_url          = queue.dlq_url
      dlq_name         = queue.dlq_name
      subscription_arn = queue.subscription_arn
    }
  }
}

output "dead_letter_queues" {
  description = "Queue ARN -> DLQ URL of every queue: the function's DEAD_LETTER_QUEUES, decoded."
  value       = local.dead_letter_queues
}
