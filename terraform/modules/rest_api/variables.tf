variable "name" {
  description = "Name of the REST API."
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
  description = "Name of the deployed stage (part of the invoke URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits or '_'."
  }
}

variable "user_pool_arns" {
  description = "Cognito user pools whose ID tokens the authorizer accepts."
  type        = list(string)

  validation {
    condition     = length(var.user_pool_arns) > 0
    error_message = "Give at least one user pool ARN."
  }
}

variable "functions" {
  description = "Lambda functions the routes invoke, by a key the routes refer to."
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string) # the alias invoke_arn names (lambda_function's qualifier output), if any
  }))
}

variable "routes" {
  description = <<-EOT
    Routes keyed by "METHOD /path" (path parameters in braces, at most three path
    segments), each naming the key of its function in `functions`. Every route is an
    AWS_PROXY integration; authorization is COGNITO_USER_POOLS unless set to NONE.
  EOT
  type = map(object({
    function      = string
    authorization = optional(string, "COGNITO_USER_POOLS")
  }))

  validation {
    condition = alltrue([
      for route in keys(var.routes) :
      can(regex("^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) (/|(/([A-Za-z0-9._-]+|\\{[A-Za-z0-9_]+\\+?\\})){1,3})$", route))
    ])
    error_message = "Route keys look like \"GET /products/{id}\": a method, one space, a path of at most three segments."
  }

  validation {
    condition     = alltrue([for route in values(var.routes) : contains(["COGNITO_USER_POOLS", "NONE"], route.authorization)])
    error_message = "authorization must be COGNITO_USER_POOLS or NONE."
  }
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit (requests)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 1
    error_message = "throttling_burst_limit must be at least 1."
  }
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state limit (requests per second)."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit >= 1
    error_message = "throttling_rate_limit must be at least 1."
  }
}

variable "execution_logging_level" {
  description = "Execution logging of every method (OFF, ERROR or INFO). Anything but OFF needs the account's API Gateway CloudWatch role to be set."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the access log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
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
  description = "p99 latency (milliseconds) of requests above which the latency alarm fires (3 of 5 minutes)."
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

variable "cors_allowed_origin" {
  description = "The one origin (scheme://host[:port], no path, no trailing slash) allowed to call the API from a browser, for example the web console's https://d111111abcdef8.cloudfront.net. Null: no CORS at all (no OPTIONS methods, no CORS headers on API Gateway's own responses)."
  type        = string
  default     = null

  validation {
    condition     = var.cors_allowed_origin == null ? true : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", var.cors_allowed_origin))
    error_message = "cors_allowed_origin must be one origin such as https://console.example.com or http://127.0.0.1:8080 (no wildcard, path or trailing slash)."
  }
}

variable "cors_allow_headers" {
  description = "Request headers a browser may send cross-origin (answered in Access-Control-Allow-Headers of the preflight)."
  type        = list(string)
  default     = ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Correlation-Id"]

  validation {
    condition     = length(var.cors_allow_headers) > 0 && alltrue([for header in var.cors_allow_headers : can(regex("^[A-Za-z0-9-]+$", header))])
    error_message = "cors_allow_headers must be a non-empty list of header names (letters, digits, '-')."
  }
}

variable "cors_expose_headers" {
  description = "Response headers a browser lets the page read cross-origin (Access-Control-Expose-Headers on API Gateway's own error responses; the functions expose theirs)."
  type        = list(string)
  default     = ["Retry-After", "X-Correlation-Id", "x-amzn-ErrorType", "x-amzn-RequestId"]

  validation {
    condition     = alltrue([for header in var.cors_expose_headers : can(regex("^[A-Za-z0-9-]+$", header))])
    error_message = "cors_expose_headers must be header names (letters, digits, '-')."
  }
}

variable "cors_max_age_seconds" {
  description = "How long a browser may cache a preflight answer (Access-Control-Max-Age; Chromium caps it at 7200)."
  type        = number
  default     = 3600

  validation {
    condition     = var.cors_max_age_seconds >= 0 && var.cors_max_age_seconds <= 86400 && floor(var.cors_max_age_seconds) == var.cors_max_age_seconds
    error_message = "cors_max_age_seconds must be a whole number of seconds between 0 and 86400."
  }
}
