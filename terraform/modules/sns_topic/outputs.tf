output "arn" {
  description = "ARN of the topic."
  value       = aws_sns_topic.this.arn
}

output "name" {
  description = "Name of the topic."
  value       = aws_sns_topic.this.name
}

output "tracing_mode" {
  description = "X-Ray tracing of the topic (Active or PassThrough)."
  value       = aws_sns_topic.this.tracing_config
}

output "policy" {
  description = "The topic policy this module sets (JSON), or null when the default policy stays."
  value       = one(aws_sns_topic_policy.this[*].policy)
}
