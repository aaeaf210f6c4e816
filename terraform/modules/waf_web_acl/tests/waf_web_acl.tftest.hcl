mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = { arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-test-api/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-shop-test-api" }
  }
}

variables {
  name         = "shop-test-api"
  kms_key_arn  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  associations = { rest_api = "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1" }
}

run "rate_limits_per_ip_and_per_caller" {
  command = apply

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0]
      if rule.name == "RateLimitPerIp"
    ]).aggregate_key_type == "IP"
    error_message = "One rate-based rule counts per source IP."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0].custom_key[0].header[0].name
      if rule.name == "RateLimitPerCaller"
    ]) == "authorization"
    error_message = "One rate-based rule counts per caller identity (the Authorization header)."
  }

  assert {
    condition = alltrue([
      for rule in aws_wafv2_web_acl.this.rule :
      rule.action[0].block[0].custom_response[0].response_code == 429
      if startswith(rule.name, "RateLimit")
    ])
    error_message = "Rate-limited requests get 429 with a JSON body, not WAF's bare 403."
  }

  assert {
    condition = (
      one([for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0].limit if rule.name == "RateLimitPerIp"]) == 600 &&
      one([for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0].limit if rule.name == "RateLimitPerCaller"]) == 300 &&
      one([for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0].evaluation_window_sec if rule.name == "RateLimitPerCaller"]) == 60
    )
    error_message = "Default limits: 600 per IP and 300 per caller per 60 s."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this["rest_api"].resource_arn == "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1"
    error_message = "The web ACL is associated with the REST stage."
  }
}

run "managed_rule_groups_without_breaking_legitimate_bodies" {
  command = apply

  assert {
    condition = toset([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].managed_rule_group_statement[0].name
      if length(rule.statement[0].managed_rule_group_statement) > 0
      ]) == toset([
      "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
    ])
    error_message = "The core, known-bad-inputs and IP reputation rule groups are on by default."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : [
        for override in rule.statement[0].managed_rule_group_statement[0].rule_action_override : override.name
        if length(override.action_to_use[0].count) == 1
      ]
      if rule.name == "AWSManagedRulesCommonRuleSet"
    ]) == ["SizeRestrictions_BODY"]
    error_message = "The core rule set's 8 KB body limit only counts (legitimate product bodies can be larger)."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].size_constraint_statement[0]
      if rule.name == "BodyTooLarge"
    ]).size == 16384
    error_message = "Bodies are bounded at 16 KiB by the module's own rule (413)."
  }

  assert {
    condition     = aws_wafv2_web_acl.this.association_config[0].request_body[0].api_gateway[0].default_size_inspection_limit == "KB_16"
    error_message = "The body size rule never exceeds what WAF inspects."
  }
}

run "logs_blocked_requests_encrypted_without_tokens" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "aws-waf-logs-shop-test-api"
    error_message = "WAF logs only to log groups named aws-waf-logs-*."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The WAF log group is encrypted with the stack key and has a retention."
  }

  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.redacted_fields[0].single_header[0].name == "authorization"
    error_message = "ID tokens are redacted from the WAF logs."
  }

  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.logging_filter[0].default_behavior == "DROP"
    error_message = "By default only blocked and counted requests are logged."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.blocked_requests.metric_name == "BlockedRequests" &&
      aws_cloudwatch_metric_alarm.blocked_requests.dimensions == tomap({ WebACL = "shop-test-api", Region = "eu-west-1", Rule = "ALL" })
    )
    error_message = "An alarm watches the web ACL's blocked requests."
  }
}

run "limits_are_tunable" {
  command = plan

  variables {
    rate_limit_per_ip         = 2000
    rate_limit_per_caller     = 1000
    rate_limit_window_seconds = 300
    body_inspection_limit_kb  = 32
    max_body_size_bytes       = 32768
  }

  assert {
    condition     = one([for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].rate_based_statement[0].limit if rule.name == "RateLimitPerCaller"]) == 1000
    error_message = "rate_limit_per_caller sets the per-caller limit."
  }
}

run "body_bound_beyond_inspection_is_refused" {
  command = plan

  variables {
    max_body_size_bytes = 32768
  }

  expect_failures = [aws_wafv2_web_acl.this]
}

run "bad_limits_and_windows_are_refused" {
  command = plan

  variables {
    rate_limit_per_ip         = 5
    rate_limit_window_seconds = 30
    associations              = { websocket = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod" }
  }

  expect_failures = [var.rate_limit_per_ip, var.rate_limit_window_seconds, var.associations]
}
