resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  mfa_configuration        = var.mfa_configuration
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  # Threat protection needs the Plus plan; without it the provider's default plan stays.
  user_pool_tier = var.threat_protection_mode == null ? null : "PLUS"

  dynamic "user_pool_add_ons" {
    for_each = var.threat_protection_mode == null ? [] : [var.threat_protection_mode]
    content {
      advanced_security_mode = user_pool_add_ons.value
    }
  }

  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  dynamic "software_token_mfa_configuration" {
    for_each = var.mfa_configuration == "OFF" ? [] : [true]
    content {
      enabled = true
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.self_sign_up_enabled
  }

  # Sign-up sends a code to the address; the account works only once it is confirmed.
  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
  }

  # A new address takes effect only once its code is confirmed: until then the old,
  # verified address stays in the tokens (email_verified never turns false under an order).
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  dynamic "lambda_config" {
    for_each = var.post_confirmation_lambda_arn == null ? [] : [var.post_confirmation_lambda_arn]
    content {
      post_confirmation = lambda_config.value
    }
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true

    string_attribute_constraints {
      min_length = 3
      max_length = 254
    }
  }

  # The person's name, asked for at sign-up (e-mails greet them with it).
  schema {
    name                = "name"
    attribute_data_type = "String"
    required            = true
    mutable             = true

    string_attribute_constraints {
      min_length = 1
      max_length = 2048
    }
  }

  tags = var.tags
}

resource "aws_cognito_user_group" "this" {
  for_each = var.groups

  user_pool_id = aws_cognito_user_pool.this.id
  name         = each.key
  description  = each.value.description
  precedence   = each.value.precedence
}

# A public client (no secret): scripts and tests sign in with USER_PASSWORD_AUTH,
# browser and mobile apps with SRP.
resource "aws_cognito_user_pool_client" "this" {
  name                          = "${var.name}-client"
  user_pool_id                  = aws_cognito_user_pool.this.id
  generate_secret               = false
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  explicit_auth_flows = [
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
  ]

  # What the client may read and write about its own user. Writable: profile data only;
  # never email_verified or anything else authorization reads (groups are not attributes,
  # and custom attributes stay unwritable unless listed, see var.client_write_attributes).
  read_attributes  = var.client_read_attributes
  write_attributes = var.client_write_attributes

  id_token_validity      = var.id_token_validity_minutes
  access_token_validity  = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days

  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "days"
  }
}
