# The whole stack, provisioned into the AWS emulator (moto in server mode).
#
#   moto_server -H 127.0.0.1 -p 5000 &
#   terraform init && terraform apply -var aws_endpoint_url=http://127.0.0.1:5000
#
# Everything the emulator does not implement is switched off through stack
# variables, never by forking a module.

provider "aws" {
  region                      = var.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    apigateway   = var.aws_endpoint_url
    apigatewayv2 = var.aws_endpoint_url
    cloudwatch   = var.aws_endpoint_url
    cognitoidp   = var.aws_endpoint_url
    dynamodb     = var.aws_endpoint_url
    events       = var.aws_endpoint_url
    iam          = var.aws_endpoint_url
    kms          = var.aws_endpoint_url
    lambda       = var.aws_endpoint_url
    logs         = var.aws_endpoint_url
    s3           = var.aws_endpoint_url
    ses          = var.aws_endpoint_url
    sesv2        = var.aws_endpoint_url
    sns          = var.aws_endpoint_url
    sqs          = var.aws_endpoint_url
    ssm          = var.aws_endpoint_url
    sts          = var.aws_endpoint_url
    xray         = var.aws_endpoint_url
  }

  default_tags {
    tags = {
      Project     = "serverless-ecommerce"
      Environment = "local"
      ManagedBy   = "terraform"
    }
  }
}

module "stack" {
  source = "../../stack"

  name_prefix         = var.name_prefix
  environment         = "local"
  package_dir         = coalesce(var.package_dir, abspath("${path.root}/../../../dist/host"))
  lambda_architecture = var.lambda_architecture
  console_url         = var.console_url
  log_retention_days  = 7
  deletion_protection = false
  # The provider creates functions from local zips one at a time (a global lock held
  # through each ~5 s creation wait): from a bucket, the 17 functions go in parallel.
  lambda_packages_via_bucket = true

  # Not implemented by the emulator, or pointless there: X-Ray sampling rules answer
  # 404, and so do X-Ray resource policies; moto drops an SNS TracingConfig (every plan
  # would show it again) and, in 5.2, an SQS RedriveAllowPolicy, so the provider would
  # wait for it until it times out; the API Gateway account role has nothing to log to.
  enable_xray_sampling_rule   = false
  manage_xray_resource_policy = false
  sns_tracing_mode            = null
  sqs_redrive_allow_policy    = false
  s3_deny_insecure_transport  = false # the emulator speaks plain HTTP
  manage_api_gateway_account  = false
  # moto 5.2 stores WAFv2 web ACLs, associations and logging configurations but never
  # evaluates a rule, and the local REST gateway (scripts/localcloud) does not consult
  # WAF: an ACL here would look like protection while enforcing nothing.
  enable_waf = false
}
