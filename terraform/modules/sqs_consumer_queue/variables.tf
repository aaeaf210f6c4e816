variable "name" {
  description = "Name of the consumer's queue; its dead-letter queue is `<name>-dlq`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 letters, digits, '-' or '_' (room for the -dlq suffix)."
  }
}

variable "topic_arn" {
  description = "SNS topic the queue subscribes to; the only sender the queue policy admits."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "event_types" {
  description = "Event types (the `type` message attribute) the consumer receives, for example `ecommerce.orders.OrderPlaced.v1`."
  type        = list(string)

  validation {
    condition     = length(var.event_types) > 0 && length(var.event_types) <= 150
    error_message = "Subscribe to between 1 and 150 event types: a consumer names what it handles."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting both queues (its policy must let SNS use it)."
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

variable "visibility_timeout_seconds" {
  description = "Visibility timeout; AWS advises at least six times the consumer function's timeout."
  type        = number
  default     = 60

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 0 and 43200."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be between 60 and 1209600."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when the dead-letter queue holds messages."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}

variable "restrict_dlq_sources" {
  description = "Give the dead-letter queue a redrive-allow policy admitting only this queue. Turn off only for emulators that do not implement RedriveAllowPolicy (moto 5.2 drops it, and the provider then waits for it forever)."
  type        = bool
  default     = true
}
