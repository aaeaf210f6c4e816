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
