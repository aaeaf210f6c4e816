# What the stack's tests get from the mocked AWS provider (no account, no emulator):
# values that must look real where the stack derives names, ARNs and URLs from them.
# Shared by tests/*.tftest.hcl through mock_provider's source.

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_dynamodb_table" {
  defaults = {
    arn        = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products"
    stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products/stream/2025-01-01T00:00:00.000"
  }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:shop-test-products-events" }
}
mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:shop-test-products-stream-publisher-dlq" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/shop-test-role" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:shop-test" }
}
mock_resource "aws_cognito_user_pool" {
  defaults = {
    id  = "eu-west-1_test"
    arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_test"
  }
}
mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:shop-test-fn"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:shop-test-fn/invocations"
  }
}
mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "abc123"
    root_resource_id = "rootid"
    execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
  }
}
mock_resource "aws_api_gateway_stage" {
  defaults = {
    arn        = "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1"
    invoke_url = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
  }
}
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-test-api/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_apigatewayv2_api" {
  defaults = { id = "def456" }
}
mock_resource "aws_apigatewayv2_stage" {
  defaults = { invoke_url = "wss://def456.execute-api.eu-west-1.amazonaws.com/v1" }
}
mock_resource "aws_cognito_user_pool_client" {
  defaults = { id = "client123" }
}
mock_resource "aws_cloudfront_distribution" {
  defaults = {
    arn         = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF"
    domain_name = "d111111abcdef8.cloudfront.net"
  }
}
