# The orders service: its table (orders, its product projection, idempotency records and
# consumer deduplication markers; the stream is the transactional outbox), its topic, the
# REST API function, the stream publisher and the two consumers of the products topic.

locals {
  orders_package = "${var.package_dir}/orders.zip"
  orders_environment = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME = "orders"
    ORDERS_TABLE_NAME       = module.orders_table.name
  })
}

module "orders_table" {
  source = "../modules/dynamodb_table"

  name                = "${var.name_prefix}-orders"
  kms_key_arn         = module.key.key_arn
  stream_enabled      = true
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
  global_secondary_indexes = [
    # A customer's orders, newest first: gsi1pk=CUSTOMER#<sub>, gsi1sk=<placedAt>#<id>.
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
    # Every order, newest first, for admins: gsi2pk=ORDER, gsi2sk=<placedAt>#<id>.
    { name = "gsi2", partition_key = "gsi2pk", sort_key = "gsi2sk" },
  ]
  tags = local.tags
}

module "orders_topic" {
  source = "../modules/sns_topic"

  name         = "${var.name_prefix}-orders-events"
  kms_key_arn  = module.key.key_arn
  tracing_mode = var.sns_tracing_mode
  # Only the orders stream publisher's role may publish orders events.
  publisher_role_arns = [module.orders_publisher.role_arn]
  tags                = local.tags
}

module "orders_api" {
  source = "../modules/lambda_function"

  function_name         = "${var.name_prefix}-orders-api"
  snap_start            = var.snap_start_synchronous_functions
  description           = "Orders REST API: customers place, read and cancel their orders; admins see all."
  package_path          = local.orders_package
  handler               = "orders.api.handler"
  architecture          = var.lambda_architecture
  memory_size           = 512
  timeout               = 10
  kms_key_arn           = module.key.key_arn
  environment_variables = merge(local.orders_environment, local.rest_api_cors_environment)
  policy_statements = [
    {
      sid = "ReadAndWriteOrders"
      # Orders (Get/Put), the product projection (BatchGetItem) and Powertools
      # idempotency records (Put, Update on success, Delete when the request failed).
      actions = [
        "dynamodb:BatchGetItem",
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]
      resources = [module.orders_table.arn]
    },
    {
      sid       = "ListOrders"
      actions   = ["dynamodb:Query"]
      resources = [module.orders_table.index_arns["gsi1"], module.orders_table.index_arns["gsi2"]]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.orders_package, null) # lambda_packages_via_bucket
}

module "orders_publisher" {
  source = "../modules/stream_publisher"

  function_name         = "${var.name_prefix}-orders-stream-publisher"
  service               = "orders"
  description           = "Publishes order events from the orders table's stream to the orders topic."
  package_path          = local.orders_package
  architecture          = var.lambda_architecture
  kms_key_arn           = module.key.key_arn
  stream_arn            = module.orders_table.stream_arn
  topic_arn             = module.orders_topic.arn
  environment_variables = local.powertools_environment
  log_retention_days    = var.log_retention_days
  alarm_actions         = local.alarm_actions
  tags                  = local.tags

  package_object = lookup(local.package_objects, local.orders_package, null) # lambda_packages_via_bucket
}

# --- consumers of the products topic ---------------------------------------------------

module "orders_projection_consumer" {
  source = "../modules/event_consumer"

  function_name         = "${var.name_prefix}-orders-projection-consumer"
  description           = "Keeps the orders service's product projection up to date from product events."
  package_path          = local.orders_package
  handler               = "orders.projection_consumer.handler"
  architecture          = var.lambda_architecture
  memory_size           = 256
  timeout               = 30
  kms_key_arn           = module.key.key_arn
  environment_variables = local.orders_environment
  queues = {
    product_events = {
      name        = "${var.name_prefix}-orders-product-projection"
      topic_arn   = module.products_topic.arn
      event_types = local.subscriptions.orders["product-projection"].events
    }
  }
  policy_statements = [
    {
      sid       = "WriteProductProjection"
      actions   = ["dynamodb:PutItem"]
      resources = [module.orders_table.arn]
    },
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  log_retention_days   = var.log_retention_days
  alarm_actions        = local.alarm_actions
  tags                 = local.tags

  package_object = lookup(local.package_objects, local.orders_package, null) # lambda_packages_via_bucket
}

module "orders_stock_consumer" {
  source = "../modules/event_consumer"

  function_name         = "${var.name_prefix}-orders-stock-consumer"
  description           = "Confirms or rejects pending orders from the stock reservation results."
  package_path          = local.orders_package
  handler               = "orders.stock_consumer.handler"
  architecture          = var.lambda_architecture
  memory_size           = 256
  timeout               = 30
  kms_key_arn           = module.key.key_arn
  environment_variables = local.orders_environment
  queues = {
    stock_results = {
      name        = "${var.name_prefix}-orders-stock-results"
      topic_arn   = module.products_topic.arn
      event_types = local.subscriptions.orders["stock-results"].events
    }
  }
  policy_statements = [
    {
      sid = "DecideOrders"
      # Reads the order and the event's marker, then puts both in one transaction.
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
      resources = [module.orders_table.arn]
    },
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  log_retention_days   = var.log_retention_days
  alarm_actions        = local.alarm_actions
  tags                 = local.tags

  package_object = lookup(local.package_objects, local.orders_package, null) # lambda_packages_via_bucket
}
