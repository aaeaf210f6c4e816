# The products service: its table (the transactional outbox), its topic, the REST
# API function and the stream publisher that turns table changes into events.

locals {
  products_package = "${var.package_dir}/products.zip"

  # Known before the queue exists: the publisher's role and function need not wait
  # for the queue (the provider spends ~25 s confirming every new queue's attributes).
  products_stream_failures_name = "${var.name_prefix}-products-stream-publisher-dlq"
  products_stream_failures_arn = join(":", [
    "arn", data.aws_partition.current.partition, "sqs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, local.products_stream_failures_name,
  ])
  products_environment = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME = "products"
  })
}

module "products_table" {
  source = "../modules/dynamodb_table"

  name                = "${var.name_prefix}-products"
  kms_key_arn         = module.key.key_arn
  stream_enabled      = true
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
  global_secondary_indexes = [
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
  ]
  tags = local.tags
}

module "products_topic" {
  source = "../modules/sns_topic"

  name         = "${var.name_prefix}-products-events"
  kms_key_arn  = module.key.key_arn
  tracing_mode = var.sns_tracing_mode
  tags         = local.tags
}

module "products_api" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-products-api"
  description   = "Products REST API: catalogue reads for everyone, writes for admins."
  package_path  = local.products_package
  handler       = "products.api.handler"
  architecture  = var.lambda_architecture
  memory_size   = 512
  timeout       = 10
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.products_environment, {
    PRODUCTS_TABLE_NAME = module.products_table.name
  })
  policy_statements = [
    {
      sid = "ReadAndWriteProducts"
      # Transactions (product + SKU guard) are authorized by their item actions.
      actions = [
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "dynamodb:UpdateItem",
      ]
      resources = [module.products_table.arn]
    },
    {
      sid       = "PageProductsByCreationTime"
      actions   = ["dynamodb:Query"]
      resources = [module.products_table.index_arns["gsi1"]]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags
}

# Where the stream mapping sends the description of a batch it gave up on.
resource "aws_sqs_queue" "products_stream_failures" {
  name                              = local.products_stream_failures_name
  kms_master_key_id                 = module.key.key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
  tags                              = local.tags
}

resource "aws_cloudwatch_metric_alarm" "products_stream_failures" {
  alarm_name          = "${aws_sqs_queue.products_stream_failures.name}-not-empty"
  alarm_description   = "The products stream publisher gave up on stream records; see the queue for their shard and sequence numbers."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.products_stream_failures.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

module "products_stream_publisher" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-products-stream-publisher"
  description   = "Publishes product events from the products table's stream to the products topic."
  package_path  = local.products_package
  handler       = "products.stream_publisher.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 30
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.products_environment, {
    EVENTS_TOPIC_ARN = module.products_topic.arn
  })
  policy_statements = [
    {
      sid = "ReadProductsStream"
      actions = [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ]
      resources = [module.products_table.stream_arn]
    },
    {
      sid       = "PublishProductEvents"
      actions   = ["sns:Publish"]
      resources = [module.products_topic.arn]
    },
    {
      sid       = "ReportFailedBatches"
      actions   = ["sqs:SendMessage"]
      resources = [local.products_stream_failures_arn]
    },
    {
      sid       = "UseDataKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [module.key.key_arn]
    },
  ]
  event_source_mappings = {
    products_stream = {
      event_source_arn               = module.products_table.stream_arn
      starting_position              = "LATEST"
      batch_size                     = 100
      bisect_batch_on_function_error = true
      maximum_retry_attempts         = 5
      report_batch_item_failures     = true
      on_failure_destination_arn     = aws_sqs_queue.products_stream_failures.arn
    }
  }
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags
}
