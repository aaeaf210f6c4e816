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
}

variables {
  alias_name  = "shop-dev-data"
  description = "test key"
}

run "key_rotates_and_trusts_the_account" {
  command = apply

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "Key rotation must be on."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/shop-dev-data"
    error_message = "The alias is prefixed with alias/."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_kms_key.this.policy).Statement : statement.Principal.AWS
      if statement.Sid == "AccountRootManagesTheKeyThroughIam"
    ]) == "arn:aws:iam::123456789012:root"
    error_message = "The account root must keep control of the key (IAM policies grant its use)."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_kms_key.this.policy).Statement :
      try(statement.Principal.AWS, "") != "*" && try(statement.Principal, "") != "*"
    ])
    error_message = "No statement may trust everyone."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_kms_key.this.policy).Statement : statement.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]
      if statement.Sid == "CloudWatchLogsEncryptsThisAccountsLogGroups"
    ]) == "arn:aws:logs:eu-west-1:123456789012:log-group:*"
    error_message = "CloudWatch Logs may only use the key for this account's log groups in this region."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_kms_key.this.policy).Statement : statement.Condition.StringEquals["aws:SourceAccount"]
      if statement.Sid == "SnsDeliversToEncryptedQueuesOfThisAccount"
    ]) == "123456789012"
    error_message = "SNS may only use the key on behalf of this account."
  }

  assert {
    condition = alltrue([
      for sid in ["S3NotifiesEncryptedQueuesOfThisAccount", "CloudWatchAlarmsPublishToEncryptedTopicsOfThisAccount"] :
      one([
        for statement in jsondecode(aws_kms_key.this.policy).Statement : statement.Condition.StringEquals["aws:SourceAccount"]
        if statement.Sid == sid
      ]) == "123456789012"
    ])
    error_message = "S3 (bucket notifications) and CloudWatch (alarm topic) may only use the key on behalf of this account."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_kms_key.this.policy).Statement :
      statement.Sid == "AccountRootManagesTheKeyThroughIam" || !contains(flatten([statement.Action]), "kms:*")
    ])
    error_message = "Services get named key actions, never kms:*."
  }
}

run "service_statements_are_optional" {
  command = apply

  variables {
    allow_cloudwatch_logs         = false
    allow_sns_to_encrypted_queues = false
    allow_s3_to_encrypted_queues  = false
    allow_cloudwatch_alarms       = false
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.this.policy).Statement) == 1
    error_message = "Without services only the account statement remains."
  }
}

run "aws_reserved_alias_is_refused" {
  command = plan

  variables {
    alias_name = "aws/sqs"
  }

  expect_failures = [var.alias_name]
}
