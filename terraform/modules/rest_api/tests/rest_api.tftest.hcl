mock_provider "aws" {
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      root_resource_id = "rootid"
      execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/shop-api/access" }
  }
}

variables {
  name           = "shop-api"
  user_pool_arns = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"]
  kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  functions = {
    orders = {
      function_name = "shop-orders-api"
      invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-orders-api/invocations"
    }
  }
  routes = {
    "GET /orders"                = { function = "orders" }
    "POST /orders"               = { function = "orders" }
    "GET /orders/{id}"           = { function = "orders" }
    "DELETE /orders/{id}"        = { function = "orders" }
    "POST /orders/{id}/payments" = { function = "orders" }
  }
}

run "every_route_is_a_cognito_protected_lambda_proxy" {
  command = apply

  assert {
    condition     = alltrue([for method in aws_api_gateway_method.this : method.authorization == "COGNITO_USER_POOLS" && method.authorizer_id == aws_api_gateway_authorizer.cognito.id])
    error_message = "Every method must use the Cognito authorizer."
  }

  assert {
    condition     = aws_api_gateway_authorizer.cognito.identity_source == "method.request.header.Authorization"
    error_message = "The ID token comes in the Authorization header."
  }

  assert {
    condition     = alltrue([for integration in aws_api_gateway_integration.this : integration.type == "AWS_PROXY" && integration.integration_http_method == "POST"])
    error_message = "Every integration must be a Lambda proxy."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_resource.depth1)) == toset(["/orders"]) && toset(keys(aws_api_gateway_resource.depth2)) == toset(["/orders/{id}"]) && toset(keys(aws_api_gateway_resource.depth3)) == toset(["/orders/{id}/payments"])
    error_message = "Each path prefix becomes exactly one resource."
  }

  assert {
    condition     = aws_api_gateway_resource.depth2["/orders/{id}"].parent_id == aws_api_gateway_resource.depth1["/orders"].id
    error_message = "Nested resources hang off their parent."
  }
}

run "invoke_permissions_are_per_route" {
  command = apply

  assert {
    condition     = aws_lambda_permission.this["GET /orders/{id}"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/orders/*"
    error_message = "A permission covers one method and path of the stage, path parameters as wildcards."
  }

  assert {
    condition     = aws_lambda_permission.this["POST /orders/{id}/payments"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/POST/orders/*/payments"
    error_message = "Deep routes keep their literal segments."
  }

  assert {
    condition     = length(distinct([for permission in aws_lambda_permission.this : permission.statement_id])) == 5
    error_message = "Statement ids must be unique per route."
  }
}

run "stage_is_traced_logged_and_throttled" {
  command = apply

  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled
    error_message = "X-Ray tracing must be on for the stage."
  }

  assert {
    condition     = aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    error_message = "Access logs go to the module's log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "The access log group must be KMS-encrypted with a retention."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 50 && aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 100 && aws_api_gateway_method_settings.all.settings[0].metrics_enabled
    error_message = "Every method must be throttled and emit metrics."
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.server_errors, aws_cloudwatch_metric_alarm.latency_p99] :
      alarm.namespace == "AWS/ApiGateway" && alarm.dimensions["ApiName"] == var.name && alarm.dimensions["Stage"] == var.stage_name
    ]) && aws_cloudwatch_metric_alarm.server_errors.metric_name == "5XXError" && aws_cloudwatch_metric_alarm.latency_p99.extended_statistic == "p99"
    error_message = "The stage's 5XX errors and p99 latency must be alarmed."
  }
}

run "malformed_routes_are_refused" {
  command = plan

  variables {
    routes = { "GET orders" = { function = "orders" } }
  }

  expect_failures = [var.routes]
}

run "no_cors_without_an_origin" {
  command = apply

  assert {
    condition     = length(aws_api_gateway_method.cors) == 0 && length(aws_api_gateway_gateway_response.cors) == 0
    error_message = "Without cors_allowed_origin there must be no preflight methods and no CORS gateway responses."
  }
}

