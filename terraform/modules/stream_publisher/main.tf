data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  dlq_name = "${var.function_name}-dlq"

  # Known before the queue exists: the role and the function need not wait for it (the
  # provider spends ~25 s confirming every new queue's attributes).
  dlq_arn = join(":", [
    "arn", data.aws_partition.current.partition, "sqs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, local.dlq_name,
  ])

  # What the module hands to lambda_function (locals, so the tests can check them).
  handler = "${var.service}.stream_publisher.handler"
  environment_variables = merge(var.environment_variables, {
    POWERTOOLS_SERVICE_NAME = var.service
    EVENTS_TOPIC_ARN        = var.topic_arn
  })

  policy_statements = [
    {
      sid = "Read${title(var.service)}Stream"
      actions = [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ]
      resources = [var.stream_arn]
    },
    {
      sid       = "Publish${title(trimsuffix(var.service, "s"))}Events"
      actions   = ["sns:Publish"]
      resources = [var.topic_arn]
    },
    {
      sid       = "ReportFailedBatches"
      actions   = ["sqs:SendMessage"]
      resources = [local.dlq_arn]
    },
    {
      # Publishing to the encrypted topic and reporting to the encrypted queue use the key.
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]
    },
  ]

  # The mapping's key in lambda_function (and so its address in the state).
  mapping_key = "${var.service}_stream"
  stream_mapping = {
    event_source_arn               = var.stream_arn
    starting_position              = var.starting_position
    batch_size                     = var.batch_size
    bisect_batch_on_function_error = true
    maximum_retry_attempts         = var.maximum_retry_attempts
    report_batch_item_failures     = true
    on_failure_destination_arn     = module.dead_letter_queue.arn
  }
}

# Where the stream mapping sends the description of a batch it gave up on.
module "dead_letter_queue" {
  source = "../dead_letter_queue"

  name              = local.dlq_name
  kms_key_arn       = var.kms_key_arn
  alarm_description = "The ${var.service} stream publisher gave up on stream records; see the queue for their shard and sequence numbers."
  alarm_actions     = var.alarm_actions
  tags              = var.tags
}

module "function" {
  source = "../lambda_function"

  function_name         = var.function_name
  description           = var.description
  package_path          = var.package_path
  package_object        = var.package_object
  architecture          = var.architecture
  memory_size           = var.memory_size
  timeout               = var.timeout
  kms_key_arn           = var.kms_key_arn
  handler               = local.handler
  environment_variables = local.environment_variables
  policy_statements     = local.policy_statements
  event_source_mappings = { (local.mapping_key) = local.stream_mapping }
  log_retention_days    = var.log_retention_days
  alarm_actions         = var.alarm_actions
  tags                  = var.tags
}
