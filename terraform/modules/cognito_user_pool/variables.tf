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
  description = "Let anyone sign up as a user; when false only administrators create users."
  type        = bool
  default     = false
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
