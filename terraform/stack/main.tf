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

# Only with lambda_packages_via_bucket: the function zips, uploaded once per package for
# CreateFunction to read (package_object of every function module).
module "packages_bucket" {
  source = "../modules/s3_bucket"
  count  = var.lambda_packages_via_bucket ? 1 : 0

  name                               = "${var.name_prefix}-packages-${data.aws_caller_identity.current.account_id}"
  kms_key_arn                        = module.key.key_arn
  deny_insecure_transport            = var.s3_deny_insecure_transport
  noncurrent_version_expiration_days = 7
  force_destroy                      = true # build outputs, reproducible from the sources
  tags                               = local.tags
}

resource "aws_s3_object" "package" {
  for_each = var.lambda_packages_via_bucket ? toset(local.package_names) : toset([])

  bucket      = module.packages_bucket[0].name
  key         = "${each.key}.zip"
  source      = "${var.package_dir}/${each.key}.zip"
  source_hash = filebase64sha256("${var.package_dir}/${each.key}.zip")
  kms_key_id  = module.key.key_arn
  tags        = local.tags
}

locals {
  package_names = ["identity", "invoices", "notifications", "orders", "products", "realtime"]
  # package path -> its uploaded object; empty when the zips go in CreateFunction itself
  package_objects = {
    for name, object in aws_s3_object.package :
    "${var.package_dir}/${name}.zip" => { bucket = object.bucket, key = object.key }
  }
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
