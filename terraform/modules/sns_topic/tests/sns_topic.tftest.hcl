mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:orders-events" }
  }
}

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

run "only_the_producer_role_publishes" {
  command = apply

  variables {
    publisher_role_arns = ["arn:aws:iam::123456789012:role/orders-stream-publisher-role"]
  }

  assert {
    condition     = length(aws_sns_topic_policy.this) == 1
    error_message = "publisher_role_arns sets a topic policy."
  }

  assert {
    condition = one([
      for statement in jsondecode(output.policy).Statement : statement
      if statement.Sid == "OnlyTheProducerPublishes"
      ]) == {
      Sid       = "OnlyTheProducerPublishes"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this.arn
      Condition = {
        Bool         = { "aws:PrincipalIsAWSService" = "false" }
        ArnNotEquals = { "aws:PrincipalArn" = ["arn:aws:iam::123456789012:role/orders-stream-publisher-role"] }
      }
    }
    error_message = "Every IAM principal but the producer's role is denied sns:Publish."
  }

  assert {
    condition = length([
      for statement in jsondecode(output.policy).Statement : statement
      if statement.Effect == "Allow" && contains(flatten([statement.Action]), "sns:Publish")
    ]) == 0
    error_message = "The owner keeps management and subscriptions, but not a blanket sns:Publish."
  }

  assert {
    condition = contains(one([
      for statement in jsondecode(output.policy).Statement : statement.Action
      if statement.Sid == "OwnerManagesAndSubscribes"
    ]), "sns:Subscribe")
    error_message = "The account can still subscribe the consumer queues."
  }

  assert {
    condition     = length([for statement in jsondecode(output.policy).Statement : statement if statement.Effect == "Allow" && can(statement.Principal.Service)]) == 0
    error_message = "No AWS service may publish unless publisher_services names it."
  }
}

run "alarm_topic_admits_cloudwatch_of_this_account_only" {
  command = apply

  variables {
    publisher_role_arns = []
    publisher_services  = ["cloudwatch.amazonaws.com"]
  }

  assert {
    condition = one([
      for statement in jsondecode(output.policy).Statement : statement
      if statement.Sid == "ServicesOfThisAccountPublish"
      ]) == {
      Sid       = "ServicesOfThisAccountPublish"
      Effect    = "Allow"
      Principal = { Service = ["cloudwatch.amazonaws.com"] }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this.arn
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "CloudWatch alarms of this account publish to the alarm topic."
  }

  assert {
    condition = one([
      for statement in jsondecode(output.policy).Statement : statement.Condition
      if statement.Sid == "OnlyTheProducerPublishes"
    ]) == { Bool = { "aws:PrincipalIsAWSService" = "false" } }
    error_message = "With no publisher role, every IAM principal is denied sns:Publish."
  }
}

run "publisher_arns_must_be_roles" {
  command = plan

  variables {
    publisher_role_arns = ["arn:aws:iam::123456789012:user/alice"]
  }

  expect_failures = [var.publisher_role_arns]
}

run "policy_and_publishers_are_exclusive" {
  command = plan

  variables {
    policy              = "{}"
    publisher_role_arns = ["arn:aws:iam::123456789012:role/x"]
  }

  expect_failures = [aws_sns_topic_policy.this]
}
