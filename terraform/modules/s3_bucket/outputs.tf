output "name" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "objects_arn" {
  description = "ARN matching every object of the bucket (`<arn>/*`), for IAM statements; append a prefix instead of `*` to narrow it."
  value       = "${aws_s3_bucket.this.arn}/*"
}

output "regional_domain_name" {
  description = "The bucket's regional domain name (`<name>.s3.<region>.amazonaws.com`), for example a CloudFront origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "sse_algorithm" {
  description = "Default encryption of new objects: aws:kms (with kms_key_arn) or AES256 (SSE-S3)."
  value       = one(aws_s3_bucket_server_side_encryption_configuration.this.rule[*].apply_server_side_encryption_by_default[0].sse_algorithm)
}

output "policy" {
  description = "The bucket policy (JSON): policy_statements, then DenyInsecureTransport; null without either."
  value       = one(aws_s3_bucket_policy.this[*].policy)
}
