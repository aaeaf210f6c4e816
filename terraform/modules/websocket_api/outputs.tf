output "api_id" {
  description = "Id of the WebSocket API."
  value       = aws_apigatewayv2_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the API (for execute-api:ManageConnections statements: `<execution_arn>/<stage>/POST/@connections/*`)."
  value       = local.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_apigatewayv2_stage.this.name
}

output "websocket_url" {
  description = "The wss:// URL clients connect to (add `?token=<Cognito ID token>`)."
  value       = aws_apigatewayv2_stage.this.invoke_url
}

output "connections_url" {
  description = "The https:// @connections management endpoint of the stage (what functions post pushes to)."
  value       = "https://${aws_apigatewayv2_api.this.id}.execute-api.${data.aws_region.current.name}.amazonaws.com/${aws_apigatewayv2_stage.this.name}"
}

output "manage_connections_arn" {
  description = "Resource for an execute-api:ManageConnections statement on this stage's connections."
  value       = "${local.execution_arn}/${aws_apigatewayv2_stage.this.name}/POST/@connections/*"
}

output "access_log_group_name" {
  description = "Log group of the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}
