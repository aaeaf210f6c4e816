variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"
}

variable "environment" {
  description = "Stage: dev, staging or prod."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; null means `shop-<environment>`."
  type        = string
  default     = null
}

variable "package_dir" {
  description = "Directory of the Lambda zips built by `make build`; null means <repo>/dist/lambda."
  type        = string
  default     = null
}

variable "lambda_architecture" {
  description = "Instruction set of the functions; must match the wheels in the zips."
  type        = string
  default     = "arm64"
}

variable "snap_start_synchronous_functions" {
  description = "Lambda SnapStart for the REST APIs and the WebSocket authorizer/connections (published versions behind a \"live\" alias). Off: their measured cold inits do not justify its caching and restore charges (bench/README.md, \"SnapStart\")."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  description = "How long CloudWatch keeps function and access logs."
  type        = number
  default     = 90
}

variable "manage_api_gateway_account" {
  description = "Set the region's API Gateway CloudWatch role (turn off when the account already has one managed elsewhere)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs notified by every alarm (for example an on-call SNS topic)."
  type        = list(string)
  default     = []
}

variable "alarm_email" {
  description = "On-call address subscribed to the alarm topic (confirm the e-mail AWS sends); null subscribes nobody."
  type        = string
  default     = null
}

variable "cognito_threat_protection_mode" {
  description = "Cognito threat protection: AUDIT, ENFORCED (Plus plan, billed per active user) or null (off)."
  type        = string
  default     = null
}

variable "console_aliases" {
  description = "Custom domain names of the web console (CNAMEs to its CloudFront distribution; need console_acm_certificate_arn). Empty: https://<id>.cloudfront.net."
  type        = list(string)
  default     = []
}

variable "console_acm_certificate_arn" {
  description = "ACM certificate in us-east-1 covering console_aliases (TLS 1.2 minimum for viewers). Null: CloudFront's default certificate."
  type        = string
  default     = null
}

variable "enable_waf" {
  description = "Protect the REST API with a WAF web ACL: per-client rate limits (source IP, caller identity), a body size bound, AWS managed rules. Costs a monthly fee per web ACL and rule plus a fee per million requests."
  type        = bool
  default     = true
}

variable "waf_rate_limit_window_seconds" {
  description = "Window of the WAF rate limits: 60, 120, 300 or 600 seconds."
  type        = number
  default     = 60
}

variable "waf_rate_limit_per_ip" {
  description = "REST requests one source IP may send per window before getting 429 (leave room for many users behind one NAT)."
  type        = number
  default     = 600
}

variable "waf_rate_limit_per_caller" {
  description = "REST requests one caller (its ID token) may send per window before getting 429."
  type        = number
  default     = 300
}

variable "waf_max_body_size_bytes" {
  description = "Largest REST request body WAF admits (413 beyond); at most waf_body_inspection_limit_kb."
  type        = number
  default     = 16384
}

variable "waf_body_inspection_limit_kb" {
  description = "How much of a request body WAF inspects: 16 (included), 32, 48 or 64 KB (billed extra)."
  type        = number
  default     = 16
}

variable "waf_blocked_requests_alarm_threshold" {
  description = "Blocked requests within 5 minutes that raise the WAF alarm."
  type        = number
  default     = 100
}

variable "sender_email" {
  description = "Address the shop's e-mails come from (an SES identity Terraform creates; click the link AWS mails to it). Check it with `make preflight`."
  type        = string
  default     = "no-reply@example.com"
}
