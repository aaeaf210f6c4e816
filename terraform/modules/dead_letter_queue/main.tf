# A dead-letter queue and the alarm that fires as soon as it holds a message: where a
# consumer, an event source mapping or an S3 notification parks what it gave up on.

resource "aws_sqs_queue" "this" {
  name                              = var.name
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = var.kms_data_key_reuse_period_seconds
  message_retention_seconds         = 1209600 # the most SQS keeps: 14 days to look and redrive

  # Only the named queues may move messages here.
  redrive_allow_policy = var.source_queue_arns == null ? null : jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = var.source_queue_arns
  })

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "not_empty" {
  alarm_name          = "${var.name}-not-empty"
  alarm_description   = var.alarm_description
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
