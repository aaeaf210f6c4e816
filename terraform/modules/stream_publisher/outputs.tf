output "function_name" {
  description = "Name of the publisher function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the publisher function."
  value       = module.function.function_arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = module.function.role_name
}

output "execution_policy" {
  description = "The role's inline policy document (JSON)."
  value       = module.function.execution_policy
}

output "event_source_mapping_uuid" {
  description = "UUID of the stream's event source mapping."
  value       = one(values(module.function.event_source_mapping_uuids))
}

output "dlq_arn" {
  description = "ARN of the failure queue (the mapping's on-failure destination)."
  value       = module.dead_letter_queue.arn
}

output "dlq_name" {
  description = "Name of the failure queue."
  value       = module.dead_letter_queue.name
}

output "dlq_url" {
  description = "URL of the failure queue: each message describes an abandoned batch (shard, sequence numbers)."
  value       = module.dead_letter_queue.url
}

output "dlq_alarm_name" {
  description = "Name of the alarm raised as soon as the failure queue holds a message."
  value       = module.dead_letter_queue.alarm_name
}

output "role_arn" {
  description = "ARN of the function's execution role (the only principal its topic's policy lets publish)."
  value       = module.function.role_arn
}
