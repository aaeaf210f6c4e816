# Per-client limits for the REST API: a WAF web ACL on its stage (rate-based rules by
# source IP and by caller identity, a body size bound, AWS managed rule groups), logged
# and alarmed. WAF cannot attach to the WebSocket API; it gets per-route throttling
# and its authorizer instead (websocket.tf, README).

variable "enable_waf" {
  description = "Protect the REST API stage with a WAF web ACL (per-client rate limits, managed rules). Off only for the emulator: the local gateway does not evaluate WAF rules."
  type        = bool
  default     = true
}

variable "waf_rate_limit_window_seconds" {
  description = "Window of the WAF rate-based rules: 60, 120, 300 or 600 seconds."
  type        = number
  default     = 60
}

variable "waf_rate_limit_per_ip" {
  description = "Requests one source IP may send to the REST API per window before it gets 429."
  type        = number
  default     = 600
}

variable "waf_rate_limit_per_caller" {
  description = "Requests one caller (ID token in the Authorization header) may send to the REST API per window before it gets 429."
  type        = number
  default     = 300
}

variable "waf_max_body_size_bytes" {
  description = "Largest REST request body admitted by WAF (413 beyond); at most 16384 unless waf_body_inspection_limit_kb is raised."
  type        = number
  default     = 16384
}

variable "waf_body_inspection_limit_kb" {
  description = "How much of a body WAF inspects: 16 (included), 32, 48 or 64 KB (billed extra)."
  type        = number
  default     = 16
}

variable "waf_blocked_requests_alarm_threshold" {
  description = "Blocked requests within 5 minutes that raise the WAF alarm."
  type        = number
  default     = 100
}

module "rest_api_waf" {
  source = "../modules/waf_web_acl"
  count  = var.enable_waf ? 1 : 0

  name         = local.rest_api_name
  description  = "Per-client rate limits and AWS managed rules for the ${local.rest_api_name} REST API."
  associations = { rest_api = module.rest_api.stage_arn }

  rate_limit_window_seconds        = var.waf_rate_limit_window_seconds
  rate_limit_per_ip                = var.waf_rate_limit_per_ip
  rate_limit_per_caller            = var.waf_rate_limit_per_caller
  max_body_size_bytes              = var.waf_max_body_size_bytes
  body_inspection_limit_kb         = var.waf_body_inspection_limit_kb
  blocked_requests_alarm_threshold = var.waf_blocked_requests_alarm_threshold

  kms_key_arn        = module.key.key_arn
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags
}
