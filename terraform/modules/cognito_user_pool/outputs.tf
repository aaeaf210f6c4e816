output "user_pool_id" {
  description = "ID of the user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool (for API Gateway authorizers)."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_endpoint" {
  description = "Issuer host of the pool's tokens (cognito-idp.<region>.amazonaws.com/<pool id>)."
  value       = aws_cognito_user_pool.this.endpoint
}

output "client_id" {
  description = "ID of the public app client."
  value       = aws_cognito_user_pool_client.this.id
}

output "group_names" {
  description = "Names of the groups."
  value       = sort([for group in aws_cognito_user_group.this : group.name])
}

output "self_sign_up_enabled" {
  description = "Whether anyone may sign up (false: administrators create every user)."
  value       = !aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
}
