# The realtime service: the WebSocket API (Cognito ID token checked by a REQUEST
# authorizer on $connect), the connections table, the connection routes' function, the
# push consumer fed by the orders topic (order statuses) and the invoices topic
# (InvoiceGenerated, InvoiceImportStatusChanged), and the minute sweep that closes expired
# sessions. The API is shared: its invoice import routes (getImportUrl, cancelImport) go
# to the invoices service's function (invoice_import.tf), as the REST API's routes go to
# each service's function.

variable "websocket_stage_name" {
  description = "Stage of the WebSocket API (last part of its wss:// URL)."
  type        = string
  default     = "prod"
}

variable "websocket_throttling_rate_limit" {
  description = "Steady-state messages per second the WebSocket stage accepts."
  type        = number
  default     = 50
}

variable "websocket_throttling_burst_limit" {
  description = "Burst of messages the WebSocket stage accepts."
  type        = number
  default     = 100
}

variable "websocket_route_throttling" {
  description = "Per-route WebSocket limits (rate per second, burst) tighter than the stage's, shared by all clients of a route: WAF cannot attach to WebSocket APIs. Defaults bound connection attempts and the admin-only import actions."
  type = map(object({
    rate_limit  = number
    burst_limit = number
  }))
  default = {
    "$connect"     = { rate_limit = 10, burst_limit = 20 }
    "getImportUrl" = { rate_limit = 2, burst_limit = 5 }
    "cancelImport" = { rate_limit = 2, burst_limit = 5 }
  }
}

locals {
  realtime_package       = "${var.package_dir}/realtime.zip"
  websocket_push_timeout = 30
  websocket_environment = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME = "realtime"
    CONNECTIONS_TABLE_NAME  = module.websocket_connections_table.name
  })
  # Functions that post to connections: the stage's @connections endpoint and the right
  # to use it. (The local runtime overrides the endpoint with AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI.)
  websocket_pusher_environment = {
    CONNECTIONS_ENDPOINT_URL = module.websocket_api.connections_url
  }
  websocket_manage_connections_statement = {
    sid       = "PushToConnections"
    actions   = ["execute-api:ManageConnections"]
    resources = [module.websocket_api.manage_connections_arn]
  }
  # Closing connections (session expiry): built from the API id and the stage variable, not
  # the stage resource, so the routes function (which the stage integrates) can hold it.
  websocket_close_connections_statement = {
    sid       = "CloseExpiredConnections"
    actions   = ["execute-api:ManageConnections"]
    resources = ["${module.websocket_api.execution_arn}/${var.websocket_stage_name}/DELETE/@connections/*"]
  }
  websocket_routes_connections_url = "https://${module.websocket_api.api_id}.execute-api.${data.aws_region.current.name}.amazonaws.com/${var.websocket_stage_name}"
}

module "websocket_connections_table" {
  source = "../modules/dynamodb_table"

  name = "${var.name_prefix}-websocket-connections"
  # Connections announce nothing: no outbox, no stream. (Import transactions, kept here
  # before the split, now live in the invoices table: see docs/upgrading.md.)
  stream_enabled      = false
  kms_key_arn         = module.key.key_arn
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
  global_secondary_indexes = [
    # gsi1pk=USER#<sub>: a user's connections.
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
  ]
  tags = local.tags
}

module "websocket_authorizer" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-websocket-authorizer"
  snap_start    = var.snap_start_synchronous_functions
  description   = "Verifies the Cognito ID token (?token=) of a WebSocket connection request."
  package_path  = local.realtime_package
  handler       = "realtime.authorizer.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 5
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.websocket_environment, {
    USER_POOL_ID        = module.users.user_pool_id
    USER_POOL_CLIENT_ID = module.users.client_id
  })
  # Reads only the pool's public JWKS over HTTPS: no AWS permission needed.
  policy_statements  = []
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.realtime_package, null) # lambda_packages_via_bucket
}

module "websocket_connections" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-websocket-connections"
  snap_start    = var.snap_start_synchronous_functions
  description   = "WebSocket connection routes: $connect/$disconnect, subscribe, ping, $default."
  package_path  = local.realtime_package
  handler       = "realtime.routes.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 10
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.websocket_environment, {
    CONNECTIONS_ENDPOINT_URL = local.websocket_routes_connections_url
  })
  policy_statements = [
    {
      sid       = "TrackConnections"
      actions   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [module.websocket_connections_table.arn]
    },
    {
      # A message on an expired session: the "session expired" frame, then the close.
      sid       = "EndExpiredSessions"
      actions   = ["execute-api:ManageConnections"]
      resources = ["${module.websocket_api.execution_arn}/${var.websocket_stage_name}/*/@connections/*"]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.realtime_package, null) # lambda_packages_via_bucket
}

module "websocket_api" {
  source = "../modules/websocket_api"

