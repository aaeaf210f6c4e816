mock_provider "aws" {}

variables {
  name              = "orders-products-dlq"
  kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  alarm_description = "Messages the orders-products consumer could not process are waiting."
  alarm_actions     = ["arn:aws:sns:eu-west-1:123456789012:alarms"]
}

run "encrypted_kept_14_days_and_watched" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.this.message_retention_seconds == 1209600
    error_message = "The queue is encrypted with the customer-managed key and keeps messages 14 days."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.not_empty.alarm_name == "orders-products-dlq-not-empty"
      && aws_cloudwatch_metric_alarm.not_empty.dimensions["QueueName"] == "orders-products-dlq"
      && aws_cloudwatch_metric_alarm.not_empty.threshold == 0
      && aws_cloudwatch_metric_alarm.not_empty.comparison_operator == "GreaterThanThreshold"
      && aws_cloudwatch_metric_alarm.not_empty.alarm_actions == toset(var.alarm_actions)
      && aws_cloudwatch_metric_alarm.not_empty.ok_actions == toset(var.alarm_actions)
    )
    error_message = "The alarm fires on the first visible message and notifies the alarm actions both ways."
  }
}

run "only_named_queues_may_redrive_here" {
  command = plan

  variables {
    source_queue_arns = ["arn:aws:sqs:eu-west-1:123456789012:orders-products"]
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_allow_policy).redrivePermission == "byQueue" && jsondecode(aws_sqs_queue.this.redrive_allow_policy).sourceQueueArns == ["arn:aws:sqs:eu-west-1:123456789012:orders-products"]
    error_message = "The redrive allow policy admits the named queues only."
  }
}

run "aws_managed_keys_are_refused" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sqs"
  }

  expect_failures = [var.kms_key_arn]
}
