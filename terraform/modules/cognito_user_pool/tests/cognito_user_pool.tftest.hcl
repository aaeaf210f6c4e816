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

run "self_sign_up_verifies_the_email_and_runs_the_trigger" {
  command = plan

  variables {
    self_sign_up_enabled         = true
    post_confirmation_lambda_arn = "arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-identity-post-confirmation"
  }

  assert {
    condition     = !aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "self_sign_up_enabled lets people sign up."
  }

  assert {
    condition     = aws_cognito_user_pool.this.lambda_config[0].post_confirmation == "arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-identity-post-confirmation"
    error_message = "The post-confirmation trigger is wired."
  }

  assert {
    condition     = aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"]) && aws_cognito_user_pool.this.verification_message_template[0].default_email_option == "CONFIRM_WITH_CODE"
    error_message = "The e-mail address is verified with a code."
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_attribute_update_settings[0].attributes_require_verification_before_update == toset(["email"])
    error_message = "A changed e-mail address takes effect only once verified."
  }

  assert {
    condition     = anytrue([for attribute in aws_cognito_user_pool.this.schema : attribute.name == "name" && attribute.required])
    error_message = "Sign-up asks for the person's name."
  }

  assert {
    condition = (
      !contains(aws_cognito_user_pool_client.this.write_attributes, "email_verified") &&
      toset(aws_cognito_user_pool_client.this.write_attributes) == toset(["email", "family_name", "given_name", "locale", "name", "zoneinfo"])
    )
    error_message = "The client writes profile attributes only, never email_verified."
  }
}

run "no_trigger_by_default" {
  command = plan

  assert {
    condition     = length(aws_cognito_user_pool.this.lambda_config) == 0
    error_message = "Without post_confirmation_lambda_arn the pool has no trigger."
  }
}

run "the_client_cannot_be_allowed_to_verify_its_own_email" {
  command = plan

  variables {
    client_write_attributes = ["email", "name", "email_verified"]
  }

  expect_failures = [var.client_write_attributes]
}

run "custom_attributes_are_not_client_writable" {
  command = plan

  variables {
    client_write_attributes = ["email", "name", "custom:tenant"]
  }

  expect_failures = [var.client_write_attributes]
}

run "a_trigger_must_be_a_function_arn" {
  command = plan

  variables {
    post_confirmation_lambda_arn = "arn:aws:sns:eu-west-1:123456789012:topic"
  }

  expect_failures = [var.post_confirmation_lambda_arn]
}
