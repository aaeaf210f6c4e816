mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_cloudfront_distribution" {
    defaults = {
      arn         = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF"
      domain_name = "d111111abcdef8.cloudfront.net"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn                         = "arn:aws:s3:::shop-test-console-123456789012"
      bucket_regional_domain_name = "shop-test-console-123456789012.s3.eu-west-1.amazonaws.com"
    }
  }

}

variables {
  name        = "shop-test-console"
  bucket_name = "shop-test-console-123456789012"
  content_dir = "tests/fixtures/site"
  generated_files = {
    "config.json" = { content = "{\"restUrl\":\"https://abc123.execute-api.eu-west-1.amazonaws.com/v1\"}" }
  }
  connect_src = [
    "https://abc123.execute-api.eu-west-1.amazonaws.com",
    "wss://def456.execute-api.eu-west-1.amazonaws.com",
    "https://cognito-idp.eu-west-1.amazonaws.com",
  ]
}

# The bucket is modules/s3_bucket's (private, versioned, ACLs disabled, TLS only: its own
# tests check those); here, what the site asks of it.
run "the_bucket_is_an_s3_bucket_module_encrypted_with_sse_s3" {
  command = apply

  assert {
    condition     = module.bucket.sse_algorithm == "AES256"
    error_message = "The site's files are encrypted at rest with SSE-S3 (no key CloudFront would need)."
  }
}

run "only_this_distribution_may_read_the_bucket" {
  command = apply

  assert {
    condition = jsondecode(module.bucket.policy).Statement[0] == {
      Sid       = "ReadByThisDistributionOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::shop-test-console-123456789012/*"]
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF" } }
    }
    error_message = "The bucket policy admits GetObject by this distribution only."
  }

  assert {
    condition     = length(jsondecode(module.bucket.policy).Statement) == 2 && jsondecode(module.bucket.policy).Statement[1].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(module.bucket.policy).Statement[1].Effect == "Deny"
    error_message = "Anything but TLS is refused, and nothing else is allowed."
  }

  assert {
    condition     = aws_cloudfront_origin_access_control.site.signing_behavior == "always" && aws_cloudfront_origin_access_control.site.signing_protocol == "sigv4" && aws_cloudfront_origin_access_control.site.origin_access_control_origin_type == "s3"
    error_message = "CloudFront signs every origin request with SigV4 (origin access control)."
  }

  assert {
    condition     = one(aws_cloudfront_distribution.site.origin).origin_access_control_id == aws_cloudfront_origin_access_control.site.id && one(aws_cloudfront_distribution.site.origin).domain_name == "shop-test-console-123456789012.s3.eu-west-1.amazonaws.com"
    error_message = "The only origin is the bucket's regional endpoint, through the origin access control."
  }
}

run "the_distribution_is_https_only_with_security_headers" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.site.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https" && alltrue([for behavior in aws_cloudfront_distribution.site.ordered_cache_behavior : behavior.viewer_protocol_policy == "redirect-to-https"])
    error_message = "Plain HTTP is redirected to HTTPS everywhere."
  }

  assert {
    condition     = aws_cloudfront_distribution.site.default_root_object == "index.html"
    error_message = "The root serves index.html."
  }

  assert {
    condition     = aws_cloudfront_distribution.site.default_cache_behavior[0].cache_policy_id == "658327ea-f89d-4fab-a63d-7e88639e58f6" && aws_cloudfront_distribution.site.default_cache_behavior[0].response_headers_policy_id == aws_cloudfront_response_headers_policy.security.id
    error_message = "Files use the managed CachingOptimized policy and the security headers."
  }

  assert {
    condition     = jsonencode([for behavior in aws_cloudfront_distribution.site.ordered_cache_behavior : [behavior.path_pattern, behavior.cache_policy_id, behavior.response_headers_policy_id]]) == jsonencode([["/config.json", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", aws_cloudfront_response_headers_policy.security.id]])
    error_message = "config.json is never cached by CloudFront (CachingDisabled) and keeps the security headers."
  }

  assert {
    condition = alltrue([
      for directive in [
        "default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'",
        "connect-src 'self' https://abc123.execute-api.eu-west-1.amazonaws.com wss://def456.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com",
      ] : contains(split("; ", output.content_security_policy), directive)
    ]) && !strcontains(output.content_security_policy, "unsafe-inline") && !strcontains(output.content_security_policy, "unsafe-eval")
    error_message = "The CSP allows scripts from the site only (no inline, no eval), no framing, and connections to the APIs and Cognito only."
  }

  assert {
    condition = (
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).content_security_policy[0].content_security_policy == output.content_security_policy &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).strict_transport_security[0].access_control_max_age_sec >= 31536000 &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).strict_transport_security[0].include_subdomains &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).strict_transport_security[0].override &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).frame_options[0].frame_option == "DENY" &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).content_type_options[0].override &&
      one(aws_cloudfront_response_headers_policy.security.security_headers_config).referrer_policy[0].referrer_policy == "strict-origin-when-cross-origin"
    )
    error_message = "Every response carries the CSP, HSTS (a year or more), X-Frame-Options DENY, nosniff and a referrer policy."
  }

  assert {
    condition     = aws_cloudfront_distribution.site.viewer_certificate[0].cloudfront_default_certificate && output.url == "https://d111111abcdef8.cloudfront.net"
    error_message = "Without a domain of its own the site is https://<distribution>.cloudfront.net."
  }
}

