variable "name_prefix" {
  description = "Prefix of every resource name, for example `shop-dev`; keeps several stacks apart in one account."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "environment" {
  description = "Kind of environment: local (the emulator), dev, staging or prod."
  type        = string

  validation {
    condition     = contains(["local", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be local, dev, staging or prod."
  }
}

variable "package_dir" {
  description = "Directory holding one zip per function package (`products.zip`, ...): dist/lambda for AWS, dist/host for the local runtime."
  type        = string
}

variable "lambda_architecture" {
  description = "Instruction set of every function; must match the wheels in the zips."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "snap_start_synchronous_functions" {
  description = <<-EOT
    Lambda SnapStart for the functions a person waits on (the REST APIs, the WebSocket
    authorizer and connections): API Gateway then invokes each one's "live" alias, a
    published version restored from a snapshot. Adds a caching and a restore charge
    (bench/README.md, "SnapStart"); off locally (the emulator has no snapshots). See bench/README.md for
    the cold-init figures this is weighed against.
  EOT
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = contains([true, false], var.snap_start_synchronous_functions)
    error_message = "snap_start_synchronous_functions must be true or false."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps function and access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "enable_xray_sampling_rule" {
  description = "Create the stack's X-Ray sampling rule (the emulator does not implement sampling rules)."
  type        = bool
  default     = true
}

variable "xray_sampling_rate" {
  description = "Share of requests traced beyond the first one each second."
  type        = number
  default     = 0.05

  validation {
    condition     = var.xray_sampling_rate >= 0 && var.xray_sampling_rate <= 1
    error_message = "xray_sampling_rate must be between 0 and 1."
  }
}

variable "manage_api_gateway_account" {
  description = "Set the region's API Gateway account CloudWatch role (a per-account, per-region singleton: turn off where something else manages it)."
  type        = bool
  default     = true
}

variable "api_execution_logging_level" {
  description = "API Gateway execution logging: OFF, ERROR or INFO (needs the account CloudWatch role)."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.api_execution_logging_level)
    error_message = "api_execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the REST API stage accepts."
  type        = number
  default     = 50
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests the REST API stage accepts."
  type        = number
  default     = 100
}

variable "sqs_redrive_allow_policy" {
  description = "Give every consumer's dead-letter queue a redrive-allow policy admitting only its own queue (pass it to each sqs_consumer_queue as restrict_dlq_sources). Off only for moto, which drops RedriveAllowPolicy."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Protect tables and the user pool against deletion (off for throwaway environments)."
  type        = bool
  default     = true
}

variable "cognito_threat_protection_mode" {
  description = "Cognito threat protection of the user pool: AUDIT, ENFORCED (Plus plan, billed per active user) or null (off)."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "ARNs (for example an SNS topic feeding on-call) notified by every alarm."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default tags)."
  type        = map(string)
  default     = {}
}

variable "s3_deny_insecure_transport" {
  description = "Give buckets a TLS-only policy. Off only for an emulator reached over plain HTTP (moto evaluates the policy and would refuse every request)."
  type        = bool
  default     = true
}

variable "lambda_packages_via_bucket" {
  description = "Upload the function zips to a bucket of the stack and create the functions from it, rather than sending each zip in its CreateFunction request. The AWS provider creates functions from local files one at a time (a provider-wide lock held through each function's ~5 s creation wait), so the stack's functions take about 90 s in a row; from a bucket they are created in parallel. The local environment turns it on; on AWS the direct upload stays."
  type        = bool
  default     = false
}