run "cors_for_one_origin" {
  command = apply

  variables {
    cors_allowed_origin = "https://console.example.com"
    routes = {
      "GET /orders"                = { function = "orders" }
      "POST /orders"               = { function = "orders" }
      "GET /orders/{id}"           = { function = "orders" }
      "DELETE /orders/{id}"        = { function = "orders" }
      "POST /orders/{id}/payments" = { function = "orders" }
      "ANY /files/{path}"          = { function = "orders" }
    }
  }

  assert {
    condition     = toset(keys(aws_api_gateway_method.cors)) == toset(["/orders", "/orders/{id}", "/orders/{id}/payments", "/files/{path}"])
    error_message = "Every resource with routes gets exactly one preflight method."
  }

  assert {
    condition     = alltrue([for method in aws_api_gateway_method.cors : method.http_method == "OPTIONS" && method.authorization == "NONE"])
    error_message = "Preflights are OPTIONS without authorization (browsers send them without credentials)."
  }

  assert {
    condition     = alltrue([for integration in aws_api_gateway_integration.cors : integration.type == "MOCK" && jsondecode(integration.request_templates["application/json"]).statusCode == 204])
    error_message = "API Gateway answers preflights itself (MOCK, 204)."
  }

  assert {
    condition = alltrue([
      for response in aws_api_gateway_integration_response.cors :
      response.status_code == "204" &&
      response.response_parameters["method.response.header.Access-Control-Allow-Origin"] == "'https://console.example.com'" &&
      response.response_parameters["method.response.header.Vary"] == "'Origin'" &&
      response.response_parameters["method.response.header.Access-Control-Max-Age"] == "'3600'" &&
      alltrue([for header in ["Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id"] : contains(split(",", trim(response.response_parameters["method.response.header.Access-Control-Allow-Headers"], "'")), header)])
    ])
    error_message = "Every preflight names the one origin, the console's request headers, a max age and Vary: Origin."
  }

  assert {
    condition = (
      aws_api_gateway_integration_response.cors["/orders"].response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'GET,OPTIONS,POST'" &&
      aws_api_gateway_integration_response.cors["/orders/{id}"].response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'DELETE,GET,OPTIONS'" &&
      aws_api_gateway_integration_response.cors["/orders/{id}/payments"].response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'OPTIONS,POST'" &&
      aws_api_gateway_integration_response.cors["/files/{path}"].response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'"
    )
    error_message = "A preflight allows exactly the methods of its resource (ANY: all of them)."
  }

  assert {
    condition = alltrue([
      for response in aws_api_gateway_method_response.cors :
      alltrue([for header in ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Vary"] : response.response_parameters["method.response.header.${header}"]])
    ])
    error_message = "The method response declares every header the integration response maps."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_gateway_response.cors)) == toset(["DEFAULT_4XX", "DEFAULT_5XX"])
    error_message = "API Gateway's own 4XX and 5XX answers (401, 403, 429, 504...) must carry CORS headers."
  }

  assert {
    condition = alltrue([
      for response in aws_api_gateway_gateway_response.cors :
      response.response_parameters["gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://console.example.com'" &&
      response.response_parameters["gatewayresponse.header.Vary"] == "'Origin'" &&
      strcontains(response.response_parameters["gatewayresponse.header.Access-Control-Expose-Headers"], "x-amzn-ErrorType")
    ])
    error_message = "Gateway responses name the one origin, expose the error type and vary by Origin."
  }

  assert {
    condition     = aws_lambda_permission.this["GET /orders"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/orders"
    error_message = "CORS changes nothing about the routes' invoke permissions."
  }
}

run "a_wildcard_is_not_an_origin" {
  command = plan

  variables {
    cors_allowed_origin = "*"
  }

  expect_failures = [var.cors_allowed_origin]
}

run "an_origin_with_a_trailing_slash_is_refused" {
  command = plan

  variables {
    cors_allowed_origin = "https://console.example.com/"
  }

  expect_failures = [var.cors_allowed_origin]
}

run "an_explicit_options_route_clashes_with_the_preflight" {
  command = plan

  variables {
    cors_allowed_origin = "https://console.example.com"
    routes = {
      "GET /orders"     = { function = "orders" }
      "OPTIONS /orders" = { function = "orders" }
    }
  }

  expect_failures = [aws_api_gateway_method.cors["/orders"]]
}
