# The products side of the order saga: a queue subscribed to the orders topic for
# OrderPlaced and OrderCancelled, and the function that reserves and releases stock in
# the products table. Its outcome (StockReserved, StockReservationFailed, StockReleased)
# leaves through the table's stream, published by products_publisher.

module "products_stock_consumer" {
  source = "../modules/event_consumer"

  function_name = "${var.name_prefix}-products-stock-consumer"
  description   = "Reserves stock for placed orders (all lines or none) and releases it for cancelled ones."
  package_path  = local.products_package
  handler       = "products.stock_consumer.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 30
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.products_environment, {
    PRODUCTS_TABLE_NAME = module.products_table.name
  })
  queues = {
    order_events = {
      name        = "${var.name_prefix}-products-stock"
      topic_arn   = module.orders_topic.arn
      event_types = local.subscriptions.products["stock"].events
    }
  }
  policy_statements = [
    {
      sid = "ReserveAndReleaseStock"
      # TransactWriteItems is authorized by its item actions: Put (the reservation) and
      # Update (the stock); reads check a reservation and the stock behind a refusal.
      actions = [
        "dynamodb:BatchGetItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]
      resources = [module.products_table.arn]
    },
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  log_retention_days   = var.log_retention_days
  alarm_actions        = local.alarm_actions
  tags                 = local.tags

  package_object = lookup(local.package_objects, local.products_package, null) # lambda_packages_via_bucket
}
