variable "alias_name" {
  description = "Alias of the key, without the `alias/` prefix (for example `shop-dev-main`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(var.alias_name, "aws/")
    error_message = "alias_name may hold letters, digits, '/', '_' and '-' only, and must not start with 'aws/'."
  }
}

variable "description" {
  description = "What the key protects; shown in the KMS console."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion completes."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "allow_cloudwatch_logs" {
  description = "Let CloudWatch Logs encrypt log groups of this account and region with the key."
  type        = bool
  default     = true
}

variable "allow_sns_to_encrypted_queues" {
  description = "Let SNS topics of this account generate data keys, so they can deliver to SQS queues (and publish to topics) encrypted with the key."
  type        = bool
  default     = true
}

variable "allow_s3_to_encrypted_queues" {
  description = "Let S3 buckets of this account use the key, so their event notifications reach SQS queues encrypted with it."
  type        = bool
  default     = true
}

variable "allow_cloudwatch_alarms" {
  description = "Let CloudWatch alarms of this account use the key, so they can publish to SNS topics encrypted with it."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the key."
  type        = map(string)
  default     = {}
}
