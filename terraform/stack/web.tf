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

locals {
  console_url = var.console_url

  # What the REST API functions need to answer browsers from the console (shared.http).
  rest_api_cors_environment = {
    for name, value in { CORS_ALLOWED_ORIGIN = local.console_url } : name => value if value != null
  }
}
