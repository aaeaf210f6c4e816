variable "name" {
  description = "Name of the topic (one per producing service)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,256}$", var.name))
    error_message = "name must be 1-256 letters, digits, '-' or '_' (standard topics only)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting messages at rest."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "policy" {
  description = "Topic policy (JSON); null keeps the default policy (owner account only)."
  type        = string
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing of the topic: Active (SNS records segments; needs the account's X-Ray resource policy to admit SNS), PassThrough, or null to leave it unset (emulators that do not store it)."
  type        = string
  default     = "Active"

  validation {
    condition     = var.tracing_mode == null ? true : contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "tags" {
  description = "Tags for the topic."
  type        = map(string)
  default     = {}
}
