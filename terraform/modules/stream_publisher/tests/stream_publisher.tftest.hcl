# What every stream publisher gets (no AWS needed).
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
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:shop-dev-products-stream-publisher-dlq"
      url = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-products-stream-publisher-dlq"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/shop-dev-products-stream-publisher-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-dev-products-stream-publisher" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-products-stream-publisher" }
  }
}

variables {
  function_name         = "shop-dev-products-stream-publisher"
  service               = "products"
  description           = "Publishes product events."
  package_path          = "tests/fixtures/function.zip"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  stream_arn            = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-products/stream/2025-01-01T00:00:00.000"
  topic_arn             = "arn:aws:sns:eu-west-1:123456789012:shop-dev-products-events"
  environment_variables = { POWERTOOLS_LOG_LEVEL = "INFO" }
  alarm_actions         = ["arn:aws:sns:eu-west-1:123456789012:shop-dev-alarms"]
}

run "publisher_reads_its_stream_and_publishes_to_its_topic" {
  command = apply

  assert {
    condition     = [for statement in jsondecode(module.function.execution_policy).Statement : statement if statement.Sid == "ReadProductsStream"][0].Resource == [var.stream_arn]
    error_message = "Stream reads are limited to the table's stream."
  }

  assert {
    condition = one([for statement in jsondecode(module.function.execution_policy).Statement : statement if statement.Sid == "PublishProductEvents"]) == {
      Sid = "PublishProductEvents", Effect = "Allow", Action = ["sns:Publish"], Resource = [var.topic_arn]
    }
    error_message = "The publisher may only publish, and only to its topic."
  }

  assert {
    condition     = one([for statement in jsondecode(module.function.execution_policy).Statement : statement.Resource if statement.Sid == "ReportFailedBatches"]) == [module.dead_letter_queue.arn]
    error_message = "The ARN computed for the policy must be the failure queue's real ARN."
  }

  assert {
    condition     = local.handler == "products.stream_publisher.handler" && module.function.function_name == var.function_name
    error_message = "The handler is the service package's stream_publisher.handler."
  }

  assert {
    condition = local.environment_variables == {
      POWERTOOLS_LOG_LEVEL    = "INFO"
      POWERTOOLS_SERVICE_NAME = "products"
      EVENTS_TOPIC_ARN        = var.topic_arn
    }
    error_message = "The function's environment is the caller's plus its service name and topic."
  }
}

run "abandoned_batches_go_to_an_encrypted_alarmed_queue" {
  command = apply

  assert {
    condition     = local.mapping_key == "products_stream" && local.stream_mapping.starting_position == "LATEST" && local.stream_mapping.batch_size == 100
    error_message = "One mapping, keyed <service>_stream, reads 100 records from the latest position."
  }

  assert {
    condition     = local.stream_mapping.bisect_batch_on_function_error && local.stream_mapping.maximum_retry_attempts == 5 && local.stream_mapping.report_batch_item_failures
    error_message = "Failing batches are bisected, retried a bounded number of times and report item failures."
  }

  assert {
    condition     = local.stream_mapping.on_failure_destination_arn == module.dead_letter_queue.arn && module.dead_letter_queue.name == "shop-dev-products-stream-publisher-dlq"
    error_message = "Abandoned batches go to <function_name>-dlq."
  }

  assert {
    condition     = module.dead_letter_queue.kms_key_arn == var.kms_key_arn
    error_message = "The failure queue is encrypted with the customer-managed key (its retention and alarm: tested in dead_letter_queue)."
  }

  assert {
    condition     = output.dlq_alarm_name == "shop-dev-products-stream-publisher-dlq-not-empty" && output.dlq_url == "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-dev-products-stream-publisher-dlq"
    error_message = "Outputs name the failure queue and its alarm."
  }
}

run "statement_ids_follow_the_service" {
  command = plan

  variables {
    function_name = "shop-dev-orders-stream-publisher"
    service       = "orders"
  }

  assert {
    condition     = [for statement in local.policy_statements : statement.sid] == ["ReadOrdersStream", "PublishOrderEvents", "ReportFailedBatches", "UseDataKey"]
    error_message = "Statement ids are Read<Service>Stream and Publish<Service, singular>Events."
  }

  assert {
    condition     = local.handler == "orders.stream_publisher.handler" && local.mapping_key == "orders_stream"
    error_message = "Handler and mapping key follow the service."
  }
}

run "only_a_dynamodb_stream_can_feed_it" {
  command = plan

  variables {
    stream_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-products"
  }

  expect_failures = [var.stream_arn]
}

run "retries_are_bounded" {
  command = plan

  variables {
    maximum_retry_attempts = -1
  }

  expect_failures = [var.maximum_retry_attempts]
}

run "service_must_be_a_package_name" {
  command = plan

  variables {
    service = "Products-Service"
  }

  expect_failures = [var.service]
}
