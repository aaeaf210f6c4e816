# The web console's wiring: its URL is the only CORS origin (REST API, functions, buckets)
# and the e-mail link target; on AWS the stack hosts it (static_site) with a
# Terraform-written config.json. Mocked provider: no AWS account, no emulator.

mock_provider "aws" {
  source = "./tests/mocks"
}


variables {
  name_prefix = "shop-test"
  environment = "dev"
  package_dir = "tests/fixtures"
}

run "without_a_console_there_is_no_cors" {
  command = apply

  variables {
    environment = "local"
  }

  assert {
    condition     = local.console_url == null && output.web_url == null && length(module.console_site) == 0
    error_message = "No console_url and no hosting: no console."
  }

  assert {
    condition     = length(local.rest_api_cors_environment) == 0 && length(local.console_upload_cors_rules) == 0 && length(local.console_download_cors_rules) == 0
    error_message = "Without a console nothing admits cross-origin calls."
  }

  assert {
    condition     = local.invoice_link_template == "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/invoices/$${invoiceId}"
    error_message = "Without a console the e-mail links the REST resource, as before."
  }
}

run "a_local_console_is_the_only_cors_origin" {
  command = plan

  variables {
    environment = "local"
    console_url = "http://127.0.0.1:8181"
  }

  assert {
    condition     = local.console_url == "http://127.0.0.1:8181" && length(module.console_site) == 0
    error_message = "A console served elsewhere is not hosted by the stack."
  }

  assert {
    condition     = local.rest_api_cors_environment == { CORS_ALLOWED_ORIGIN = "http://127.0.0.1:8181" }
    error_message = "The API functions get the console's origin."
  }

  assert {
    condition     = local.console_upload_cors_rules[0].allowed_origins == ["http://127.0.0.1:8181"] && local.console_upload_cors_rules[0].allowed_methods == ["POST"]
    error_message = "The imports bucket admits the console's form POST only."
  }

  assert {
    condition     = local.invoice_link_template == "http://127.0.0.1:8181/#/invoices/$${invoiceId}"
    error_message = "E-mails link the console's invoice page."
  }
}

run "a_malformed_console_url_is_refused" {
  command = plan

  variables {
    console_url = "http://127.0.0.1:8181/"
  }

  expect_failures = [var.console_url]
}

run "the_stack_hosts_the_console_on_aws" {
  command = apply

  variables {
    console_hosting_enabled = true
    console_content_dir     = "tests/fixtures/no-web-folder"
  }

  assert {
    condition     = output.web_url == "https://d111111abcdef8.cloudfront.net" && local.console_url == output.web_url
    error_message = "The hosted console's URL is its CloudFront domain."
  }

  assert {
    condition     = local.rest_api_cors_environment == { CORS_ALLOWED_ORIGIN = "https://d111111abcdef8.cloudfront.net" }
    error_message = "The API functions admit the CloudFront origin only."
  }

  assert {
    condition = local.console_config == {
      restUrl          = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
      websocketUrl     = "wss://def456.execute-api.eu-west-1.amazonaws.com/v1"
      region           = "eu-west-1"
      userPoolId       = "eu-west-1_test"
      userPoolClientId = "client123"
      cognitoEndpoint  = "https://cognito-idp.eu-west-1.amazonaws.com/"
    }
    error_message = "config.json names the APIs and the Cognito pool and client (identifiers only, no secret)."
  }

  assert {
    condition     = module.console_site[0].uploaded_files == tolist(["config.json"])
    error_message = "Without web/ the site still gets its config.json."
  }

  assert {
    condition = strcontains(
      module.console_site[0].content_security_policy,
      "; connect-src 'self' https://abc123.execute-api.eu-west-1.amazonaws.com wss://def456.execute-api.eu-west-1.amazonaws.com https://cognito-idp.eu-west-1.amazonaws.com https://",
    ) && length(regexall("https://[a-z0-9-]+\\.s3\\.(eu-west-1\\.)?amazonaws\\.com[ ;]", module.console_site[0].content_security_policy)) == 4
    error_message = "The console may connect to the REST and WebSocket APIs, Cognito and the two buckets it uses through presigned URLs (imports: PUT; invoices: GET), nothing else."
  }

  assert {
    condition     = local.invoice_link_template == "https://d111111abcdef8.cloudfront.net/#/invoices/$${invoiceId}"
    error_message = "E-mails link the hosted console's invoice page."
  }
}
