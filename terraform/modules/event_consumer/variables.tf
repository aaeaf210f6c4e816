# The function's settings go to lambda_function unchanged, which validates them (its
# error names the value); this module validates what it adds: the queues, the sids and
# DEAD_LETTER_QUEUES.

variable "function_name" {
  description = "Name of the consumer function (also names its role, log group and alarms)."
  type        = string
}

variable "description" {
  description = "What the consumer does with the events it receives."
  type        = string
  default     = ""
}

variable "package_path" {
  description = "Path of the deployment zip; its SHA-256 decides whether the code is updated."
  type        = string
}

variable "package_object" {
  description = "The same zip as package_path, uploaded to S3, to create the function from (see lambda_function); null: direct upload."
  type = object({
    bucket = string
    key    = string
  })
  default = null
}

variable "handler" {
  description = "Handler in `module.function` form, for example `orders.stock_consumer.handler`."
  type        = string
}

variable "architecture" {
  description = "Instruction set of the function; must match the wheels in the package."
  type        = string
  default     = "arm64"
}

variable "memory_size" {
  description = "Memory in MiB (CPU scales with it)."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout in seconds; every queue's visibility timeout is six times this (AWS's advice for SQS event sources)."
  type        = number
  default     = 30
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function; null leaves it on the account's unreserved pool."
  type        = number
  default     = null
}

variable "environment_variables" {
  description = "Environment variables of the function; the module adds DEAD_LETTER_QUEUES (queue ARN -> DLQ URL of every queue, JSON)."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.environment_variables), "DEAD_LETTER_QUEUES")
    error_message = "DEAD_LETTER_QUEUES is built by the module from its queues: do not set it."
  }
}

variable "policy_statements" {
  description = <<-EOT
    What the function may do besides reading its queues, as IAM Allow statements (exact
    actions, no wildcards). Receiving from the queues, sending to their dead-letter
    queues and using their key are added by the module (sids ConsumeQueue,
    SendToDeadLetterQueue, UseQueueKey), as are lambda_function's own statements.
  EOT
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
  }))
  default = []

  validation {
    condition = length(setintersection(
      [for statement in var.policy_statements : statement.sid],
      ["ConsumeQueue", "SendToDeadLetterQueue", "UseQueueKey"],
    )) == 0
    error_message = "The sids ConsumeQueue, SendToDeadLetterQueue and UseQueueKey are the module's (the queues' statements)."
  }
}

variable "queues" {
  description = <<-EOT
    The consumer's queues, keyed by a short name (also the key of the queue's event
    source mapping): each queue is subscribed to one topic, receives exactly
    `event_types` (the `type` message attribute) and feeds the function in batches of
    `batch_size` messages. A consumer of two topics has two queues.
  EOT
  type = map(object({
    name        = string
    topic_arn   = string
    event_types = list(string)
    batch_size  = optional(number, 10)
  }))

  validation {
    condition     = length(var.queues) > 0
    error_message = "A consumer reads at least one queue."
  }

  validation {
    condition     = alltrue([for key in keys(var.queues) : can(regex("^[a-z][a-z0-9_]{0,63}$", key))])
    error_message = "Queue keys must be 1-64 lowercase letters, digits or '_', starting with a letter."
  }

  validation {
    condition     = length(distinct([for queue in values(var.queues) : queue.name])) == length(var.queues)
    error_message = "Every queue needs its own name."
  }

  validation {
    condition     = alltrue([for queue in values(var.queues) : length(queue.event_types) > 0])
    error_message = "Every queue names the event types it receives."
  }

  validation {
    # More than 10 needs a batching window, which the module does not set.
    condition     = alltrue([for queue in values(var.queues) : queue.batch_size >= 1 && queue.batch_size <= 10])
    error_message = "batch_size must be between 1 and 10."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the queues, the function's environment and its log group."
  type        = string
}

variable "restrict_dlq_sources" {
  description = "Give each dead-letter queue a redrive-allow policy admitting only its queue (sqs_consumer_queue); off only for emulators without RedriveAllowPolicy."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the function's logs (a value CloudWatch Logs accepts; lambda_function validates it)."
  type        = number
  default     = 30
}

variable "alarm_actions" {
  description = "ARNs notified by the function's Errors and Throttles alarms and by every dead-letter queue's alarm."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
