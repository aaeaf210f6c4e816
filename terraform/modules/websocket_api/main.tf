# A WebSocket API (API Gateway v2): a REQUEST authorizer on $connect, one AWS_PROXY
# integration per function, routes (two-way ones with a $default route response), a
# stage with access logs and throttling, and the permissions letting API Gateway invoke
# the functions.

locals {
  access_log_format = jsonencode({
    requestId    = "$context.requestId"
    connectionId = "$context.connectionId"
    eventType    = "$context.eventType"
    routeKey     = "$context.routeKey"
    status       = "$context.status"
    requestTime  = "$context.requestTime"
    sourceIp     = "$context.identity.sourceIp"
    principalId  = "$context.authorizer.principalId"
    error        = "$context.error.message"
    integration  = "$context.integrationErrorMessage"
    latency      = "$context.integrationLatency"
  })
  two_way_routes = { for key, route in var.routes : key => route if route.two_way }
  # Built from its parts (equal to the API's execution_arn) so that plans and mocked
  # tests know it before the API exists.
  execution_arn = join(":", [
    "arn", data.aws_partition.current.partition, "execute-api", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, aws_apigatewayv2_api.this.id,
  ])
}

resource "aws_apigatewayv2_api" "this" {
  name                       = var.name
  description                = var.description
  protocol_type              = "WEBSOCKET"
  route_selection_expression = var.route_selection_expression
  tags                       = var.tags
}

resource "aws_apigatewayv2_authorizer" "this" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "${var.name}-authorizer"
  authorizer_type  = "REQUEST"
  authorizer_uri   = var.functions[var.authorizer.function].invoke_arn
  identity_sources = var.authorizer.identity_sources
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.functions

  api_id                    = aws_apigatewayv2_api.this.id
  integration_type          = "AWS_PROXY"
  integration_method        = "POST"
  integration_uri           = each.value.invoke_arn
  timeout_milliseconds      = var.integration_timeout_ms
  content_handling_strategy = "CONVERT_TO_TEXT"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  #checkov:skip=CKV_AWS_309:WebSocket APIs authorize once, on $connect (REQUEST authorizer); API Gateway accepts authorization only on the $connect route, every later message travels on that authorized connection.
  api_id                              = aws_apigatewayv2_api.this.id
  route_key                           = each.key
  target                              = "integrations/${aws_apigatewayv2_integration.this[each.value.function].id}"
  authorization_type                  = each.key == "$connect" ? "CUSTOM" : "NONE"
  authorizer_id                       = each.key == "$connect" ? aws_apigatewayv2_authorizer.this.id : null
  route_response_selection_expression = each.value.two_way ? "$default" : null
}

resource "aws_apigatewayv2_route_response" "this" {
  for_each = local.two_way_routes

  api_id             = aws_apigatewayv2_api.this.id
  route_id           = aws_apigatewayv2_route.this[each.key].id
  route_response_key = "$default"
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment cost and compliance decision (log_retention_days); environments that must keep a year set 365 or more.
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; the only backends here are Lambda proxy integrations.
  api_id      = aws_apigatewayv2_api.this.id
  name        = var.stage_name
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  # Tighter limits on routes that are costly or rarely needed (WAF cannot attach here).
  dynamic "route_settings" {
    for_each = var.route_throttling

    content {
      route_key              = route_settings.key
      throttling_burst_limit = route_settings.value.burst_limit
      throttling_rate_limit  = route_settings.value.rate_limit
    }
  }

  tags = var.tags

  # Routes and integrations must exist before the automatic deployment.
  depends_on = [aws_apigatewayv2_route.this, aws_apigatewayv2_route_response.this]

  lifecycle {
    precondition {
      condition     = alltrue([for route_key in keys(var.route_throttling) : contains(keys(var.routes), route_key)])
      error_message = "route_throttling names a route that routes does not declare."
    }
  }
}

resource "aws_lambda_permission" "this" {
  for_each = var.functions

  statement_id  = "AllowWebSocketApi${replace(title(replace(each.key, "_", " ")), " ", "")}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/*"
}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# WebSocket APIs report no 5XX metric: a failing or timed-out function is an
# IntegrationError, a failure inside API Gateway (authorizer, throttling of @connections)
# an ExecutionError.
resource "aws_cloudwatch_metric_alarm" "integration_errors" {
  alarm_name          = "${var.name}-integration-errors"
  alarm_description   = "Messages or connections of the ${var.name} API failed in their function (IntegrationError)."
  namespace           = "AWS/ApiGateway"
  metric_name         = "IntegrationError"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.server_error_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "execution_errors" {
  alarm_name          = "${var.name}-execution-errors"
  alarm_description   = "The ${var.name} API failed to handle messages or connections itself (ExecutionError)."
  namespace           = "AWS/ApiGateway"
  metric_name         = "ExecutionError"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.server_error_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "integration_latency_p99" {
  alarm_name          = "${var.name}-integration-latency-p99"
  alarm_description   = "The slowest 1 % of ${var.name} messages took their function longer than ${var.latency_p99_alarm_threshold_ms} ms in 3 of the last 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "IntegrationLatency"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = aws_apigatewayv2_stage.this.name }
  extended_statistic  = "p99"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.latency_p99_alarm_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
