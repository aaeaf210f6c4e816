variable "function_name" {
  description = "Name of the function (also names its role, log group and alarm)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "description" {
  description = "What the function does."
  type        = string
  default     = ""
}

variable "package_path" {
  description = "Path of the deployment zip; its SHA-256 decides whether the code is updated."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point at a .zip file."
  }
}

variable "package_object" {
  description = "The same zip as package_path, uploaded to S3: the function is created from it (CreateFunction with S3Bucket/S3Key) instead of from the zip sent in the request. Null: direct upload. The AWS provider creates functions from local files one at a time (a provider-wide lock held through each function's creation wait), so an environment with many functions deploys them in parallel from S3. package_path still decides, by its SHA-256, when the code is updated."
  type = object({
    bucket = string
    key    = string
  })
  default = null

  validation {
    condition     = try(endswith(var.package_object.key, ".zip"), var.package_object == null)
    error_message = "package_object must be null or name a .zip object."
  }
}

variable "handler" {
  description = "Handler in `module.function` form, for example `products.api.handler`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must look like `package.module.function`."
  }
}

variable "runtime" {
  description = "Lambda runtime."
  type        = string
  default     = "python3.13"

  validation {
    condition     = can(regex("^python3\\.(1[1-9])$", var.runtime))
    error_message = "runtime must be python3.11 or newer (the code is kept 3.11-compatible)."
  }
}

variable "architecture" {
  description = "Instruction set of the function; must match the wheels in the package."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MiB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MiB."
  }
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function; null leaves it on the account's unreserved pool."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null ? true : var.reserved_concurrent_executions >= 0
    error_message = "reserved_concurrent_executions must be null or >= 0."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the environment variables and the log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "policy_statements" {
  description = <<-EOT
    What the function may do, as IAM Allow statements: each names its exact actions
    (no wildcards) and the resources they apply to. Writing to its own log group and
    sending X-Ray traces are added by the module.
  EOT
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []

  validation {
    condition = alltrue([
      for statement in var.policy_statements :
      length(statement.actions) > 0 && alltrue([for action in statement.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9]+$", action))])
    ])
    error_message = "Every statement needs at least one action, each `service:Action` spelled out in full: no wildcards."
  }

  validation {
    condition     = alltrue([for statement in var.policy_statements : length(statement.resources) > 0 && can(regex("^[A-Za-z0-9]+$", statement.sid))])
    error_message = "Every statement needs an alphanumeric sid and at least one resource."
  }

  validation {
    # IAM requires a policy's sids to be unique; the module's own three are taken.
    condition = length(distinct(concat(
      [for statement in var.policy_statements : statement.sid],
      ["WriteOwnLogs", "SendTraces", "DecryptOwnEnvironment"],
    ))) == length(var.policy_statements) + 3
    error_message = "Every statement needs a sid of its own, none of WriteOwnLogs, SendTraces and DecryptOwnEnvironment: IAM refuses a policy whose sids repeat."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "event_source_mappings" {
  description = <<-EOT
    Event sources polled by Lambda for this function, keyed by a short name. For SQS
    leave starting_position null; for DynamoDB streams set it (LATEST or TRIM_HORIZON).
    The read permissions on the source are the caller's to grant in policy_statements.
  EOT
  type = map(object({
    event_source_arn                   = string
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    starting_position                  = optional(string)
    bisect_batch_on_function_error     = optional(bool)
    maximum_retry_attempts             = optional(number)
    maximum_record_age_in_seconds      = optional(number)
    report_batch_item_failures         = optional(bool, true)
    on_failure_destination_arn         = optional(string)
    maximum_concurrency                = optional(number)
  }))
  default = {}

  validation {
    condition = alltrue([
      for mapping in values(var.event_source_mappings) :
      mapping.starting_position == null ? true : contains(["LATEST", "TRIM_HORIZON"], mapping.starting_position)
    ])
    error_message = "starting_position must be LATEST, TRIM_HORIZON or null (SQS)."
  }

  validation {
    condition     = alltrue([for mapping in values(var.event_source_mappings) : mapping.batch_size >= 1 && mapping.batch_size <= 10000])
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when the Errors or Throttles alarm fires or recovers (for example an SNS topic)."
  type        = list(string)
  default     = []
}

variable "error_alarm_threshold" {
  description = "Errors within one minute that raise the alarm."
  type        = number
  default     = 1

  validation {
    condition     = var.error_alarm_threshold >= 1
    error_message = "error_alarm_threshold must be at least 1."
  }
}

variable "throttle_alarm_threshold" {
  description = "Throttled invocations within one minute that raise the alarm."
  type        = number
  default     = 1

  validation {
    condition     = var.throttle_alarm_threshold >= 1
    error_message = "throttle_alarm_threshold must be at least 1."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}

variable "snap_start" {
  description = <<-EOT
    Lambda SnapStart: Lambda initialises the function when a version is published and
    starts new execution environments from a snapshot of it. Publishes a version on every
    code or configuration change and points the "live" alias at it; invoke_arn and
    qualifier then name the alias, which callers (API Gateway) must invoke. Python 3.12
    or newer; billed per cached GB-second and per GB restored (bench/README.md, "SnapStart"). Off by
    default and in the local environment (the emulator has no snapshots).
  EOT
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.snap_start || can(regex("^python3\\.(1[2-9])$", var.runtime))
    error_message = "snap_start needs python3.12 or newer."
  }
}
