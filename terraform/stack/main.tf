data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  tags = merge(var.tags, { Stack = var.name_prefix, Environment = var.environment })

  # Settings every function shares (docs/conventions.md).
  powertools_environment = {
    POWERTOOLS_METRICS_NAMESPACE = "Ecommerce"
    POWERTOOLS_LOG_LEVEL         = "INFO"
  }
}

module "key" {
  source = "../modules/kms_key"

  alias_name  = "${var.name_prefix}-data"
  description = "Encrypts the ${var.name_prefix} stack's tables, topics, queues, logs and function settings."
  tags        = local.tags
}

module "users" {
  source = "../modules/cognito_user_pool"

  name                   = "${var.name_prefix}-users"
  deletion_protection    = var.deletion_protection
  threat_protection_mode = var.cognito_threat_protection_mode
  # Customers register themselves; the post-confirmation trigger (identity.tf) puts them
  # in `customer`. Admins are still created only by admins (AdminCreateUser).
  self_sign_up_enabled         = true
  post_confirmation_lambda_arn = module.identity_post_confirmation.function_arn
  tags                         = local.tags
}

resource "aws_xray_sampling_rule" "default" {
  count = var.enable_xray_sampling_rule ? 1 : 0

  rule_name      = "${var.name_prefix}-default"
  priority       = 1000
  version        = 1
  reservoir_size = 1
  fixed_rate     = var.xray_sampling_rate
  host           = "*"
  http_method    = "*"
  url_path       = "*"
  service_name   = "${var.name_prefix}-*"
  service_type   = "*"
  resource_arn   = "*"
  tags           = local.tags
}
