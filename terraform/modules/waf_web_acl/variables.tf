variable "name" {
  description = "Name of the web ACL; its log group is aws-waf-logs-<name> (WAF logs only to groups named so)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,115}$", var.name))
    error_message = "name must be 1-115 letters, digits, '-' or '_' (the log group name adds 'aws-waf-logs-')."
  }
}

variable "description" {
  description = "What the web ACL protects (1-256 characters)."
  type        = string
  default     = "Per-client rate limits and AWS managed rules for an API Gateway REST API."

  validation {
    condition     = length(var.description) >= 1 && length(var.description) <= 256
    error_message = "description must be 1-256 characters."
  }
}

variable "associations" {
  description = "Resources to protect, by a static key: REST API stage ARNs (arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>). WAF cannot attach to WebSocket (API Gateway v2) APIs."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.associations) : can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+::/restapis/[^/]+/stages/[^/]+$", arn))])
    error_message = "associations must be API Gateway REST API stage ARNs (arn:aws:apigateway:<region>::/restapis/<id>/stages/<stage>)."
  }
}

variable "rate_limit_window_seconds" {
  description = "Window over which the rate-based rules count requests: 60, 120, 300 or 600 seconds."
  type        = number
  default     = 60

  validation {
    condition     = contains([60, 120, 300, 600], var.rate_limit_window_seconds)
    error_message = "rate_limit_window_seconds must be 60, 120, 300 or 600."
  }
}

variable "rate_limit_per_ip" {
  description = "Requests one source IP may send per window before WAF answers 429 (covers unauthenticated callers and forged tokens; keep room for many users behind one NAT)."
  type        = number
  default     = 600

  validation {
    condition     = var.rate_limit_per_ip >= 10 && var.rate_limit_per_ip <= 2000000000
    error_message = "rate_limit_per_ip must be between 10 and 2,000,000,000 (WAF's bounds)."
  }
}

variable "rate_limit_per_caller" {
  description = "Requests one caller (the value of its Authorization header, its ID token) may send per window before WAF answers 429, whatever IPs it uses."
  type        = number
  default     = 300

  validation {
    condition     = var.rate_limit_per_caller >= 10 && var.rate_limit_per_caller <= 2000000000
    error_message = "rate_limit_per_caller must be between 10 and 2,000,000,000 (WAF's bounds)."
  }
}

variable "managed_rule_groups" {
  description = <<-EOT
    AWS managed rule groups evaluated after the rate and size rules and the always-on
    AWSManagedRulesKnownBadInputsRuleSet, in this order. Each
    names the group and the rules of it that only count (override to Count) instead of
    blocking. The default counts the Core rule set's SizeRestrictions_BODY (it blocks
    bodies over 8 KB, which legitimate product and order bodies may exceed): bodies are
    bounded by this module's own BodyTooLarge rule at max_body_size_bytes instead.
  EOT
  type = list(object({
    name        = string
    count_rules = optional(list(string), [])
  }))
  default = [
    { name = "AWSManagedRulesAmazonIpReputationList" },
    { name = "AWSManagedRulesCommonRuleSet", count_rules = ["SizeRestrictions_BODY"] },
  ]

  validation {
    condition     = alltrue([for group in var.managed_rule_groups : can(regex("^AWSManagedRules[A-Za-z0-9]+$", group.name)) && group.name != "AWSManagedRulesKnownBadInputsRuleSet"])
    error_message = "managed_rule_groups must name AWS managed rule groups (AWSManagedRules...), except AWSManagedRulesKnownBadInputsRuleSet, which the module always applies."
  }
}

variable "body_inspection_limit_kb" {
  description = "How much of a request body WAF inspects for API Gateway: 16 (free), 32, 48 or 64 KB (billed per extra 16 KB)."
  type        = number
  default     = 16

  validation {
    condition     = contains([16, 32, 48, 64], var.body_inspection_limit_kb)
    error_message = "body_inspection_limit_kb must be 16, 32, 48 or 64."
  }
}

variable "max_body_size_bytes" {
  description = "Largest request body admitted (larger ones get 413); at most body_inspection_limit_kb, since WAF cannot see further. The default fits the largest legitimate body (a product with a 2,000-character description, \\u-escaped)."
  type        = number
  default     = 16384

  validation {
    condition     = var.max_body_size_bytes >= 1024 && var.max_body_size_bytes <= 65536
    error_message = "max_body_size_bytes must be between 1024 and 65536."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key encrypting the WAF log group (its policy must admit CloudWatch Logs)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps the WAF logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts."
  }
}

variable "log_all_requests" {
  description = "Log every request; false (default) logs only those a rule blocked or counted (cheaper, and what an investigation needs)."
  type        = bool
  default     = false
}

variable "blocked_requests_alarm_threshold" {
  description = "Blocked requests within 5 minutes that raise the alarm (an attack or a misbehaving client, or a rule refusing legitimate traffic)."
  type        = number
  default     = 100

  validation {
    condition     = var.blocked_requests_alarm_threshold >= 1
    error_message = "blocked_requests_alarm_threshold must be at least 1."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when the blocked-requests alarm fires or recovers."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the web ACL, its log group and alarm."
  type        = map(string)
  default     = {}
}
