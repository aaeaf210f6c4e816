# CORS for one browser origin (var.cors_allowed_origin; null: none of this exists).
#
# - Preflights: every resource that has routes gets an OPTIONS method answered by API
#   Gateway itself (MOCK integration, no function invoked, no authorizer: browsers send
#   preflights without credentials) with the origin, the resource's own methods, the
#   request headers the console sends and a max age.
# - API Gateway's own answers (401 from the authorizer, 403, 429 throttling, 5XX...):
#   gateway responses DEFAULT_4XX and DEFAULT_5XX, which every specific response type
#   inherits, carry Access-Control-Allow-Origin so that the page can read them.
# - The functions' responses carry the CORS headers themselves (the stack gives them the
#   same origin in CORS_ALLOWED_ORIGIN).

locals {
  cors_enabled     = var.cors_allowed_origin != null
  cors_all_methods = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]

  # Resource path -> what the preflight allows: the methods of its routes (ANY: all).
  cors_paths = local.cors_enabled ? {
    for path in distinct([for route in values(local.routes) : route.path]) : path => sort(distinct(concat(["OPTIONS"], flatten([
      for route in values(local.routes) : route.method == "ANY" ? local.cors_all_methods : [route.method] if route.path == path
    ]))))
  } : {}

  # Header values of API Gateway mappings are single-quoted literals.
  cors_preflight_headers = local.cors_enabled ? {
    "Access-Control-Allow-Origin"  = "'${var.cors_allowed_origin}'"
    "Access-Control-Allow-Headers" = "'${join(",", var.cors_allow_headers)}'"
    "Access-Control-Max-Age"       = "'${var.cors_max_age_seconds}'"
    "Vary"                         = "'Origin'"
  } : {}

  cors_gateway_response_headers = local.cors_enabled ? merge(
    {
      "Access-Control-Allow-Origin" = "'${var.cors_allowed_origin}'"
      "Vary"                        = "'Origin'"
    },
    length(var.cors_expose_headers) > 0 ? { "Access-Control-Expose-Headers" = "'${join(",", var.cors_expose_headers)}'" } : {},
  ) : {}

  # Every specific gateway response type (UNAUTHORIZED, ACCESS_DENIED, THROTTLED,
  # MISSING_AUTHENTICATION_TOKEN, INTEGRATION_TIMEOUT...) falls back to one of these.
  cors_gateway_response_types = local.cors_enabled ? toset(["DEFAULT_4XX", "DEFAULT_5XX"]) : toset([])
}

resource "aws_api_gateway_method" "cors" {
  #checkov:skip=CKV2_AWS_53:A CORS preflight has no body or parameters to validate; API Gateway answers it itself (MOCK).
  for_each = local.cors_paths

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = local.resource_ids[each.key]
  http_method = "OPTIONS"
  # Browsers send preflights without credentials; nothing behind it runs.
  authorization = "NONE"

  lifecycle {
    precondition {
      condition     = !contains(keys(var.routes), "OPTIONS ${each.key}")
      error_message = "The route \"OPTIONS ${each.key}\" clashes with the CORS preflight the module creates when cors_allowed_origin is set."
    }
  }
}

resource "aws_api_gateway_method_response" "cors" {
  for_each = local.cors_paths

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_method.cors[each.key].resource_id
  http_method = aws_api_gateway_method.cors[each.key].http_method
  status_code = "204"
  response_parameters = {
    for header in concat(keys(local.cors_preflight_headers), ["Access-Control-Allow-Methods"]) :
    "method.response.header.${header}" => true
  }
}

resource "aws_api_gateway_integration" "cors" {
  for_each = local.cors_paths

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_method.cors[each.key].resource_id
  http_method = aws_api_gateway_method.cors[each.key].http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 204 })
  }
}

resource "aws_api_gateway_integration_response" "cors" {
  for_each = local.cors_paths

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_integration.cors[each.key].resource_id
  http_method = aws_api_gateway_integration.cors[each.key].http_method
  status_code = aws_api_gateway_method_response.cors[each.key].status_code
  response_parameters = merge(
    { for header, value in local.cors_preflight_headers : "method.response.header.${header}" => value },
    { "method.response.header.Access-Control-Allow-Methods" = "'${join(",", each.value)}'" },
  )
}

resource "aws_api_gateway_gateway_response" "cors" {
  for_each = local.cors_gateway_response_types

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  response_parameters = {
    for header, value in local.cors_gateway_response_headers : "gatewayresponse.header.${header}" => value
  }
  # API Gateway's default body, stated so that the response is fully defined here.
  response_templates = {
    "application/json" = "{\"message\":$context.error.messageString}"
  }
}
