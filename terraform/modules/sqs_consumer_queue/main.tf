data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  dlq_name = "${var.name}-dlq"

  # Known before the queue exists, so the queue policy and the dead-letter queue's
  # redrive-allow policy are part of the CreateQueue calls: the provider waits about
  # 25 s after every SQS create or attribute change, whatever the backend, so each
  # attribute set later would add a serial wait.
  queue_arn = join(":", [
    "arn", data.aws_partition.current.partition, "sqs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, var.name,
  ])

  queue_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "TopicSendsMessages"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = var.topic_arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.queue_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }
}

module "dead_letter_queue" {
  source = "../dead_letter_queue"

  name                              = local.dlq_name
  kms_key_arn                       = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  source_queue_arns                 = var.restrict_dlq_sources ? [local.queue_arn] : null # only this consumer's queue
  alarm_description                 = "Messages the ${var.name} consumer could not process are waiting in ${local.dlq_name}."
  alarm_actions                     = var.alarm_actions
  tags                              = var.tags
}

moved {
  from = aws_sqs_queue.dlq
  to   = module.dead_letter_queue.aws_sqs_queue.this
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_not_empty
  to   = module.dead_letter_queue.aws_cloudwatch_metric_alarm.not_empty
}

resource "aws_sqs_queue" "this" {
  name                              = var.name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  policy                            = jsonencode(local.queue_policy)
  redrive_policy = jsonencode({
    deadLetterTargetArn = module.dead_letter_queue.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  topic_arn            = var.topic_arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.this.arn
  raw_message_delivery = true
  filter_policy_scope  = "MessageAttributes"
  filter_policy        = jsonencode({ type = sort(var.event_types) })

}
