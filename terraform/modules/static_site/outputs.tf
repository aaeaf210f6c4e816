output "url" {
  description = "The site's https:// URL (its first alias, else the distribution's domain), no trailing slash."
  value       = "https://${length(var.aliases) > 0 ? var.aliases[0] : aws_cloudfront_distribution.site.domain_name}"
}

output "domain_name" {
  description = "The distribution's *.cloudfront.net domain name."
  value       = aws_cloudfront_distribution.site.domain_name
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations: `aws cloudfront create-invalidation --distribution-id ... --paths '/*'`)."
  value       = aws_cloudfront_distribution.site.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.site.arn
}

output "bucket_name" {
  description = "Name of the private bucket holding the site's files."
  value       = module.bucket.name
}

output "bucket_arn" {
  description = "ARN of the private bucket holding the site's files."
  value       = module.bucket.arn
}

output "content_security_policy" {
  description = "The Content-Security-Policy every response carries."
  value       = local.content_security_policy
}

output "uploaded_files" {
  description = "Keys of the files uploaded from content_dir and generated, sorted."
  value       = sort(concat(keys(aws_s3_object.content), keys(aws_s3_object.generated)))
}