  name        = "${var.name_prefix}-websocket"
  description = "Real-time pushes (orders, invoices, invoice imports) and invoice import requests."
  stage_name  = var.websocket_stage_name
  kms_key_arn = module.key.key_arn
  functions = {
    authorizer = {
      function_name = module.websocket_authorizer.function_name
      invoke_arn    = module.websocket_authorizer.invoke_arn
      qualifier     = module.websocket_authorizer.qualifier
    }
    connections = {
      function_name = module.websocket_connections.function_name
      invoke_arn    = module.websocket_connections.invoke_arn
      qualifier     = module.websocket_connections.qualifier
    }
    # The invoices service's function answers the invoice import actions.
    invoice_imports = {
      function_name = module.invoice_import_requests.function_name
      invoke_arn    = module.invoice_import_requests.invoke_arn
      qualifier     = module.invoice_import_requests.qualifier
    }
  }
  routes = {
    "$connect"     = { function = "connections" }
    "$disconnect"  = { function = "connections" }
    "$default"     = { function = "connections", two_way = true }
    "subscribe"    = { function = "connections", two_way = true }
    "ping"         = { function = "connections", two_way = true }
    "getImportUrl" = { function = "invoice_imports", two_way = true }
    "cancelImport" = { function = "invoice_imports", two_way = true }
  }
  authorizer             = { function = "authorizer" }
  throttling_rate_limit  = var.websocket_throttling_rate_limit
  throttling_burst_limit = var.websocket_throttling_burst_limit
  route_throttling       = var.websocket_route_throttling
  log_retention_days     = var.log_retention_days
  alarm_actions          = local.alarm_actions

  latency_p99_alarm_threshold_ms = var.api_latency_p99_alarm_threshold_ms

  tags = local.tags
}

module "websocket_push" {
  source = "../modules/event_consumer"

  function_name         = "${var.name_prefix}-websocket-push"
  description           = "Pushes order statuses and new invoices to the customer's connections, import statuses to the asking one."
  package_path          = local.realtime_package
  handler               = "realtime.push_consumer.handler"
  architecture          = var.lambda_architecture
  memory_size           = 256
  timeout               = local.websocket_push_timeout
  kms_key_arn           = module.key.key_arn
  environment_variables = merge(local.websocket_environment, local.websocket_pusher_environment)
  policy_statements = [
    {
      sid       = "FindCustomerConnections"
      actions   = ["dynamodb:Query"]
      resources = ["${module.websocket_connections_table.arn}/index/gsi1"]
    },
    {
      sid       = "ForgetGoneConnectionsAndPushOnce"
      actions   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      resources = [module.websocket_connections_table.arn]
    },
    local.websocket_manage_connections_statement,
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  queues = {
    order_events = {
      name        = "${var.name_prefix}-realtime-push-orders"
      topic_arn   = module.orders_topic.arn
      event_types = local.subscriptions.realtime["push-orders"].events
    }
    invoice_events = {
      name        = "${var.name_prefix}-realtime-push-invoices"
      topic_arn   = module.invoices_topic.arn
      event_types = local.subscriptions.realtime["push-invoices"].events
    }
  }
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.realtime_package, null) # lambda_packages_via_bucket
}

module "websocket_session_sweeper" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-websocket-session-sweeper"
  description   = "Closes WebSocket connections whose token has expired, every minute."
  package_path  = local.realtime_package
  handler       = "realtime.session_sweeper.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 60
  kms_key_arn   = module.key.key_arn
  # No reserved concurrency: overlapping sweeps close a connection twice at worst (410).
  environment_variables = merge(local.websocket_environment, local.websocket_pusher_environment)
  policy_statements = [
    {
      sid       = "FindAndForgetExpiredConnections"
      actions   = ["dynamodb:DeleteItem", "dynamodb:Scan"]
      resources = [module.websocket_connections_table.arn]
    },
    local.websocket_close_connections_statement,
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.realtime_package, null) # lambda_packages_via_bucket
}

resource "aws_cloudwatch_event_rule" "websocket_session_sweep" {
  name                = "${var.name_prefix}-websocket-session-sweep"
  description         = "Closes WebSocket sessions whose token has expired, every minute."
  schedule_expression = "rate(1 minute)"
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "websocket_session_sweep" {
  rule = aws_cloudwatch_event_rule.websocket_session_sweep.name
  arn  = module.websocket_session_sweeper.function_arn
}

resource "aws_lambda_permission" "websocket_session_sweep" {
  statement_id  = "AllowTheSweepSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.websocket_session_sweeper.function_name
  principal     = "events.amazonaws.com"
  # Built from its parts (the rule's ARN) so that plans and mocked tests know it early.
  source_arn = join(":", [
    "arn", data.aws_partition.current.partition, "events", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, "rule/${aws_cloudwatch_event_rule.websocket_session_sweep.name}",
  ])
}
