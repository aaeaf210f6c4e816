# A static site served by CloudFront from a private S3 bucket: origin access control
# (SigV4; the bucket policy admits only this distribution), HTTPS only, strict security
# headers (CSP without inline scripts, HSTS, frame-ancestors 'none'), files uploaded
# from a directory plus files Terraform writes (e.g. a runtime config.json, never cached).

data "aws_partition" "current" {}

locals {
  bucket_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"

  default_content_types = {
    css         = "text/css; charset=utf-8"
    csv         = "text/csv; charset=utf-8"
    gif         = "image/gif"
    htm         = "text/html; charset=utf-8"
    html        = "text/html; charset=utf-8"
    ico         = "image/vnd.microsoft.icon"
    jpeg        = "image/jpeg"
    jpg         = "image/jpeg"
    js          = "text/javascript; charset=utf-8"
    json        = "application/json"
    map         = "application/json"
    mjs         = "text/javascript; charset=utf-8"
    pdf         = "application/pdf"
    png         = "image/png"
    svg         = "image/svg+xml"
    txt         = "text/plain; charset=utf-8"
    wasm        = "application/wasm"
    webmanifest = "application/manifest+json"
    webp        = "image/webp"
    woff        = "font/woff"
    woff2       = "font/woff2"
    xml         = "application/xml"
  }
  content_types = merge(local.default_content_types, { for ext, type in var.content_types : lower(ext) => type })

  # fileset() of a directory that does not exist is empty: the site may have no files yet.
  content_files = {
    for path in fileset(var.content_dir, "**") : path => {
      source    = "${var.content_dir}/${path}"
      extension = lower(reverse(split(".", basename(path)))[0])
    } if !contains(keys(var.generated_files), path)
  }

  content_security_policy = join("; ", [
    "default-src 'none'",
    "script-src 'self'",
    "style-src ${join(" ", var.style_src)}",
    "img-src 'self' ${join(" ", var.img_src)}",
    "font-src 'self'",
    "connect-src 'self' ${join(" ", var.connect_src)}",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "upgrade-insecure-requests",
  ])
}

# --- the bucket ----------------------------------------------------------------------

# modules/s3_bucket's private, versioned, TLS-only bucket; its policy also lets this
# distribution (and nothing else) read the files.
module "bucket" {
  source = "../s3_bucket"

  name = var.bucket_name
  # SSE-S3: the files are the public web console (no secrets; config.json holds
  # identifiers only), and a customer-managed key would have to admit every edge.
  kms_key_arn                        = null
  noncurrent_version_expiration_days = 30 # replaced files
  access_log_bucket                  = var.access_log_bucket
  force_destroy                      = var.force_destroy
  tags                               = var.tags

  policy_statements = [{
    Sid       = "ReadByThisDistributionOnly"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = ["s3:GetObject"]
    Resource  = ["${local.bucket_arn}/*"]
    Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.site.arn } }
  }]
}

# --- the files -------------------------------------------------------------------------

# No wait for the bucket's default encryption: S3 encrypts every new object with SSE-S3
# anyway (since January 2023), and that is this bucket's configuration.
resource "aws_s3_object" "content" {
  #checkov:skip=CKV_AWS_186:Encrypted by the bucket's default encryption (SSE-S3, see module.bucket); the files are the public site.
  for_each = local.content_files

  bucket        = module.bucket.name
  key           = each.key
  source        = each.value.source
  etag          = filemd5(each.value.source)
  content_type  = lookup(local.content_types, each.value.extension, "application/octet-stream")
  cache_control = contains(["html", "htm"], each.value.extension) ? var.html_cache_control : var.asset_cache_control
  tags          = var.tags
}

resource "aws_s3_object" "generated" {
  #checkov:skip=CKV_AWS_186:Encrypted by the bucket's default encryption (SSE-S3, see module.bucket); generated files hold no secrets.
  for_each = var.generated_files

  bucket        = module.bucket.name
  key           = each.key
  content       = each.value.content
  etag          = md5(each.value.content)
  content_type  = each.value.content_type
  cache_control = each.value.cache_control
  tags          = var.tags
}

# --- CloudFront -------------------------------------------------------------------------

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = var.name
  description                       = "CloudFront reads ${var.bucket_name} with SigV4."
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.name}-security-headers"
  comment = "Security headers of ${var.name}: CSP, HSTS, no framing, no sniffing, referrer policy."

  security_headers_config {
    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    content_type_options {
      override = true
    }

    referrer_policy {
      referrer_policy = var.referrer_policy
      override        = true
    }
  }

  custom_headers_config {
    items {
      header   = "Permissions-Policy"
      value    = "camera=(), microphone=(), geolocation=(), payment=()"
      override = true
    }

    items {
      header   = "Cross-Origin-Opener-Policy"
      value    = "same-origin"
      override = true
    }
  }
}

#trivy:ignore:AVD-AWS-0010
#trivy:ignore:AVD-AWS-0011
#trivy:ignore:AVD-AWS-0013
resource "aws_cloudfront_distribution" "site" {
  #checkov:skip=CKV_AWS_68:WAF is an account-level choice with a monthly cost (var.web_acl_id associates one); the site is static files behind origin access control.
  #checkov:skip=CKV2_AWS_47:No WAF by default (see CKV_AWS_68); nothing behind the distribution runs Java.
  #checkov:skip=CKV_AWS_86:Standard logging is optional (var.cloudfront_log_bucket_domain_name): it needs a bucket with ACLs enabled, an account-level decision.
  #checkov:skip=CKV_AWS_310:One origin (the bucket, eleven nines of durability); a failover origin would be a second copy of the same files.
  #checkov:skip=CKV_AWS_374:The shop sells wherever its operator does; geo restriction is a business choice, not a default.
  #checkov:skip=CKV2_AWS_42:A custom certificate needs the operator's domain (var.aliases + var.acm_certificate_arn); without one the site uses *.cloudfront.net.
  #checkov:skip=CKV_AWS_174:With a custom certificate the minimum is TLSv1.2_2021; CloudFront's default certificate (no domain of one's own) ignores minimum_protocol_version.
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "${var.name}: static site from ${var.bucket_name}"
  default_root_object = var.default_root_object
  price_class         = var.price_class
  aliases             = var.aliases
  web_acl_id          = var.web_acl_id
  tags                = var.tags

  origin {
    origin_id                = "site-bucket"
    domain_name              = module.bucket.regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  default_cache_behavior {
    target_origin_id           = "site-bucket"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = var.cache_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  dynamic "ordered_cache_behavior" {
    for_each = var.no_cache_paths
    content {
      path_pattern               = ordered_cache_behavior.value
      target_origin_id           = "site-bucket"
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = var.no_cache_policy_id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  dynamic "logging_config" {
    for_each = var.cloudfront_log_bucket_domain_name == null ? [] : [var.cloudfront_log_bucket_domain_name]
    content {
      bucket          = logging_config.value
      prefix          = "${var.name}/"
      include_cookies = false
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }

  lifecycle {
    precondition {
      condition     = length(var.aliases) == 0 || var.acm_certificate_arn != null
      error_message = "aliases need acm_certificate_arn (a certificate in us-east-1 covering them)."
    }
  }
}
