# The whole stack in a real AWS account.
#
#   terraform init -backend-config=backend.hcl
#   terraform apply -var environment=dev

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "serverless-ecommerce"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

module "stack" {
  source = "../../stack"

  name_prefix                      = coalesce(var.name_prefix, "shop-${var.environment}")
  environment                      = var.environment
  package_dir                      = coalesce(var.package_dir, abspath("${path.root}/../../../dist/lambda"))
  lambda_architecture              = var.lambda_architecture
  snap_start_synchronous_functions = var.snap_start_synchronous_functions
  log_retention_days               = var.log_retention_days
  deletion_protection              = var.environment != "dev"
  enable_xray_sampling_rule        = true
  manage_api_gateway_account       = var.manage_api_gateway_account
  alarm_actions                    = var.alarm_actions
  alarm_email                      = var.alarm_email
  sender_email                     = var.sender_email

  cognito_threat_protection_mode = var.cognito_threat_protection_mode

  # The web console: private S3 + CloudFront, its URL the only CORS origin.
  console_hosting_enabled     = true
  console_aliases             = var.console_aliases
  console_acm_certificate_arn = var.console_acm_certificate_arn

  # Per-client limits on the REST API (WAF web ACL on its stage), on by default.
  enable_waf                           = var.enable_waf
  waf_rate_limit_window_seconds        = var.waf_rate_limit_window_seconds
  waf_rate_limit_per_ip                = var.waf_rate_limit_per_ip
  waf_rate_limit_per_caller            = var.waf_rate_limit_per_caller
  waf_max_body_size_bytes              = var.waf_max_body_size_bytes
  waf_body_inspection_limit_kb         = var.waf_body_inspection_limit_kb
  waf_blocked_requests_alarm_threshold = var.waf_blocked_requests_alarm_threshold
}
