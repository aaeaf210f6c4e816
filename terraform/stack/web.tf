# The web console: where it lives and which origin may call the APIs from a browser.
#
# - console_hosting_enabled (true in environments/aws): the stack hosts the console
#   (private S3 bucket behind CloudFront); its URL is https://<distribution domain>.
# - otherwise console_url, when given, is the console's origin served elsewhere (locally:
#   the local web server of `make up`).
# local.console_url is that origin (null: no console), the only one CORS admits on the
# REST API, the functions' responses and the imports bucket, and the base of the invoice
# link in e-mails.

variable "console_url" {
  description = "Base URL of the web console when the stack does not host it, for example http://127.0.0.1:8080 (scheme, host, optional port; no path, no trailing slash). Null: no console, so no CORS. Ignored when console_hosting_enabled is true."
  type        = string
  default     = null

  validation {
    condition     = var.console_url == null ? true : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", var.console_url))
    error_message = "console_url must be an origin such as http://127.0.0.1:8080 or https://console.example.com (no path, no trailing slash)."
  }
}

variable "console_hosting_enabled" {
  description = "Host the web console in this stack: private S3 bucket + CloudFront (origin access control, security headers) with a Terraform-written config.json. Its https:// URL becomes the console URL."
  type        = bool
  default     = false
}

variable "console_content_dir" {
  description = "Directory of the console's files uploaded when the stack hosts it; null: the repository's web/ folder. A missing folder uploads nothing but config.json."
  type        = string
  default     = null
}

variable "console_aliases" {
  description = "Custom domain names of the hosted console (need console_acm_certificate_arn); the first one becomes the console URL. Empty: https://<id>.cloudfront.net."
  type        = list(string)
  default     = []
}

variable "console_acm_certificate_arn" {
  description = "ACM certificate in us-east-1 covering console_aliases; with it viewers need TLS 1.2 or later (TLSv1.2_2021)."
  type        = string
  default     = null
}

locals {
  console_url = var.console_hosting_enabled ? module.console_site[0].url : var.console_url

  # What the REST API functions need to answer browsers from the console (shared.http).
  rest_api_cors_environment = {
    for name, value in { CORS_ALLOWED_ORIGIN = local.console_url } : name => value if value != null
  }

  # Origins built from their parts, so that the console's security headers do not wait
  # for (or depend on) the APIs' stages, whose functions know the console's URL.
  aws_region_name       = data.aws_region.current.name
  aws_dns_suffix        = data.aws_partition.current.dns_suffix
  rest_api_origin       = "https://${module.rest_api.rest_api_id}.execute-api.${local.aws_region_name}.${local.aws_dns_suffix}"
  websocket_api_origin  = "wss://${module.websocket_api.api_id}.execute-api.${local.aws_region_name}.${local.aws_dns_suffix}"
  cognito_idp_endpoint  = "https://cognito-idp.${local.aws_region_name}.${local.aws_dns_suffix}/"
  console_bucket_access = [module.invoice_imports_bucket.name, module.invoices_bucket.name]
  # Presigned URLs name the bucket in the host: s3.<region> (s3 in us-east-1).
  console_bucket_origins = flatten([
    for bucket in local.console_bucket_access : [
      "https://${bucket}.s3.${local.aws_dns_suffix}",
      "https://${bucket}.s3.${local.aws_region_name}.${local.aws_dns_suffix}",
    ]
  ])

  # The console's runtime configuration (config.json next to index.html): identifiers
  # and URLs only, no secrets (the app client is public: no client secret).
  console_config = {
    restUrl          = module.rest_api.invoke_url
    websocketUrl     = module.websocket_api.websocket_url
    region           = local.aws_region_name
    userPoolId       = module.users.user_pool_id
    userPoolClientId = module.users.client_id
    cognitoEndpoint  = local.cognito_idp_endpoint
  }

  # The browser's uploads (invoice import: PUT to a presigned URL, Content-Type signed)
  # and invoice downloads, from the console's origin only.
  console_upload_cors_rules = local.console_url == null ? [] : [{
    allowed_methods = ["POST"] # the presigned POST form upload (fields + file)
    allowed_origins = [local.console_url]
    allowed_headers = ["Content-Type"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3600
  }]
  console_download_cors_rules = local.console_url == null ? [] : [{
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = [local.console_url]
    allowed_headers = []
    expose_headers  = ["Content-Disposition", "Content-Length", "Content-Type"]
    max_age_seconds = 3600
  }]
}

# The console on AWS: a private bucket behind CloudFront, its runtime configuration written
# here. The console talks to Cognito's own API (SignUp, InitiateAuth...), not to Cognito's
# managed login pages, so the app client needs no callback or logout URLs.
module "console_site" {
  count  = var.console_hosting_enabled ? 1 : 0
  source = "../modules/static_site"

  name        = "${var.name_prefix}-console"
  bucket_name = "${var.name_prefix}-console-${data.aws_caller_identity.current.account_id}"
  content_dir = coalesce(var.console_content_dir, "${path.module}/../../web")
  generated_files = {
    "config.json" = { content = jsonencode(local.console_config) }
  }
  connect_src = concat(
    [local.rest_api_origin, local.websocket_api_origin, trimsuffix(local.cognito_idp_endpoint, "/")],
    local.console_bucket_origins,
  )
  aliases             = var.console_aliases
  acm_certificate_arn = var.console_acm_certificate_arn
  tags                = local.tags
}
