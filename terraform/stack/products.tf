# The products service: its table (the transactional outbox), its topic, the REST
# API function and the stream publisher that turns table changes into events.

locals {
  products_package = "${var.package_dir}/products.zip"
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
  # Only the products stream publisher's role may publish products events.
  publisher_role_arns = [module.products_publisher.role_arn]
  tags                = local.tags
}

module "products_api" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-products-api"
  snap_start    = var.snap_start_synchronous_functions
  description   = "Products REST API: catalogue reads for everyone, writes for admins."
  package_path  = local.products_package
  handler       = "products.api.handler"
  architecture  = var.lambda_architecture
  memory_size   = 512
  timeout       = 10
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.products_environment, local.rest_api_cors_environment, {
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

  package_object = lookup(local.package_objects, local.products_package, null) # lambda_packages_via_bucket
}

module "products_publisher" {
  source = "../modules/stream_publisher"

  function_name         = "${var.name_prefix}-products-stream-publisher"
  service               = "products"
  description           = "Publishes product events from the products table's stream to the products topic."
  package_path          = local.products_package
  architecture          = var.lambda_architecture
  kms_key_arn           = module.key.key_arn
  stream_arn            = module.products_table.stream_arn
  topic_arn             = module.products_topic.arn
  environment_variables = local.products_environment
  log_retention_days    = var.log_retention_days
  alarm_actions         = local.alarm_actions
  tags                  = local.tags

  package_object = lookup(local.package_objects, local.products_package, null) # lambda_packages_via_bucket
}
