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
