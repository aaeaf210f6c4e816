output "queue_arn" {
  description = "ARN of the queue (the consumer's event source)."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the queue."
  value       = aws_sqs_queue.this.id
}

output "queue_name" {
  description = "Name of the queue."
  value       = aws_sqs_queue.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue (the consumer sends contract violations here)."
  value       = module.dead_letter_queue.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = module.dead_letter_queue.name
}

output "dlq_url" {
  description = "URL of the dead-letter queue."
  value       = module.dead_letter_queue.url
}

output "dead_letter_queues" {
  description = "Queue ARN -> DLQ URL: merge these maps of every queue a consumer reads and jsonencode them into its DEAD_LETTER_QUEUES, where it parks contract violations."
  # The queue's ARN as known before it exists: a consumer function is then created while
  # the provider still waits on the queue (only its event source mapping needs the queue).
  value = { (local.queue_arn) = module.dead_letter_queue.url }
}

output "subscription_arn" {
  description = "ARN of the SNS subscription."
  value       = aws_sns_topic_subscription.this.arn
}

output "consumer_policy_statements" {
  description = "IAM statements a consumer function needs on these queues, ready for lambda_function's policy_statements."
  value = [
    {
      sid       = "ConsumeQueue"
      actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      resources = [local.queue_arn] # known before the queue exists, as in dead_letter_queues
    },
    {
      sid       = "SendToDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [module.dead_letter_queue.arn]
    },
    {
      sid       = "UseQueueKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    },
  ]
}
