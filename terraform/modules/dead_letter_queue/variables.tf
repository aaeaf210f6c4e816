variable "name" {
  description = "Name of the queue (its alarm is `<name>-not-empty`)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,80}$", var.name))
    error_message = "name must be 1-80 letters, digits, '-' or '_'."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the queue (its policy must admit whoever sends to it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "kms_data_key_reuse_period_seconds" {
  description = "How long SQS reuses a data key before calling KMS again."
  type        = number
  default     = 300

  validation {
    condition     = var.kms_data_key_reuse_period_seconds >= 60 && var.kms_data_key_reuse_period_seconds <= 86400
    error_message = "kms_data_key_reuse_period_seconds must be between 60 and 86400."
  }
}

variable "source_queue_arns" {
  description = "Queues allowed to move messages here through their redrive policy; null sets no redrive allow policy (any queue of the account may)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.source_queue_arns == null || length(coalesce(var.source_queue_arns, [])) <= 10
    error_message = "SQS admits at most 10 source queues in a redrive allow policy."
  }
}

variable "alarm_description" {
  description = "What the alarm tells whoever it wakes: who parked the messages and where to look."
  type        = string
}

variable "alarm_actions" {
  description = "ARNs notified when the queue starts and stops holding messages."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the queue and the alarm."
  type        = map(string)
  default     = {}
}
