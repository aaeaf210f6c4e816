variable "function_name" {
  description = "Name of the publisher function (also names its role, log group and alarms); its failure queue is `<function_name>-dlq`."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "service" {
  description = "The service whose table is published, for example `products`: its package holds the handler (`<service>.stream_publisher.handler`), it is POWERTOOLS_SERVICE_NAME, and it names the policy statements (`Read<Service>Stream`, `Publish<Service without trailing s>Events`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,39}$", var.service))
    error_message = "service must be 1-40 lowercase letters or digits, starting with a letter (it becomes a Python package and part of IAM statement ids)."
  }
}

variable "description" {
  description = "What the function publishes, from where to where."
  type        = string
}

variable "package_path" {
  description = "Path of the service's deployment zip."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point at a .zip file."
  }
}

variable "package_object" {
  description = "The zip uploaded to S3 to create the function from (see lambda_function's package_object); null: direct upload."
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
  description = "Memory of the function in MiB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MiB."
  }
}

variable "timeout" {
  description = "Timeout of the function in seconds (one batch of stream records)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "environment_variables" {
  description = "Environment of the function; the module adds POWERTOOLS_SERVICE_NAME (the service) and EVENTS_TOPIC_ARN (the topic)."
  type        = map(string)
  default     = {}
}

variable "stream_arn" {
  description = "ARN of the DynamoDB stream (the service table's outbox) the function reads."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[^:]+:[0-9]{12}:table/[^/]+/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be a DynamoDB stream ARN (.../table/<name>/stream/<label>)."
  }
}

variable "topic_arn" {
  description = "SNS topic the events are published to; the only topic the function may publish to."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key: encrypts the failure queue, the function's environment and log group; the function uses it to publish to the (encrypted) topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "starting_position" {
  description = "Where a new mapping starts reading the stream."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON"], var.starting_position)
    error_message = "starting_position must be LATEST or TRIM_HORIZON."
  }
}

variable "batch_size" {
  description = "Stream records per invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch (which is bisected each time) before it is reported to the failure queue."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000
    error_message = "maximum_retry_attempts must be between 0 and 10000 (-1, retry forever, would block the shard)."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's logs (validated by lambda_function)."
  type        = number
  default     = 30
}

variable "alarm_actions" {
  description = "ARNs notified by the failure queue's alarm and the function's Errors and Throttles alarms."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
