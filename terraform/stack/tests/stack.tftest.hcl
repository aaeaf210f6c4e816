# The composition's security properties, planned and "applied" against a mocked
# provider: no AWS account, no emulator. Per-resource properties (tracing, log
# retention and encryption of every function, stage tracing, ...) are asserted by
# each module's own tests; these runs check what the stack wires together.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
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
      root_resource_id = "rootid"
      execution_arn    = "arn:aws:execute-api:eu-west-1:123456789012:abc123"
    }
  }
}

variables {
  name_prefix = "shop-test"
  environment = "dev"
  package_dir = "tests/fixtures"
}

run "no_function_may_use_a_wildcard_action" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for policy in [module.products_api.execution_policy, module.products_stream_publisher.execution_policy] : [
        for statement in jsondecode(policy).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ]))
    error_message = "An execution policy uses a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [module.products_api.execution_policy, module.products_stream_publisher.execution_policy] : [
        for statement in jsondecode(policy).Statement :
        statement.Resource == ["*"] ? statement.Sid == "SendTraces" : true
      ]
    ]))
    error_message = "Only X-Ray (which has no resource-level permissions) may be granted on every resource."
  }
}

run "api_function_only_touches_products_items" {
  command = apply

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.products_api.execution_policy).Statement : statement.Action
      if startswith(statement.Sid, "ReadAndWrite") || startswith(statement.Sid, "Page")
      ])) == toset([
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
      "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
    ])
    error_message = "The API function gets exactly the item actions it needs (no Scan, no table management)."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.products_api.execution_policy).Statement : statement.Resource
      if startswith(statement.Sid, "ReadAndWrite") || startswith(statement.Sid, "Page")
      ])) == toset([
      "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products/index/gsi1",
    ])
    error_message = "The API function's table access is limited to the products table and its gsi1 index."
  }

  assert {
    condition     = length([for statement in jsondecode(module.products_api.execution_policy).Statement : statement if anytrue([for action in statement.Action : startswith(action, "sns:") || startswith(action, "sqs:")])]) == 0
    error_message = "The API function publishes nothing itself: events leave through the table's stream."
  }
}

run "publisher_reads_the_stream_and_publishes_to_its_topic" {
  command = apply

  assert {
    condition = one([
      for statement in jsondecode(module.products_stream_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "ReadProductsStream"
    ]) == ["arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products/stream/2025-01-01T00:00:00.000"]
    error_message = "Stream reads are limited to the products stream."
  }

  assert {
    condition = one([
      for statement in jsondecode(module.products_stream_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "PublishProductEvents"
    ]) == [module.products_topic.arn]
    error_message = "The publisher may only publish to the products topic."
  }

  assert {
    condition = one([
      for statement in jsondecode(module.products_stream_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "ReportFailedBatches"
    ]) == [aws_sqs_queue.products_stream_failures.arn]
    error_message = "The computed DLQ ARN in the policy must be the queue's real ARN."
  }

  assert {
    condition     = aws_sqs_queue.products_stream_failures.kms_master_key_id == module.key.key_arn
    error_message = "The stream failure queue must be encrypted with the stack's key."
  }

  assert {
    condition     = length(module.products_stream_publisher.event_source_mapping_uuids) == 1
    error_message = "The publisher is fed by exactly one mapping: the products stream."
  }
}

run "outputs_follow_the_naming_conventions" {
  command = apply

  assert {
    condition = alltrue([
      for role, name in output.function_names : name == "shop-test-${role}"
    ]) && length(output.function_names) == 16
    error_message = "Function names must be <name_prefix>-<role> (docs/conventions.md)."
  }

  assert {
    condition     = output.region == "eu-west-1"
    error_message = "The region output comes from the provider."
  }

  assert {
    condition     = length(aws_xray_sampling_rule.default) == 1 && length(aws_api_gateway_account.this) == 1
    error_message = "A real-AWS stack has a sampling rule and manages the API Gateway logging role by default."
  }
}

run "emulator_switches_only_drop_what_the_emulator_lacks" {
  command = plan

  variables {
    environment                = "local"
    enable_xray_sampling_rule  = false
    manage_api_gateway_account = false
  }

  assert {
    condition     = length(aws_xray_sampling_rule.default) == 0 && length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.api_gateway_cloudwatch) == 0
    error_message = "The emulator switches remove the sampling rule and the account logging role."
  }
}

run "unknown_environments_are_refused" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}
