# One REST API for every service; each route is a Lambda proxy behind Cognito.

locals {
  # Route -> the key of its function (also the dashboard's per-service API widgets).
  rest_api_name = "${var.name_prefix}-api"
  rest_routes = {
    "GET /products"         = { function = "products" }
    "POST /products"        = { function = "products" }
    "GET /products/{id}"    = { function = "products" }
    "PUT /products/{id}"    = { function = "products" }
    "DELETE /products/{id}" = { function = "products" }
    "GET /orders"           = { function = "orders" }
    "POST /orders"          = { function = "orders" }
    "GET /orders/{id}"      = { function = "orders" }
    "DELETE /orders/{id}"   = { function = "orders" }
    "GET /invoices"         = { function = "invoices" }
    "GET /invoices/{id}"    = { function = "invoices" }
  }
}

module "rest_api" {
  source = "../modules/rest_api"

  name        = local.rest_api_name
  description = "E-commerce REST API (${var.environment})."
  stage_name  = "v1"

  user_pool_arns = [module.users.user_pool_arn]
  functions = {
    products = {
      function_name = module.products_api.function_name
      invoke_arn    = module.products_api.invoke_arn
      qualifier     = module.products_api.qualifier
    }
    orders = {
      function_name = module.orders_api.function_name
      invoke_arn    = module.orders_api.invoke_arn
      qualifier     = module.orders_api.qualifier
    }
    invoices = {
      function_name = module.invoices_api.function_name
      invoke_arn    = module.invoices_api.invoke_arn
      qualifier     = module.invoices_api.qualifier
    }
  }
  routes = local.rest_routes

  # Browsers may call the API from the console's origin only (none without a console).
  cors_allowed_origin = local.console_url

  execution_logging_level = var.api_execution_logging_level
  throttling_rate_limit   = var.api_throttling_rate_limit
  throttling_burst_limit  = var.api_throttling_burst_limit
  kms_key_arn             = module.key.key_arn
  log_retention_days      = var.log_retention_days
  alarm_actions           = local.alarm_actions

  latency_p99_alarm_threshold_ms = var.api_latency_p99_alarm_threshold_ms

  tags = local.tags

  # Execution logging needs the account's CloudWatch role to be in place.
  depends_on = [aws_api_gateway_account.this]
}
