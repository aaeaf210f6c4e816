# One event consumer: a function (lambda_function) fed by one or more consumer queues
# (sqs_consumer_queue, each subscribed to one topic), with an SQS event source mapping
# per queue, the queues' permissions merged into the function's policy and every queue's
# dead-letter queue in the function's DEAD_LETTER_QUEUES.

locals {
  # AWS's advice for SQS event sources: a visibility timeout of at least six times the
  # function's timeout, so a message is not received again while a batch still runs.
  visibility_timeout_seconds = 6 * var.timeout

  # Every queue hands out the same statement names (ConsumeQueue, SendToDeadLetterQueue,
  # UseQueueKey). One statement per name, over the resources of all queues, keeps the
  # sids unique within the policy whatever the number of queues; a single queue's
  # statements pass through unchanged.
  queue_statements     = flatten([for key, queue in module.queues : queue.consumer_policy_statements])
  queue_statement_sids = distinct([for statement in local.queue_statements : statement.sid])
  merged_queue_statements = [
    for sid in local.queue_statement_sids : {
      sid       = sid
      actions   = sort(distinct(flatten([for statement in local.queue_statements : statement.actions if statement.sid == sid])))
      resources = sort(distinct(flatten([for statement in local.queue_statements : statement.resources if statement.sid == sid])))
    }
  ]

  # Queue ARN -> DLQ URL of every queue: where the handler parks contract violations.
  dead_letter_queues = merge([for key, queue in module.queues : queue.dead_letter_queues]...)

  environment_variables = merge(var.environment_variables, {
    DEAD_LETTER_QUEUES = jsonencode(local.dead_letter_queues)
  })

  event_source_mappings = {
    for key, queue in var.queues : key => {
      event_source_arn           = module.queues[key].queue_arn
      batch_size                 = queue.batch_size
      report_batch_item_failures = true
    }
  }
}

module "queues" {
  source   = "../sqs_consumer_queue"
  for_each = var.queues

  name                       = each.value.name
  topic_arn                  = each.value.topic_arn
  event_types                = each.value.event_types
  kms_key_arn                = var.kms_key_arn
  visibility_timeout_seconds = local.visibility_timeout_seconds
  restrict_dlq_sources       = var.restrict_dlq_sources
  alarm_actions              = var.alarm_actions
  tags                       = var.tags
}

module "function" {
  source = "../lambda_function"

  function_name                  = var.function_name
  description                    = var.description
  package_path                   = var.package_path
  package_object                 = var.package_object
  handler                        = var.handler
  architecture                   = var.architecture
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn
  environment_variables          = local.environment_variables
  policy_statements              = concat(local.merged_queue_statements, var.policy_statements)
  event_source_mappings          = local.event_source_mappings
  log_retention_days             = var.log_retention_days
  alarm_actions                  = var.alarm_actions
  tags                           = var.tags
}

# A consumer that was a lambda_function call of its own keeps its function, role, log
# group, mappings and alarms when the call is replaced by this module (the queues move
# in the caller: module.<old queue call> -> module.<consumer>.module.queues["<key>"]).
moved {
  from = aws_iam_role.this
  to   = module.function.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.this
  to   = module.function.aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.this
  to   = module.function.aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.this
  to   = module.function.aws_lambda_function.this
}

moved {
  from = aws_lambda_event_source_mapping.this
  to   = module.function.aws_lambda_event_source_mapping.this
}

moved {
  from = aws_cloudwatch_metric_alarm.errors
  to   = module.function.aws_cloudwatch_metric_alarm.errors
}

moved {
  from = aws_cloudwatch_metric_alarm.throttles
  to   = module.function.aws_cloudwatch_metric_alarm.throttles
}
