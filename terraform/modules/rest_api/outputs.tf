output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "execute-api ARN prefix of the API."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "ARN of the stage (for a WAF web ACL association)."
  value       = aws_api_gateway_stage.this.arn
}

output "invoke_url" {
  description = "Base URL of the stage, for example https://abc123.execute-api.eu-west-1.amazonaws.com/v1."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "authorizer_id" {
  description = "ID of the Cognito authorizer."
  value       = aws_api_gateway_authorizer.cognito.id
}

output "access_log_group_name" {
  description = "CloudWatch log group of the access logs."
  value       = aws_cloudwatch_log_group.access.name
}
