locals {
  # "GET /products/{id}" -> method GET, path "/products/{id}", segments ["products", "{id}"]
  routes = {
    for key, route in var.routes : key => merge(route, {
      method   = split(" ", key)[0]
      path     = split(" ", key)[1]
      segments = compact(split("/", split(" ", key)[1]))
    })
  }

  # Every path prefix becomes a resource; API Gateway nests them parent by parent.
  paths_by_depth = {
    for depth in [1, 2, 3] : depth => toset(flatten([
      for route in values(local.routes) :
      length(route.segments) >= depth ? ["/${join("/", slice(route.segments, 0, depth))}"] : []
    ]))
  }

  resource_ids = merge(
    { "/" = aws_api_gateway_rest_api.this.root_resource_id },
    { for path, resource in aws_api_gateway_resource.depth1 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth2 : path => resource.id },
    { for path, resource in aws_api_gateway_resource.depth3 : path => resource.id },
  )

  # The execute-api ARN pattern of a route: path parameters become wildcards.
  route_source_arns = {
    for key, route in local.routes : key => format(
      "%s/%s/%s%s",
      aws_api_gateway_rest_api.this.execution_arn,
      var.stage_name,
      route.method == "ANY" ? "*" : route.method,
      join("", [for segment in route.segments : startswith(segment, "{") ? "/*" : "/${segment}"]),
    )
  }

  access_log_format = jsonencode({
    requestId        = "$context.requestId"
    extendedId       = "$context.extendedRequestId"
    ip               = "$context.identity.sourceIp"
    caller           = "$context.authorizer.claims.sub"
    requestTime      = "$context.requestTime"
    httpMethod       = "$context.httpMethod"
    resourcePath     = "$context.resourcePath"
    status           = "$context.status"
    protocol         = "$context.protocol"
    responseLength   = "$context.responseLength"
    latencyMs        = "$context.responseLatency"
    integrationMs    = "$context.integration.latency"
    integrationError = "$context.integration.error"
    xrayTraceId      = "$context.xrayTraceId"
  })
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = var.description
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "${var.name}-cognito"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = "COGNITO_USER_POOLS"
  provider_arns   = var.user_pool_arns
  identity_source = "method.request.header.Authorization"
}

resource "aws_api_gateway_resource" "depth1" {
  for_each = local.paths_by_depth[1]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_resource" "depth2" {
  for_each = local.paths_by_depth[2]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth1[dirname(each.key)].id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_resource" "depth3" {
  for_each = local.paths_by_depth[3]

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth2[dirname(each.key)].id
  path_part   = basename(each.key)
}

resource "aws_api_gateway_method" "this" {
  #checkov:skip=CKV2_AWS_53:Bodies and parameters are validated by the function (pydantic), after authorization, so a customer calling an admin route gets 403 whatever the body holds.
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = local.resource_ids[each.value.path]
  http_method   = each.value.method
  authorization = each.value.authorization
  authorizer_id = each.value.authorization == "COGNITO_USER_POOLS" ? aws_api_gateway_authorizer.cognito.id : null
}

resource "aws_api_gateway_integration" "this" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.this[each.key].resource_id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.functions[each.value.function].invoke_arn
}

resource "aws_lambda_permission" "this" {
  for_each = local.routes

  statement_id  = "ApiGateway-${each.value.method}-${join("-", [for segment in each.value.segments : replace(segment, "/[{}+]/", "")])}"
  action        = "lambda:InvokeFunction"
  function_name = var.functions[each.value.function].function_name
  qualifier     = var.functions[each.value.function].qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = local.route_source_arns[each.key]
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A new deployment whenever a route, its authorization, its target or the CORS
  # answers change (gateway responses, too, only take effect when deployed).
  triggers = {
    redeployment = sha1(jsonencode([
      var.routes,
      [for key in sort(keys(var.routes)) : var.functions[var.routes[key].function].invoke_arn],
      var.user_pool_arns,
      var.cors_allowed_origin,
      local.cors_paths,
      local.cors_preflight_headers,
      local.cors_gateway_response_headers,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_method.this,
    aws_api_gateway_integration.this,
    aws_api_gateway_integration.cors,
    aws_api_gateway_integration_response.cors,
    aws_api_gateway_gateway_response.cors,
  ]
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment cost and compliance decision (log_retention_days, validated); environments that must keep a year set 365 or more.
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Responses are per-user and mostly writes; a stage cache would serve stale or foreign data and costs per hour.
  #checkov:skip=CKV2_AWS_29:The web ACL is associated from outside the module with stage_arn: the stack's waf_web_acl module does it (enable_waf, on by default on AWS; off only for the emulator).
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP backends; the only backends here are Lambda proxy integrations.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true
  tags                 = var.tags

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off on purpose (see the stage): responses are per-user.
  #checkov:skip=CKV_AWS_308:Caching is off, so there is no cache to encrypt.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.execution_logging_level
    data_trace_enabled     = false
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }
}

# Alarms on what callers see: server errors (a failing function, a timeout, a broken
# integration) and the slowest 1 % of requests.
resource "aws_cloudwatch_metric_alarm" "server_errors" {
  alarm_name          = "${var.name}-5xx"
  alarm_description   = "The ${var.name} API answered with server errors (5XX)."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = aws_api_gateway_rest_api.this.name, Stage = aws_api_gateway_stage.this.stage_name }
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

resource "aws_cloudwatch_metric_alarm" "latency_p99" {
  alarm_name          = "${var.name}-latency-p99"
  alarm_description   = "The slowest 1 % of ${var.name} requests took longer than ${var.latency_p99_alarm_threshold_ms} ms in 3 of the last 5 minutes."
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiName = aws_api_gateway_rest_api.this.name, Stage = aws_api_gateway_stage.this.stage_name }
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
