output "web_acl_arn" {
  description = "ARN of the web ACL."
  value       = aws_wafv2_web_acl.this.arn
}

output "web_acl_name" {
  description = "Name of the web ACL (the WebACL dimension of its AWS/WAFV2 metrics)."
  value       = aws_wafv2_web_acl.this.name
}

output "rule_names" {
  description = "Names of the web ACL's rules, in priority order."
  value       = concat(["RateLimitPerIp", "RateLimitPerCaller", "BodyTooLarge", "AWSManagedRulesKnownBadInputsRuleSet"], [for group in var.managed_rule_groups : group.name])
}

output "log_group_name" {
  description = "CloudWatch log group of the requests WAF blocked or counted."
  value       = aws_cloudwatch_log_group.this.name
}

output "blocked_requests_alarm_name" {
  description = "Name of the alarm on blocked requests."
  value       = aws_cloudwatch_metric_alarm.blocked_requests.alarm_name
}
