variable "name" {
  description = "Name of the site's resources (CloudFront policies, origin access control, tags), for example `shop-dev-console`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits or '-'."
  }
}

variable "bucket_name" {
  description = "Name of the private S3 bucket holding the site's files (globally unique; for example `<prefix>-console-<account id>`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'."
  }
}

variable "content_dir" {
  description = "Directory whose files (recursively) are uploaded as the site, for example `<repo>/web`. A missing or empty directory uploads nothing (the distribution still serves the generated files)."
  type        = string
}

variable "generated_files" {
  description = "Files written by Terraform rather than read from content_dir, by key (for example `config.json`); they win over a file of the same key in content_dir. Cache-Control no-cache unless cache_control says otherwise; list them in no_cache_paths too."
  type = map(object({
    content       = string
    content_type  = optional(string, "application/json")
    cache_control = optional(string, "no-cache")
  }))
  default = {}

  validation {
    condition     = alltrue([for key in keys(var.generated_files) : can(regex("^[A-Za-z0-9._-][A-Za-z0-9._/-]*$", key)) && !strcontains(key, "..")])
    error_message = "generated_files keys must be relative object keys (letters, digits, '.', '_', '-', '/'; no '..')."
  }
}

variable "no_cache_paths" {
  description = "Path patterns CloudFront never caches (no_cache_policy_id), for files that must change at once such as a runtime configuration. List generated files here (their content may depend on resources that depend on the distribution, so the module cannot derive this from generated_files)."
  type        = list(string)
  default     = ["/config.json"]

  validation {
    condition     = alltrue([for pattern in var.no_cache_paths : length(pattern) > 0 && length(pattern) <= 255])
    error_message = "no_cache_paths must be non-empty CloudFront path patterns (at most 255 characters)."
  }
}

variable "cache_policy_id" {
  description = "CloudFront cache policy of the site's files; default: the AWS managed policy Managed-CachingOptimized (its fixed, documented ID), which honours the files' Cache-Control and compresses."
  type        = string
  default     = "658327ea-f89d-4fab-a63d-7e88639e58f6"

  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.cache_policy_id))
    error_message = "cache_policy_id must be a cache policy ID (a UUID)."
  }
}

variable "no_cache_policy_id" {
  description = "CloudFront cache policy of no_cache_paths and generated files; default: the AWS managed policy Managed-CachingDisabled (its fixed, documented ID)."
  type        = string
  default     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

  validation {
    condition     = can(regex("^[0-9a-f-]{36}$", var.no_cache_policy_id))
    error_message = "no_cache_policy_id must be a cache policy ID (a UUID)."
  }
}

variable "html_cache_control" {
  description = "Cache-Control of the HTML files (index.html must be revalidated so that a new release shows at once)."
  type        = string
  default     = "no-cache"
}

variable "asset_cache_control" {
  description = "Cache-Control of every other file from content_dir (browsers and CloudFront revalidate with the ETag once it expires)."
  type        = string
  default     = "public, max-age=300"
}

variable "content_types" {
  description = "Content-Type by file extension (lowercase, without the dot), merged over the module's defaults (html, js, mjs, css, json, svg, png, ico, woff2, webmanifest, txt, map...). Unknown extensions get application/octet-stream."
  type        = map(string)
  default     = {}
}

variable "default_root_object" {
  description = "Object CloudFront serves for the site's root URL."
  type        = string
  default     = "index.html"
}

variable "connect_src" {
  description = "Origins the page may connect to (CSP connect-src beyond 'self'): the REST API, the WebSocket API (wss://), the identity provider's endpoint, upload buckets..."
  type        = list(string)

  validation {
    condition     = alltrue([for source in var.connect_src : can(regex("^(https|wss)://[A-Za-z0-9.*-]+(:[0-9]{1,5})?(/[^ ;,']*)?$", source))])
    error_message = "connect_src must be https:// or wss:// sources without spaces, quotes, ';' or ','."
  }
}

variable "img_src" {
  description = "Sources of images beyond 'self' (CSP img-src), for example data: for inline icons."
  type        = list(string)
  default     = ["data:"]
}

variable "style_src" {
  description = "Sources of style sheets (CSP style-src). Inline style attributes need 'unsafe-inline' here; scripts never get it."
  type        = list(string)
  default     = ["'self'"]

  validation {
    condition     = length(var.style_src) > 0
    error_message = "style_src must name at least one source."
  }
}

variable "referrer_policy" {
  description = "Referrer-Policy of every response."
  type        = string
  default     = "strict-origin-when-cross-origin"

  validation {
    condition     = contains(["no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin"], var.referrer_policy)
    error_message = "referrer_policy must be a Referrer-Policy CloudFront accepts (unsafe-url is refused here)."
  }
}

variable "hsts_max_age_seconds" {
  description = "Strict-Transport-Security max-age (two years by default, the preload lists' minimum is one)."
  type        = number
  default     = 63072000

  validation {
    condition     = var.hsts_max_age_seconds >= 31536000
    error_message = "hsts_max_age_seconds must be at least one year (31536000)."
  }
}

variable "aliases" {
  description = "Custom domain names of the site (CNAMEs); need acm_certificate_arn. Empty: the distribution's *.cloudfront.net name."
  type        = list(string)
  default     = []
}

variable "acm_certificate_arn" {
  description = "ACM certificate (in us-east-1) for the aliases; with it viewers need TLS 1.2 (TLSv1.2_2021). Null: CloudFront's default certificate, where CloudFront itself decides the TLS versions."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null ? true : can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from there)."
  }
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "web_acl_id" {
  description = "ARN of a WAFv2 web ACL (scope CLOUDFRONT) to associate; null: none."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Bucket receiving the S3 server access logs of the site bucket; null: none."
  type        = string
  default     = null
}

variable "cloudfront_log_bucket_domain_name" {
  description = "Domain name (`<bucket>.s3.amazonaws.com`) of a bucket with ACLs enabled receiving CloudFront's standard access logs; null: none."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its files (the site can always be uploaded again)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
