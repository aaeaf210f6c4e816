# Operating the stack: where alarms go (an encrypted SNS topic, optionally mailed), the
# X-Ray permission SNS needs for active tracing, and one CloudWatch dashboard with a row
# per service. The alarms themselves live next to what they watch: every function
# (Errors, Throttles), every dead-letter queue, the REST API (5XX, p99 latency) and the
# WebSocket API (integration and execution errors, p99 integration latency).

variable "alarm_email" {
  description = "Address subscribed to the alarm topic (AWS mails it a confirmation link); null subscribes nobody."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null ? true : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an e-mail address."
  }
}

variable "manage_xray_resource_policy" {
  description = "Create the X-Ray resource policy letting this stack's SNS topics send trace segments (needed for their Active tracing; the emulator does not implement X-Ray resource policies)."
  type        = bool
  default     = true
}

variable "sns_tracing_mode" {
  description = "X-Ray tracing of the event topics: Active (default), PassThrough, or null for the emulator, which does not store the attribute (every plan would show a change)."
  type        = string
  default     = "Active"
}

variable "api_latency_p99_alarm_threshold_ms" {
  description = "p99 latency (milliseconds) above which the REST and WebSocket API latency alarms fire."
  type        = number
  default     = 3000
}

locals {
  # Every alarm notifies the stack's alarm topic and whatever the caller adds.
  alarm_actions = concat([module.alarm_topic.arn], var.alarm_actions)
}

module "alarm_topic" {
  source = "../modules/sns_topic"

  name        = "${var.name_prefix}-alarms"
  kms_key_arn = module.key.key_arn
  # Alarm notifications are not part of any request: nothing to trace.
  tracing_mode = var.sns_tracing_mode == null ? null : "PassThrough"
  # Only this account's CloudWatch alarms publish here; no IAM principal does.
  publisher_role_arns = []
  publisher_services  = ["cloudwatch.amazonaws.com"]
  tags                = local.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = module.alarm_topic.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# SNS topics with Active tracing write their segments through this account-level policy.
resource "aws_xray_resource_policy" "sns_active_tracing" {
  count = var.manage_xray_resource_policy ? 1 : 0

  policy_name = "${var.name_prefix}-sns-active-tracing"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SnsTopicsOfThisStackSendTraces"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTraceSegments"]
      # X-Ray has no resource-level permissions; the conditions scope the policy.
      Resource = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        ArnLike = {
          "aws:SourceArn" = "arn:${data.aws_partition.current.partition}:sns:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:${var.name_prefix}-*"
        }
      }
    }]
  })
}