run "files_are_uploaded_with_their_types_and_etags" {
  command = apply

  assert {
    condition     = output.uploaded_files == tolist(["LICENSE.unknownext", "app.js", "config.json", "index.html", "styles/app.css"])
    error_message = "Every file of content_dir is uploaded once, plus the generated ones."
  }

  assert {
    condition = (
      aws_s3_object.content["index.html"].content_type == "text/html; charset=utf-8" &&
      aws_s3_object.content["app.js"].content_type == "text/javascript; charset=utf-8" &&
      aws_s3_object.content["styles/app.css"].content_type == "text/css; charset=utf-8" &&
      aws_s3_object.content["LICENSE.unknownext"].content_type == "application/octet-stream"
    )
    error_message = "Content types follow the extension."
  }

  assert {
    condition     = aws_s3_object.content["app.js"].etag == filemd5("tests/fixtures/site/app.js")
    error_message = "ETags are the files' MD5, so a changed file is uploaded again."
  }

  assert {
    condition     = aws_s3_object.content["index.html"].cache_control == "no-cache" && aws_s3_object.content["app.js"].cache_control == "public, max-age=300"
    error_message = "HTML is revalidated every time; other files are cached briefly."
  }

  assert {
    condition     = !contains(keys(aws_s3_object.content), "config.json") && aws_s3_object.generated["config.json"].content == var.generated_files["config.json"].content
    error_message = "A generated config.json replaces the one in content_dir."
  }

  assert {
    condition     = aws_s3_object.generated["config.json"].cache_control == "no-cache" && aws_s3_object.generated["config.json"].content_type == "application/json" && aws_s3_object.generated["config.json"].etag == md5(var.generated_files["config.json"].content)
    error_message = "config.json is JSON that nobody caches."
  }
}

run "a_missing_content_directory_uploads_only_the_generated_files" {
  command = plan

  variables {
    content_dir = "tests/fixtures/no-such-directory"
  }

  assert {
    condition     = length(aws_s3_object.content) == 0 && length(aws_s3_object.generated) == 1
    error_message = "Without content_dir the site still gets its generated files."
  }
}

run "a_custom_domain_gets_tls_1_2" {
  command = apply

  variables {
    aliases             = ["console.example.com"]
    acm_certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_cloudfront_distribution.site.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.site.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "With a certificate of its own the site requires TLS 1.2 (TLSv1.2_2021) over SNI."
  }

  assert {
    condition     = output.url == "https://console.example.com"
    error_message = "The site's URL is its custom domain."
  }
}

run "aliases_need_a_certificate" {
  command = plan

  variables {
    aliases = ["console.example.com"]
  }

  expect_failures = [aws_cloudfront_distribution.site]
}

run "a_certificate_outside_us_east_1_is_refused" {
  command = plan

  variables {
    acm_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.acm_certificate_arn]
}

run "connect_src_refuses_plain_http_and_injection" {
  command = plan

  variables {
    connect_src = ["https://api.example.com; script-src *"]
  }

  expect_failures = [var.connect_src]
}

# A site deployed before the bucket became modules/s3_bucket keeps its bucket: the moved
# blocks (moved.tf) carry the old addresses' state over instead of a destroy and create
# (the mocked bucket's id is random, so a new bucket would have another).
run "a_site_deployed_before_keeps_its_bucket_old_addresses" {
  state_key = "moved"
  module {
    source = "./tests/fixtures/before_s3_bucket"
  }
}

run "a_site_deployed_before_keeps_its_bucket" {
  state_key = "moved"

  assert {
    condition     = output.bucket_name == run.a_site_deployed_before_keeps_its_bucket_old_addresses.bucket_id
    error_message = "The bucket of a site deployed before moved into module.bucket; it was not recreated."
  }
}
