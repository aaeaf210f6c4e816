# Security properties of every function built with this module (no AWS needed).
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/orders-api-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders-api" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api" }
  }
}

variables {
  function_name = "orders-api"
  package_path  = "tests/fixtures/function.zip"
  handler       = "orders.api.handler"
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  policy_statements = [
    {
      sid       = "ReadOrders"
      actions   = ["dynamodb:GetItem", "dynamodb:Query"]
      resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"]
    },
  ]
}

run "function_is_traced_encrypted_and_logged" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray tracing must be Active."
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "Environment variables must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "Defaults must be python3.13 on arm64."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/function.zip")
    error_message = "The code hash must follow the package, so a rebuilt zip redeploys and an identical one does not."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/orders-api" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The function's log group must be Terraform-managed with a retention."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "The log group must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors.metric_name == "Errors" && aws_cloudwatch_metric_alarm.errors.dimensions["FunctionName"] == "orders-api"
    error_message = "An alarm must watch the function's Errors metric."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.throttles.metric_name == "Throttles" && aws_cloudwatch_metric_alarm.throttles.dimensions["FunctionName"] == "orders-api" && aws_cloudwatch_metric_alarm.throttles.threshold == 1
    error_message = "An alarm must watch the function's Throttles metric."
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == -1
    error_message = "Without reserved_concurrent_executions the function stays on the unreserved pool."
  }
}

run "role_policy_names_every_action" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : [
        for action in flatten([statement.Action]) : !strcontains(action, "*")
      ]
    ]))
    error_message = "No statement of the execution policy may use a wildcard action."
  }

  assert {
    condition     = alltrue([for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Effect == "Allow"])
    error_message = "The execution policy only allows."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Resource
      if statement.Sid == "ReadOrders"
    ]) == ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"]
    error_message = "Caller statements must keep their resources."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.this.policy).Statement : statement.Resource
      if statement.Sid == "WriteOwnLogs"
    ]) == ["${aws_cloudwatch_log_group.this.arn}:*"]
    error_message = "The function may only write to its own log group."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the execution role."
  }
}

run "wildcard_actions_are_refused" {
  command = plan

  variables {
    policy_statements = [
      { sid = "Everything", actions = ["dynamodb:*"], resources = ["*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "stream_mapping_reports_partial_failures_and_has_a_destination" {
  command = apply

  variables {
    event_source_mappings = {
      stream = {
        event_source_arn               = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000"
        starting_position              = "LATEST"
        batch_size                     = 100
        bisect_batch_on_function_error = true
        maximum_retry_attempts         = 5
        on_failure_destination_arn     = "arn:aws:sqs:eu-west-1:123456789012:orders-stream-dlq"
      }
      queue = {
        event_source_arn = "arn:aws:sqs:eu-west-1:123456789012:orders-queue"
        batch_size       = 10
      }
    }
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this["stream"].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "Stream batches must report item failures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this["stream"].destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:eu-west-1:123456789012:orders-stream-dlq"
    error_message = "Abandoned stream batches must go to the on-failure destination."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this["stream"].bisect_batch_on_function_error && aws_lambda_event_source_mapping.this["stream"].maximum_retry_attempts == 5
    error_message = "Stream mappings must bisect failing batches and retry a bounded number of times."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this["queue"].starting_position == null && aws_lambda_event_source_mapping.this["queue"].function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "SQS mappings have no starting position and report item failures."
  }
}

run "repeated_sids_are_refused" {
  command = plan

  variables {
    policy_statements = [
      { sid = "ReadOrders", actions = ["dynamodb:GetItem"], resources = ["*"] },
      { sid = "ReadOrders", actions = ["dynamodb:Query"], resources = ["*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "the_module_sids_are_taken" {
  command = plan

  variables {
    policy_statements = [
      { sid = "SendTraces", actions = ["xray:PutTraceSegments"], resources = ["*"] },
    ]
  }

  expect_failures = [var.policy_statements]
}

run "invalid_architecture_is_refused" {
  command = plan

  variables {
    architecture = "arm32"
  }

  expect_failures = [var.architecture]
}

run "code_goes_in_the_request_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.filename == "tests/fixtures/function.zip" && aws_lambda_function.this.s3_bucket == null && aws_lambda_function.this.s3_key == null
    error_message = "Without package_object the zip travels in CreateFunction itself."
  }
}

run "code_comes_from_s3_with_a_package_object" {
  command = plan

  variables {
    package_object = { bucket = "shop-local-packages-123456789012", key = "orders.zip" }
  }

  assert {
    condition     = aws_lambda_function.this.filename == null && aws_lambda_function.this.s3_bucket == "shop-local-packages-123456789012" && aws_lambda_function.this.s3_key == "orders.zip"
    error_message = "With package_object the function is created from that object (no provider-wide upload lock)."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/function.zip")
    error_message = "The local zip still decides when the code is updated."
  }
}

run "a_package_object_must_be_a_zip" {
  command = plan

  variables {
    package_object = { bucket = "shop-local-packages-123456789012", key = "orders.tar.gz" }
  }

  expect_failures = [var.package_object]
}

run "snap_start_is_off_by_default" {
  command = plan

  assert {
    condition     = !aws_lambda_function.this.publish && length(aws_lambda_function.this.snap_start) == 0 && length(aws_lambda_alias.live) == 0
    error_message = "Without snap_start nothing is published and no alias exists."
  }

  assert {
    condition     = output.qualifier == null
    error_message = "Without snap_start callers invoke the function itself."
  }
}

run "snap_start_publishes_versions_behind_the_live_alias" {
  command = apply

  variables {
    snap_start = true
    event_source_mappings = {
      queue = { event_source_arn = "arn:aws:sqs:eu-west-1:123456789012:orders-queue" }
    }
  }

  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_function.this.snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart needs published versions (it never applies to $LATEST)."
  }

  assert {
    condition     = aws_lambda_alias.live[0].name == "live" && aws_lambda_alias.live[0].function_version == aws_lambda_function.this.version
    error_message = "The live alias must point at the newest published version."
  }

  assert {
    condition     = output.invoke_arn == aws_lambda_alias.live[0].invoke_arn && output.qualifier == "live"
    error_message = "API Gateway must invoke the alias (its snapshot), not $LATEST."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this["queue"].function_name == aws_lambda_alias.live[0].arn
    error_message = "Event source mappings must invoke the alias too."
  }
}

run "snap_start_needs_python_3_12" {
  command = plan

  variables {
    snap_start = true
    runtime    = "python3.11"
  }

  expect_failures = [var.snap_start]
}
