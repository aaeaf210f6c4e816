mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name        = "shop-test-invoices-123456789012"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "bucket_is_private_encrypted_and_versioned" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "Every public access path must be blocked."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (the bucket owner owns every object)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "The bucket must keep versions."
  }

  assert {
    condition = one([
      for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      one(rule.apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn && rule.bucket_key_enabled
    ])
    error_message = "Objects must be encrypted with the customer-managed key, with an S3 Bucket Key."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "Access logging is off unless a log bucket is given."
  }
}

run "policy_refuses_requests_without_tls" {
  command = plan

  assert {
    condition = anytrue([
      for statement in jsondecode(aws_s3_bucket_policy.this[0].policy).Statement :
      statement.Effect == "Deny" && statement.Condition.Bool["aws:SecureTransport"] == "false"
    ])
    error_message = "The bucket policy must deny requests that are not over TLS."
  }
}

run "access_logs_go_to_the_given_bucket" {
  command = plan

  variables {
    access_log_bucket = "shop-test-access-logs"
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "shop-test-access-logs"
    error_message = "Access logs must go to access_log_bucket."
  }
}

run "no_cors_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.this) == 0
    error_message = "A bucket has no CORS configuration unless rules are given."
  }
}

run "cors_admits_the_given_origin_and_methods" {
  command = plan

  variables {
    cors_rules = [{
      allowed_methods = ["PUT"]
      allowed_origins = ["https://console.example.com"]
      allowed_headers = ["Content-Type"]
      expose_headers  = ["ETag"]
    }]
  }

  assert {
    condition = [for rule in aws_s3_bucket_cors_configuration.this[0].cors_rule : {
      methods = rule.allowed_methods, origins = rule.allowed_origins, headers = rule.allowed_headers, expose = rule.expose_headers, age = rule.max_age_seconds
      }] == [{
      methods = toset(["PUT"]), origins = toset(["https://console.example.com"]), headers = toset(["Content-Type"]), expose = toset(["ETag"]), age = 3600
    }]
    error_message = "The CORS rule admits exactly the given origin, methods and headers."
  }
}

run "cors_refuses_a_wildcard_origin" {
  command = plan

  variables {
    cors_rules = [{ allowed_methods = ["GET"], allowed_origins = ["*"] }]
  }

  expect_failures = [var.cors_rules]
}

run "without_a_key_objects_get_sse_s3" {
  command = plan

  variables {
    kms_key_arn = null
  }

  assert {
    condition = one([
      for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
      one(rule.apply_server_side_encryption_by_default).sse_algorithm == "AES256" && one(rule.apply_server_side_encryption_by_default).kms_master_key_id == null && rule.bucket_key_enabled == null
    ]) && output.sse_algorithm == "AES256"
    error_message = "kms_key_arn = null means SSE-S3 (AES256), with no key and no S3 Bucket Key."
  }
}

run "the_callers_statements_come_before_the_tls_refusal" {
  command = plan

  variables {
    policy_statements = [{
      Sid       = "ReadByOneDistribution"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::shop-test-invoices-123456789012/*"]
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF" } }
    }]
  }

  assert {
    condition     = [for statement in jsondecode(aws_s3_bucket_policy.this[0].policy).Statement : statement.Sid] == ["ReadByOneDistribution", "DenyInsecureTransport"]
    error_message = "The policy holds the caller's statement, then DenyInsecureTransport."
  }

  assert {
    condition = jsondecode(aws_s3_bucket_policy.this[0].policy).Statement[0] == {
      Sid       = "ReadByOneDistribution"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::shop-test-invoices-123456789012/*"]
      Condition = { StringEquals = { "AWS:SourceArn" = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEF" } }
    }
    error_message = "The caller's statement is written as given."
  }
}

run "a_statement_without_a_condition_has_none" {
  command = plan

  variables {
    deny_insecure_transport = false
    policy_statements = [{
      Sid       = "ReadByTheOtherAccount"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::shop-test-invoices-123456789012/*"]
    }]
  }

  assert {
    condition     = length(jsondecode(aws_s3_bucket_policy.this[0].policy).Statement) == 1 && !contains(keys(jsondecode(aws_s3_bucket_policy.this[0].policy).Statement[0]), "Condition")
    error_message = "Only the caller's statement, without an empty Condition."
  }
}

run "no_policy_without_statements_or_the_tls_refusal" {
  command = plan

  variables {
    deny_insecure_transport = false
  }

  assert {
    condition     = length(aws_s3_bucket_policy.this) == 0 && output.policy == null
    error_message = "Nothing to say: no bucket policy."
  }
}

run "a_public_principal_is_refused" {
  command = plan

  variables {
    policy_statements = [{
      Sid      = "Everyone", Effect = "Allow", Principal = { AWS = "*" }, Action = ["s3:GetObject"]
      Resource = ["arn:aws:s3:::shop-test-invoices-123456789012/*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "a_statement_on_something_else_than_s3_is_refused" {
  command = plan

  variables {
    policy_statements = [{
      Sid      = "Elsewhere", Effect = "Allow", Principal = { Service = "cloudfront.amazonaws.com" }, Action = ["s3:GetObject"]
      Resource = ["*"]
    }]
  }

  expect_failures = [var.policy_statements]
}

run "duplicate_sids_are_refused" {
  command = plan

  variables {
    policy_statements = [
      {
        Sid      = "Read", Effect = "Allow", Principal = { Service = "cloudfront.amazonaws.com" }, Action = ["s3:GetObject"]
        Resource = ["arn:aws:s3:::shop-test-invoices-123456789012/*"]
      },
      {
        Sid      = "Read", Effect = "Allow", Principal = { Service = "logging.s3.amazonaws.com" }, Action = ["s3:PutObject"]
        Resource = ["arn:aws:s3:::shop-test-invoices-123456789012/logs/*"]
      },
    ]
  }

  expect_failures = [var.policy_statements]
}
