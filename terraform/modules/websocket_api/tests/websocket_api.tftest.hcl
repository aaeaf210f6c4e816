# Plans and "applies" the module against a mocked provider (no AWS, no emulator).

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      id            = "abc123"
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop-ws/access" }
  }
}

variables {
  name        = "shop-ws"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  functions = {
    authorizer = {
      function_name = "shop-ws-authorizer"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-ws-authorizer/invocations"
    }
    connections = {
      function_name = "shop-ws-connections"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-ws-connections/invocations"
    }
  }
  routes = {
    "$connect"    = { function = "connections" }
    "$disconnect" = { function = "connections" }
    "$default"    = { function = "connections", two_way = true }
    ping          = { function = "connections", two_way = true }
  }
  authorizer = { function = "authorizer" }
}

run "authorizes_connect_only_and_answers_on_two_way_routes" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_api.this.protocol_type == "WEBSOCKET" && aws_apigatewayv2_api.this.route_selection_expression == "$request.body.action"
    error_message = "the API routes WebSocket messages by their action"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.this.authorizer_type == "REQUEST" && tolist(aws_apigatewayv2_authorizer.this.identity_sources) == tolist(["route.request.querystring.token"])
    error_message = "the authorizer reads the token from the query string"
  }
  assert {
    condition     = aws_apigatewayv2_route.this["$connect"].authorization_type == "CUSTOM" && aws_apigatewayv2_route.this["ping"].authorization_type == "NONE"
    error_message = "only $connect is authorized"
  }
  assert {
    condition     = aws_apigatewayv2_route.this["ping"].route_response_selection_expression == "$default" && aws_apigatewayv2_route.this["$disconnect"].route_response_selection_expression == null
    error_message = "two-way routes (only) select the $default route response"
  }
  assert {
    condition     = length(aws_apigatewayv2_route_response.this) == 2
    error_message = "each two-way route has a route response"
  }
  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 50 && aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn
    error_message = "the stage is throttled and its access logs are encrypted"
  }
  assert {
    condition     = length(aws_lambda_permission.this) == 2 && aws_lambda_permission.this["connections"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/*"
    error_message = "API Gateway may invoke each function, from this API only"
  }
  assert {
    condition     = output.connections_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    error_message = "the @connections endpoint is the stage's https URL"
  }
  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.integration_errors, aws_cloudwatch_metric_alarm.execution_errors, aws_cloudwatch_metric_alarm.integration_latency_p99] :
      alarm.namespace == "AWS/ApiGateway" && alarm.dimensions["ApiId"] == "abc123" && alarm.dimensions["Stage"] == "prod"
    ]) && aws_cloudwatch_metric_alarm.integration_latency_p99.extended_statistic == "p99"
    error_message = "the stage's errors and p99 integration latency are alarmed"
  }
}

run "connect_route_is_required" {
  command = plan
  variables {
    routes = { ping = { function = "connections" } }
  }
  expect_failures = [var.routes]
}

run "routes_get_their_own_throttling" {
  command = plan
  variables {
    route_throttling = { "$connect" = { rate_limit = 10, burst_limit = 20 } }
  }
  assert {
    condition = one([
      for settings in aws_apigatewayv2_stage.this.route_settings : settings
      if settings.route_key == "$connect"
    ]).throttling_rate_limit == 10 && length(aws_apigatewayv2_stage.this.route_settings) == 1
    error_message = "route_throttling sets per-route limits on the stage ($connect here); other routes keep the stage's"
  }
}

run "throttling_an_undeclared_route_is_refused" {
  command = plan
  variables {
    route_throttling = { getImportUrl = { rate_limit = 1, burst_limit = 1 } }
  }
  expect_failures = [aws_apigatewayv2_stage.this]
}
