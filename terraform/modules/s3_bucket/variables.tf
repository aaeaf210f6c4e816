variable "name" {
  description = "Bucket name (globally unique: include the account id or a random suffix)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key that encrypts every object by default (SSE-KMS with an S3 Bucket Key). Required; null (said explicitly) means SSE-S3, for files that are public anyway and read by a service the key would have to admit (a static site behind CloudFront)."
  type        = string

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (or null for SSE-S3)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten or deleted object versions are removed."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving the server access logs (null: no access logging)."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete a bucket that still holds objects (throwaway environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}

variable "deny_insecure_transport" {
  description = "Attach a bucket policy denying every request not made over TLS. Only an emulator that speaks plain HTTP turns it off."
  type        = bool
  default     = true
}

variable "cors_rules" {
  description = "CORS rules of the bucket, for browsers using presigned URLs from a web page (for example a presigned POST from the console's origin). Empty: no CORS configuration, so browsers cannot read cross-origin responses."
  type = list(object({
    allowed_methods = list(string)
    allowed_origins = list(string)
    allowed_headers = optional(list(string), [])
    expose_headers  = optional(list(string), [])
    max_age_seconds = optional(number, 3600)
  }))
  default = []

  validation {
    condition = alltrue([
      for rule in var.cors_rules :
      length(rule.allowed_methods) > 0 && alltrue([for method in rule.allowed_methods : contains(["GET", "PUT", "POST", "DELETE", "HEAD"], method)])
    ])
    error_message = "Each CORS rule needs allowed_methods among GET, PUT, POST, DELETE and HEAD."
  }

  validation {
    condition = alltrue([
      for rule in var.cors_rules :
      length(rule.allowed_origins) > 0 && alltrue([for origin in rule.allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    ])
    error_message = "Each CORS rule needs allowed_origins that are exact origins such as https://console.example.com (no wildcard, no path)."
  }
}

variable "policy_statements" {
  description = "Statements of the bucket policy besides DenyInsecureTransport (which follows them), in IAM's JSON element names, for example read access for one CloudFront distribution. Principal names services or accounts (never \"*\"); Resource the bucket or its objects."
  type = list(object({
    Sid       = string
    Effect    = string
    Principal = map(string)
    Action    = list(string)
    Resource  = list(string)
    Condition = optional(map(map(string)), {})
  }))
  default = []

  validation {
    condition = alltrue([
      for statement in var.policy_statements :
      can(regex("^[A-Za-z0-9]+$", statement.Sid)) && contains(["Allow", "Deny"], statement.Effect) && length(statement.Action) > 0
    ]) && length(distinct([for statement in var.policy_statements : statement.Sid])) == length(var.policy_statements)
    error_message = "Each policy statement needs a unique alphanumeric Sid, Effect Allow or Deny, and at least one action."
  }

  validation {
    condition = alltrue([
      for statement in var.policy_statements :
      length(statement.Principal) > 0 && alltrue([for key, value in statement.Principal : contains(["AWS", "Service"], key) && !strcontains(value, "*")])
    ])
    error_message = "A policy statement's Principal names a service (Service) or an account or role (AWS), never \"*\": the bucket stays private."
  }

  validation {
    condition = alltrue([
      for statement in var.policy_statements :
      length(statement.Resource) > 0 && alltrue([for resource in statement.Resource : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+(/.*)?$", resource))])
    ])
    error_message = "A policy statement's Resource must be S3 ARNs (this bucket, arn:aws:s3:::<name>, or its objects, arn:aws:s3:::<name>/<key pattern>)."
  }
}
