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
  description = "Topic policy (JSON) replacing the generated one; null keeps the default policy (owner account only), or the publishers policy when publisher_role_arns is set. Not together with publisher_role_arns."
  type        = string
  default     = null
}

variable "publisher_role_arns" {
  description = "IAM role ARNs (the producing functions' execution roles) that alone may publish: the topic policy denies sns:Publish to every other IAM principal, keeps the owner's management and subscriptions, and admits publisher_services. Null keeps the default policy; [] lets no IAM principal publish (a topic fed only by AWS services)."
  type        = list(string)
  default     = null

  validation {
    condition     = var.publisher_role_arns == null ? true : alltrue([for arn in var.publisher_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "publisher_role_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "publisher_services" {
  description = "AWS service principals allowed to publish from this account (aws:SourceAccount), for example cloudwatch.amazonaws.com for an alarm topic. Needs publisher_role_arns (use [] for a service-only topic)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for service in var.publisher_services : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", service))])
    error_message = "publisher_services must be service principals such as cloudwatch.amazonaws.com."
  }
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
