# Identity: the user pool's post-confirmation trigger. Cognito invokes it synchronously
# after a self sign-up is confirmed (it puts the user in `customer`) and after a
# forgotten-password reset is confirmed (it does nothing then: an admin who resets their
# password must never become a customer).
#
# The pool and the function would depend on each other: the pool names the function in
# its lambda_config, and the function may add users to groups of this pool only, which
# needs the pool's ARN (AWS generates the pool id, so the ARN cannot be written before the
# pool exists). The cycle is broken at the role: the function is created without the
# Cognito permission, the pool then references the function, and the permission is a
# separate inline policy on the function's role that references the pool. Nothing
# invokes the trigger before the pool exists, and Terraform finishes the policy in the
# same apply, so no sign-up can run into the gap in practice (a sign-up confirmed in
# between would fail with UnexpectedLambdaException and can be confirmed again: the
# trigger is idempotent).

locals {
  identity_package = "${var.package_dir}/identity.zip"
}

module "identity_post_confirmation" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-identity-post-confirmation"
  description   = "Cognito post-confirmation trigger: a confirmed self sign-up joins the customer group."
  package_path  = local.identity_package
  handler       = "identity.post_confirmation.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  # Cognito waits 5 seconds for a trigger, then fails the confirmation.
  timeout = 5
  # The pool-scoped permission is the separate policy below (see the comment at the top).
  policy_statements = []
  kms_key_arn       = module.key.key_arn
  environment_variables = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME = "identity"
    CUSTOMER_GROUP          = "customer"
  })
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.identity_package, null) # lambda_packages_via_bucket
}

resource "aws_iam_role_policy" "identity_post_confirmation_pool" {
  name = "${var.name_prefix}-identity-post-confirmation-pool"
  role = module.identity_post_confirmation.role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "AddConfirmedUsersToCustomerGroup"
      Effect   = "Allow"
      Action   = ["cognito-idp:AdminAddUserToGroup"]
      Resource = [module.users.user_pool_arn]
    }]
  })
}

# Cognito invokes the trigger on behalf of this pool only.
resource "aws_lambda_permission" "identity_post_confirmation" {
  statement_id   = "CognitoInvokesPostConfirmation"
  action         = "lambda:InvokeFunction"
  function_name  = module.identity_post_confirmation.function_name
  principal      = "cognito-idp.amazonaws.com"
  source_arn     = module.users.user_pool_arn
  source_account = data.aws_caller_identity.current.account_id
}
