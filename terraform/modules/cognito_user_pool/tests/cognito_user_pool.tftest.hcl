mock_provider "aws" {}

variables {
  name = "shop-dev-users"
}

run "pool_has_groups_and_a_public_password_client" {
  command = plan

  assert {
    condition     = toset(keys(aws_cognito_user_group.this)) == toset(["admin", "customer"])
    error_message = "The pool must have the admin and customer groups."
  }

  assert {
    condition     = toset(aws_cognito_user_pool_client.this.explicit_auth_flows) == toset(["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
    error_message = "The client must allow USER_PASSWORD_AUTH, SRP and refresh, and nothing else."
  }

  assert {
    condition     = aws_cognito_user_pool_client.this.generate_secret == false
    error_message = "The client is public: no secret."
  }

  assert {
    condition     = aws_cognito_user_pool.this.username_attributes == toset(["email"])
    error_message = "Users sign in with their e-mail address."
  }

  assert {
    condition = (
      aws_cognito_user_pool.this.password_policy[0].minimum_length >= 12 &&
      aws_cognito_user_pool.this.password_policy[0].require_symbols &&
      aws_cognito_user_pool.this.password_policy[0].require_numbers
    )
    error_message = "The password policy must be strong by default."
  }

  assert {
    condition     = aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "Self sign-up is off by default."
  }
}

run "groups_the_services_rely_on_cannot_be_dropped" {
  command = plan

  variables {
    groups = { staff = { description = "x", precedence = 1 } }
  }

  expect_failures = [var.groups]
}

run "threat_protection_is_opt_in_and_enforceable" {
  command = plan

  variables {
    threat_protection_mode = "ENFORCED"
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_pool_add_ons[0].advanced_security_mode == "ENFORCED" && aws_cognito_user_pool.this.user_pool_tier == "PLUS"
    error_message = "Threat protection ENFORCED puts the pool on the Plus plan."
  }
}
