variable "name" {
  description = "Name of the user pool; the app client is `<name>-client`."
  type        = string

  validation {
    condition     = length(var.name) >= 1 && length(var.name) <= 128
    error_message = "name must be 1-128 characters."
  }
}

variable "groups" {
  description = "Groups users are put in, with a description and a precedence (lower wins when a user is in several)."
  type = map(object({
    description = string
    precedence  = number
  }))
  default = {
    admin    = { description = "Manages the catalogue, sees every order and invoice.", precedence = 1 }
    customer = { description = "Places orders and reads their own orders and invoices.", precedence = 10 }
  }

  validation {
    condition     = alltrue([for group in ["admin", "customer"] : contains(keys(var.groups), group)])
    error_message = "groups must include `admin` and `customer`: the services authorize on them."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be between 8 and 99."
  }
}

variable "self_sign_up_enabled" {
  description = "Let anyone sign up (SignUp with the app client; the e-mail is confirmed with a code); when false only administrators create users. Administrators are always created by administrators."
  type        = bool
  default     = false
}

variable "post_confirmation_lambda_arn" {
  description = "ARN of the function Cognito invokes after a sign-up or a forgotten-password reset is confirmed (it puts self-registered users in `customer`); null for none. The caller grants cognito-idp.amazonaws.com lambda:InvokeFunction on it."
  type        = string
  default     = null

  validation {
    condition     = var.post_confirmation_lambda_arn == null ? true : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$", var.post_confirmation_lambda_arn))
    error_message = "post_confirmation_lambda_arn must be a Lambda function ARN or null."
  }
}

variable "client_read_attributes" {
  description = "User attributes the app client may read (the console shows them)."
  type        = list(string)
  default     = ["email", "email_verified", "family_name", "given_name", "locale", "name", "updated_at", "zoneinfo"]

  validation {
    condition     = contains(var.client_read_attributes, "email") && contains(var.client_read_attributes, "name")
    error_message = "client_read_attributes must include email and name."
  }
}

variable "client_write_attributes" {
  description = "User attributes the app client may write (sign-up and profile updates): profile data only. Attributes authorization or delivery trusts (email_verified, phone_number_verified, custom:*) are refused: only administrators set them."
  type        = list(string)
  default     = ["email", "family_name", "given_name", "locale", "name", "zoneinfo"]

  validation {
    condition = alltrue([
      for attribute in var.client_write_attributes :
      contains(["address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name", "name", "nickname", "phone_number", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo"], attribute)
    ])
    error_message = "client_write_attributes may hold standard profile attributes only: never email_verified, phone_number_verified or custom attributes (authorization decisions rest on them)."
  }

  validation {
    condition     = contains(var.client_write_attributes, "email") && contains(var.client_write_attributes, "name")
    error_message = "client_write_attributes must include email and name: sign-up sets them."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication: OFF, OPTIONAL (users may enrol TOTP) or ON."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "threat_protection_mode" {
  description = "Cognito threat protection (compromised credentials, adaptive authentication): AUDIT or ENFORCED puts the pool on the Plus feature plan (billed per active user); null leaves it off."
  type        = string
  default     = null

  validation {
    condition     = var.threat_protection_mode == null ? true : contains(["AUDIT", "ENFORCED"], var.threat_protection_mode)
    error_message = "threat_protection_mode must be AUDIT, ENFORCED or null."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the pool while set (turn off for throwaway environments)."
  type        = bool
  default     = true
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID and access tokens, in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "id_token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens, in days."
  type        = number
  default     = 30

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "refresh_token_validity_days must be between 1 and 3650."
  }
}

variable "tags" {
  description = "Tags for the user pool."
  type        = map(string)
  default     = {}
}
