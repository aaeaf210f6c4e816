locals {
  log_group_name = "/aws/lambda/${var.function_name}"
  is_stream      = { for key, mapping in var.event_source_mappings : key => mapping.starting_position != null }

  # Lambda creates log streams in the group Terraform made and writes to them; X-Ray
  # has no resource-level permissions, so its two actions apply to "*".
  baseline_statements = [
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
    },
    {
      Sid      = "SendTraces"
      Effect   = "Allow"
      Action   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
      Resource = ["*"]
    },
  ]

  caller_statements = [
    for statement in var.policy_statements : {
      Sid      = statement.sid
      Effect   = "Allow"
      Action   = sort(distinct(statement.actions))
      Resource = sort(distinct(statement.resources))
    }
  ]

  # Environment variables are encrypted with the key: the function must decrypt them.
  kms_statement = {
    Sid      = "DecryptOwnEnvironment"
    Effect   = "Allow"
    Action   = ["kms:Decrypt"]
    Resource = [var.kms_key_arn]
  }

  execution_policy = {
    Version   = "2012-10-17"
    Statement = concat(local.baseline_statements, [local.kms_statement], local.caller_statements)
  }
}

resource "aws_iam_role" "this" {
  name        = "${var.function_name}-role"
  description = "Execution role of the ${var.function_name} function."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumesTheRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.function_name}-least-privilege"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.execution_policy)
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment cost and compliance decision (log_retention_days, validated); environments that must keep a year set 365 or more.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The functions only call AWS APIs; attaching them to a VPC would add NAT/endpoint cost and cold-start latency for no isolation gain.
  #checkov:skip=CKV_AWS_116:Invoked synchronously (API Gateway) or by event source mappings, whose failures go to the mapping's on-failure destination or the queue's own DLQ; a function DLQ only serves async invokes.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile the build does not produce yet; the zips are reproducible and pinned by source_code_hash instead.
  #checkov:skip=CKV_AWS_115:Reserved concurrency is optional (reserved_concurrent_executions) because reserving it in a new account with the default quota of 10 fails; the caller sets it where a cap matters.
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  filename                       = var.package_object == null ? var.package_path : null
  s3_bucket                      = var.package_object == null ? null : var.package_object.bucket
  s3_key                         = var.package_object == null ? null : var.package_object.key
  source_code_hash               = filebase64sha256(var.package_path)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = coalesce(var.reserved_concurrent_executions, -1)
  kms_key_arn                    = var.kms_key_arn
  # SnapStart applies to published versions only (never $LATEST).
  publish = var.snap_start

  dynamic "snap_start" {
    for_each = var.snap_start ? ["PublishedVersions"] : []
    content {
      apply_on = snap_start.value
    }
  }

  environment {
    variables = var.environment_variables
  }

  tracing_config {
    mode = "Active"
  }

  tags = var.tags

  # The role must be able to log and trace before the first invocation happens.
  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}

# What API Gateway invokes when SnapStart is on: the newest published version.
resource "aws_lambda_alias" "live" {
  count = var.snap_start ? 1 : 0

  name             = "live"
  description      = "The newest published version (SnapStart snapshots it)."
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.event_source_mappings

  function_name                      = var.snap_start ? aws_lambda_alias.live[0].arn : aws_lambda_function.this.arn
  event_source_arn                   = each.value.event_source_arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  starting_position                  = each.value.starting_position
  bisect_batch_on_function_error     = local.is_stream[each.key] ? each.value.bisect_batch_on_function_error : null
  maximum_retry_attempts             = local.is_stream[each.key] ? each.value.maximum_retry_attempts : null
  maximum_record_age_in_seconds      = local.is_stream[each.key] ? each.value.maximum_record_age_in_seconds : null
  function_response_types            = each.value.report_batch_item_failures ? ["ReportBatchItemFailures"] : []

  dynamic "destination_config" {
    for_each = each.value.on_failure_destination_arn == null ? [] : [each.value.on_failure_destination_arn]
    content {
      on_failure {
        destination_arn = destination_config.value
      }
    }
  }

  dynamic "scaling_config" {
    for_each = each.value.maximum_concurrency == null ? [] : [each.value.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  # Lambda checks on creation that the role can read the source.
  depends_on = [aws_iam_role_policy.this]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.function_name}-errors"
  alarm_description   = "The ${var.function_name} function raised errors."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.error_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

# Any throttled invocation means lost or delayed work (API callers get 429/502, pollers
# back off): the account's or the function's concurrency is exhausted.
resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name          = "${var.function_name}-throttles"
  alarm_description   = "Invocations of the ${var.function_name} function were throttled (concurrency exhausted)."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.throttle_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
