variable "name" {
  description = "Name of the WebSocket API."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 128
    error_message = "name must be 1-128 characters."
  }
}

variable "description" {
  description = "What the API serves."
  type        = string
  default     = ""
}

variable "stage_name" {
  description = "Name of the stage (last part of the wss:// URL)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits or '_'."
  }
}

variable "route_selection_expression" {
  description = "How a message picks its route."
  type        = string
  default     = "$request.body.action"
}

variable "functions" {
  description = "Lambda functions the routes and the authorizer invoke, by a key they refer to."
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string) # the alias invoke_arn names (lambda_function's qualifier output), if any
  }))
}

variable "routes" {
  description = <<-EOT
    Routes keyed by route key (`$connect`, `$disconnect`, `$default` or an action such as
    `ping`), each naming the key of its function in `functions`. A two-way route sends the
    function's response body back to the client (route response `$default`).
  EOT
  type = map(object({
    function = string
    two_way  = optional(bool, false)
  }))

  validation {
    condition     = contains(keys(var.routes), "$connect")
    error_message = "routes must include $connect (the authorizer guards it)."
  }
}

variable "authorizer" {
  description = "The REQUEST authorizer guarding $connect: the key of its function in `functions` and the identity sources it needs (a missing one is refused with 401 before it runs)."
  type = object({
    function         = string
    identity_sources = optional(list(string), ["route.request.querystring.token"])
  })
}

variable "integration_timeout_ms" {
  description = "Integration timeout of every route (API Gateway's maximum is 29000)."
  type        = number
  default     = 10000

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 29000
    error_message = "integration_timeout_ms must be between 50 and 29000."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state messages per second the stage accepts (all routes)."
  type        = number
  default     = 50
}

variable "throttling_burst_limit" {
  description = "Burst of messages the stage accepts."
  type        = number
  default     = 100
}

variable "route_throttling" {
  description = "Per-route limits tighter than the stage's, by route key (for example $connect, or admin actions): steady-state rate (per second) and burst, shared by all clients of the route. Routes not listed use the stage's."
  type = map(object({
    rate_limit  = number
    burst_limit = number
  }))
  default = {}

  validation {
    condition     = alltrue([for limits in values(var.route_throttling) : limits.rate_limit >= 0 && limits.burst_limit >= 0])
    error_message = "route_throttling limits must not be negative."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the access log group (its policy must admit CloudWatch Logs)."
  type        = string
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the access logs."
  type        = number
  default     = 30
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm of the API fires or recovers (for example an SNS topic)."
  type        = list(string)
  default     = []
}

variable "server_error_alarm_threshold" {
  description = "Server-side errors within one minute that raise the alarm."
  type        = number
  default     = 1

  validation {
    condition     = var.server_error_alarm_threshold >= 1
    error_message = "server_error_alarm_threshold must be at least 1."
  }
}

variable "latency_p99_alarm_threshold_ms" {
  description = "p99 latency (milliseconds) of messages above which the latency alarm fires (3 of 5 minutes)."
  type        = number
  default     = 3000

  validation {
    condition     = var.latency_p99_alarm_threshold_ms > 0
    error_message = "latency_p99_alarm_threshold_ms must be positive."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
