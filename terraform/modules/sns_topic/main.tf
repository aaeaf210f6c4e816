resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  # Active: SNS samples and records its segment; PassThrough only forwards the trace
  # header. Either way the trace reaches the subscribed SQS queues and their consumers.
  tracing_config = var.tracing_mode
  tags           = var.tags
}

resource "aws_sns_topic_policy" "this" {
  count = var.policy == null ? 0 : 1

  arn    = aws_sns_topic.this.arn
  policy = var.policy
}
