data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"

  # Who may publish: only the listed roles among the account's principals, and only the
  # listed AWS services (each from this account). Built when publisher_role_arns is set.
  restrict_publishers = var.publisher_role_arns != null
  publishers_policy = !local.restrict_publishers ? null : jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # What the default policy grants the owner, minus Publish: Terraform and
          # operators manage the topic, and the consumer queues subscribe to it.
          Sid       = "OwnerManagesAndSubscribes"
          Effect    = "Allow"
          Principal = { AWS = local.account_root }
          Action = [
            "sns:AddPermission",
            "sns:DeleteTopic",
            "sns:GetTopicAttributes",
            "sns:ListSubscriptionsByTopic",
            "sns:RemovePermission",
            "sns:SetTopicAttributes",
            "sns:Subscribe",
          ]
          Resource = aws_sns_topic.this.arn
        },
      ],
      length(var.publisher_services) == 0 ? [] : [
        {
          Sid       = "ServicesOfThisAccountPublish"
          Effect    = "Allow"
          Principal = { Service = var.publisher_services }
          Action    = "sns:Publish"
          Resource  = aws_sns_topic.this.arn
          Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
        },
      ],
      [
        {
          # An explicit deny beats any identity policy granting sns:Publish (for example
          # a broad sns:* on "*"): no other IAM principal of the account can inject events.
          Sid       = "OnlyTheProducerPublishes"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sns:Publish"
          Resource  = aws_sns_topic.this.arn
          Condition = merge(
            { Bool = { "aws:PrincipalIsAWSService" = "false" } },
            length(var.publisher_role_arns) == 0 ? {} : {
              ArnNotEquals = { "aws:PrincipalArn" = var.publisher_role_arns }
            },
          )
        },
      ],
    )
  })
  policy = var.policy != null ? var.policy : local.publishers_policy
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = var.kms_key_arn
  # Active: SNS samples and records its segment; PassThrough only forwards the trace
  # header. Either way the trace reaches the subscribed SQS queues and their consumers.
  tracing_config = var.tracing_mode
  tags           = var.tags
}

resource "aws_sns_topic_policy" "this" {
  count = var.policy == null && !local.restrict_publishers && length(var.publisher_services) == 0 ? 0 : 1

  arn    = aws_sns_topic.this.arn
  policy = local.policy

  lifecycle {
    precondition {
      condition     = var.policy == null || var.publisher_role_arns == null
      error_message = "Set either policy or publisher_role_arns, not both."
    }
    precondition {
      condition     = length(var.publisher_services) == 0 || var.publisher_role_arns != null
      error_message = "publisher_services needs publisher_role_arns (use [] for a topic only AWS services publish to)."
    }
  }
}
