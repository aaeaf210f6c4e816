mock_provider "aws" {}

variables {
  name        = "orders-events"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "topic_is_encrypted" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "Topics must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_sns_topic.this.tracing_config == "Active"
    error_message = "Topics trace actively by default (X-Ray from API Gateway through SNS and SQS)."
  }

  assert {
    condition     = length(aws_sns_topic_policy.this) == 0
    error_message = "Without a policy the default (owner-only) policy stays."
  }
}

run "aws_managed_or_missing_keys_are_refused" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.kms_key_arn]
}
