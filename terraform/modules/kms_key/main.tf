data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # The account root delegates key use to IAM: a role may use the key when its own
  # policy says so (Lambda roles, DynamoDB and SQS calls made on their behalf).
  account_statement = {
    Sid       = "AccountRootManagesTheKeyThroughIam"
    Effect    = "Allow"
    Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
    Action    = "kms:*"
    Resource  = "*"
  }

  cloudwatch_logs_statement = {
    Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    Effect    = "Allow"
    Principal = { Service = "logs.${local.region}.amazonaws.com" }
    Action = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    Resource = "*"
    Condition = {
      ArnLike = {
        "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
      }
    }
  }

  sns_statement = {
    Sid       = "SnsDeliversToEncryptedQueuesOfThisAccount"
    Effect    = "Allow"
    Principal = { Service = "sns.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = {
      StringEquals = { "aws:SourceAccount" = local.account_id }
    }
  }

  # S3 event notifications to encrypted queues: S3 itself sends the message, so it needs
  # a data key, and only for buckets of this account.
  s3_statement = {
    Sid       = "S3NotifiesEncryptedQueuesOfThisAccount"
    Effect    = "Allow"
    Principal = { Service = "s3.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = {
      StringEquals = { "aws:SourceAccount" = local.account_id }
    }
  }

  # CloudWatch alarms publishing to an encrypted topic (the alarm topic).
  cloudwatch_alarms_statement = {
    Sid       = "CloudWatchAlarmsPublishToEncryptedTopicsOfThisAccount"
    Effect    = "Allow"
    Principal = { Service = "cloudwatch.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    Resource  = "*"
    Condition = {
      StringEquals = { "aws:SourceAccount" = local.account_id }
    }
  }

  key_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [local.account_statement],
      var.allow_cloudwatch_logs ? [local.cloudwatch_logs_statement] : [],
      var.allow_sns_to_encrypted_queues ? [local.sns_statement] : [],
      var.allow_s3_to_encrypted_queues ? [local.s3_statement] : [],
      var.allow_cloudwatch_alarms ? [local.cloudwatch_alarms_statement] : [],
    )
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.this.key_id
}
