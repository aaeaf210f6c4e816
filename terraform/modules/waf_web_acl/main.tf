# A regional WAF web ACL for API Gateway REST stages: per-client rate limits (by source
# IP and by caller identity), a request body size bound, AWS managed rule groups, logs
# of what it blocked or counted, and an alarm on blocked requests.

data "aws_region" "current" {}

locals {
  metric_prefix = replace(var.name, "-", "_")

  # Rule priorities: the cheap per-client rules first, then the managed groups.
  managed_rule_groups = {
    for index, group in var.managed_rule_groups : group.name => merge(group, { priority = 10 + index })
  }

  rate_limited_body = jsonencode({
    message = "Too many requests from this client: slow down and retry after ${var.rate_limit_window_seconds} seconds."
  })
  body_too_large_body = jsonencode({
    message = "Request body too large: at most ${var.max_body_size_bytes} bytes."
  })
}

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = var.description
  scope       = "REGIONAL"
  tags        = var.tags

  default_action {
    allow {}
  }

  custom_response_body {
    key          = "rate_limited"
    content_type = "APPLICATION_JSON"
    content      = local.rate_limited_body
  }

  custom_response_body {
    key          = "body_too_large"
    content_type = "APPLICATION_JSON"
    content      = local.body_too_large_body
  }

  # One client (IP) cannot exhaust the stage's throttle for everyone. This also bounds
  # callers without a token and callers rotating forged tokens.
  rule {
    name     = "RateLimitPerIp"
    priority = 1

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate_limited"
          response_header {
            name  = "Retry-After"
            value = tostring(var.rate_limit_window_seconds)
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit_per_ip
        evaluation_window_sec = var.rate_limit_window_seconds
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}_rate_limit_per_ip"
      sampled_requests_enabled   = true
    }
  }

  # One caller (its ID token, whatever IPs it comes from) cannot either. Requests without
  # an Authorization header are not counted here (WAF skips requests lacking the key);
  # the per-IP rule counts them.
  rule {
    name     = "RateLimitPerCaller"
    priority = 2

    action {
      block {
        custom_response {
          response_code            = 429
          custom_response_body_key = "rate_limited"
          response_header {
            name  = "Retry-After"
            value = tostring(var.rate_limit_window_seconds)
          }
        }
      }
    }

    statement {
      rate_based_statement {
        limit                 = var.rate_limit_per_caller
        evaluation_window_sec = var.rate_limit_window_seconds
        aggregate_key_type    = "CUSTOM_KEYS"

        custom_key {
          header {
            name = "authorization"
            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}_rate_limit_per_caller"
      sampled_requests_enabled   = true
    }
  }

  # Bodies larger than the inspection limit match (oversize_handling MATCH): WAF cannot
  # see past the limit, so such a body is refused rather than let through unread.
  rule {
    name     = "BodyTooLarge"
    priority = 3

    action {
      block {
        custom_response {
          response_code            = 413
          custom_response_body_key = "body_too_large"
        }
      }
    }

    statement {
      size_constraint_statement {
        comparison_operator = "GT"
        size                = var.max_body_size_bytes

        field_to_match {
          body {
            oversize_handling = "MATCH"
          }
        }

        text_transformation {
          priority = 0
          type     = "NONE"
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}_body_too_large"
      sampled_requests_enabled   = true
    }
  }

  # Known bad inputs (Log4j's JNDI lookups, Java deserialization, localhost Host headers,
  # ...) are always blocked; the other managed groups are configurable.
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 4

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
        vendor_name = "AWS"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${local.metric_prefix}_AWSManagedRulesKnownBadInputsRuleSet"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups

    content {
      name     = rule.key
      priority = rule.value.priority

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          name        = rule.key
          vendor_name = "AWS"

          dynamic "rule_action_override" {
            for_each = toset(rule.value.count_rules)

            content {
              name = rule_action_override.value
              action_to_use {
                count {}
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${local.metric_prefix}_${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  association_config {
    request_body {
      api_gateway {
        default_size_inspection_limit = "KB_${var.body_inspection_limit_kb}"
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = local.metric_prefix
    sampled_requests_enabled   = true
  }

  lifecycle {
    precondition {
      condition     = var.max_body_size_bytes <= var.body_inspection_limit_kb * 1024
      error_message = "max_body_size_bytes must not exceed body_inspection_limit_kb (WAF cannot see further)."
    }
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  for_each = var.associations

  resource_arn = each.value
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}

# WAF delivers to CloudWatch Logs only into groups named aws-waf-logs-*; it adds the log
# group resource policy it needs itself (the deploying principal needs
# logs:PutResourcePolicy and logs:DescribeResourcePolicies).
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a per-environment cost and compliance decision (log_retention_days, validated); environments that must keep a year set 365 or more.
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  # The ID token is a bearer credential: never written to the logs.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  dynamic "logging_filter" {
    for_each = var.log_all_requests ? [] : [true]

    content {
      default_behavior = "DROP"

      filter {
        behavior    = "KEEP"
        requirement = "MEETS_ANY"
        condition {
          action_condition {
            action = "BLOCK"
          }
        }
        condition {
          action_condition {
            action = "COUNT"
          }
        }
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "blocked_requests" {
  alarm_name          = "${var.name}-blocked-requests"
  alarm_description   = "WAF ${var.name} blocked ${var.blocked_requests_alarm_threshold} or more requests in 5 minutes: an attack, a misbehaving client, or a rule refusing legitimate traffic (see the aws-waf-logs-${var.name} log group)."
  namespace           = "AWS/WAFV2"
  metric_name         = "BlockedRequests"
  dimensions          = { WebACL = aws_wafv2_web_acl.this.name, Region = data.aws_region.current.name, Rule = "ALL" }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.blocked_requests_alarm_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
