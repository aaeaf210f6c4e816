output "arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.url
}

output "alarm_name" {
  description = "Name of the alarm that fires while the queue holds messages."
  value       = aws_cloudwatch_metric_alarm.not_empty.alarm_name
}

output "redrive_allow_policy" {
  description = "The queue's redrive allow policy (JSON): which queues may move messages here; null when any queue of the account may."
  value       = var.source_queue_arns == null ? null : aws_sqs_queue.this.redrive_allow_policy
}

output "kms_key_arn" {
  description = "The KMS key encrypting the queue."
  value       = aws_sqs_queue.this.kms_master_key_id
}
