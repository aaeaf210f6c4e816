# The notifications service, e-mail part: its table (one Powertools idempotency record
# per e-mail sent, so an event never mails twice), the SES sender identity, and the e-mail
# consumer fed by the orders topic (OrderConfirmed, OrderRejected) and the invoices topic
# (InvoiceGenerated), which reads the invoice PDF from the invoices bucket to attach it to
# the confirmation. The consumer-queue module subscribes one queue to one topic, so each
# topic gets its own queue, both feeding the same function.

variable "sender_email" {
  description = "Address the shop's e-mails come from; created as an SES e-mail identity (AWS mails it a verification link). In the SES sandbox every recipient must be verified too."
  type        = string
  default     = "no-reply@example.com"

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.sender_email))
    error_message = "sender_email must be an e-mail address."
  }
}

variable "shop_name" {
  description = "The shop's name, signing every e-mail."
  type        = string
  default     = "Example Shop"
}

variable "invoice_link_template" {
  description = "Link to an invoice in the confirmation e-mail, with $${invoiceId} and $${orderId} placeholders (string.Template). Null: the web console's invoice page (<console URL>/#/invoices/<id>) when there is a console, else the REST API's GET /invoices/{id}."
  type        = string
  default     = null
}

locals {
  notifications_package       = "${var.package_dir}/notifications.zip"
  notifications_email_timeout = 30
  notifications_environment = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME  = "notifications"
    NOTIFICATIONS_TABLE_NAME = module.notifications_table.name
  })
  # The console's invoice page (it asks the person to sign in first), else the REST resource.
  invoice_link_template = coalesce(
    var.invoice_link_template,
    local.console_url == null ? "${module.rest_api.invoke_url}/invoices/$${invoiceId}" : "${local.console_url}/#/invoices/$${invoiceId}",
  )
}

module "notifications_table" {
  source = "../modules/dynamodb_table"

  name = "${var.name_prefix}-notifications"
  # Notifications announce nothing: no outbox, no stream.
  stream_enabled      = false
  kms_key_arn         = module.key.key_arn
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
  global_secondary_indexes = [
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
  ]
  tags = local.tags
}

resource "aws_ses_email_identity" "sender" {
  email = var.sender_email
}

module "notifications_email" {
  source = "../modules/event_consumer"

  function_name = "${var.name_prefix}-notifications-email"
  description   = "E-mails customers the outcome of their orders through SES, once per event."
  package_path  = local.notifications_package
  handler       = "notifications.email_consumer.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = local.notifications_email_timeout
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.notifications_environment, {
    SENDER_EMAIL         = aws_ses_email_identity.sender.email
    SHOP_NAME            = var.shop_name
    INVOICE_URL_TEMPLATE = local.invoice_link_template
  })
  policy_statements = [
    {
      sid       = "ClaimEachEmailOnce"
      actions   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [module.notifications_table.arn]
    },
    {
      # The mails are raw MIME messages (the confirmation carries the invoice PDF).
      sid       = "SendFromTheShopIdentity"
      actions   = ["ses:SendRawEmail"]
      resources = [aws_ses_email_identity.sender.arn]
    },
    {
      # The invoice PDF named by InvoiceGenerated, attached to the confirmation.
      sid       = "ReadInvoicePdfs"
      actions   = ["s3:GetObject"]
      resources = [local.invoices_pdf_objects_arn]
    },
    {
      sid       = "DecryptInvoicePdfs"
      actions   = ["kms:Decrypt"]
      resources = [module.key.key_arn]
    },
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  queues = {
    order_events = {
      name        = "${var.name_prefix}-notifications-email"
      topic_arn   = module.orders_topic.arn
      event_types = local.subscriptions.notifications["email"].events
    }
    invoice_events = {
      name        = "${var.name_prefix}-notifications-email-invoices"
      topic_arn   = module.invoices_topic.arn
      event_types = local.subscriptions.notifications["email-invoices"].events
    }
  }
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.notifications_package, null) # lambda_packages_via_bucket
}
