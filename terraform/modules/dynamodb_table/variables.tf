variable "name" {
  description = "Name of the table."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 letters, digits, '_', '-' or '.'."
  }
}

variable "partition_key" {
  description = "Name of the partition key attribute (a string)."
  type        = string
  default     = "pk"
}

variable "sort_key" {
  description = "Name of the sort key attribute (a string)."
  type        = string
  default     = "sk"
}

variable "global_secondary_indexes" {
  description = "Global secondary indexes; their keys are strings."
  type = list(object({
    name            = string
    partition_key   = string
    sort_key        = optional(string)
    projection_type = optional(string, "ALL")
  }))
  default = []

  validation {
    condition     = alltrue([for index in var.global_secondary_indexes : contains(["ALL", "KEYS_ONLY"], index.projection_type)])
    error_message = "projection_type must be ALL or KEYS_ONLY."
  }

  validation {
    condition     = length(distinct([for index in var.global_secondary_indexes : index.name])) == length(var.global_secondary_indexes)
    error_message = "Index names must be unique."
  }
}

variable "stream_enabled" {
  description = "Emit a NEW_AND_OLD_IMAGES stream (the service's transactional outbox)."
  type        = bool
  default     = true
}

variable "ttl_attribute" {
  description = "Attribute holding the expiry epoch seconds; null turns TTL off."
  type        = string
  default     = "expiresAt"
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "deletion_protection" {
  description = "Refuse DeleteTable while set (turn off for throwaway environments)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
