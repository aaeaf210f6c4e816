# The invoices service: its table (invoices, order guards, number counters; the stream is
# the transactional outbox), the private bucket of invoice PDFs, its topic, the generator
# fed by OrderConfirmed, the stream publisher (InvoiceGenerated) and the REST API
# function (GET /invoices?orderId=, GET /invoices/{id}).

variable "invoice_seller" {
  description = "Who issues the invoices, printed on every PDF."
  type = object({
    name    = string
    address = list(string)
    email   = optional(string)
    taxId   = optional(string)
  })
  default = {
    name    = "Example Shop Ltd"
    address = ["1 Market Street", "London EC1A 1AA", "United Kingdom"]
    email   = "billing@example.com"
    taxId   = "GB000000000"
  }
}

variable "invoice_tax_rate_basis_points" {
  description = "Tax added to the (net) catalogue prices on invoices, in basis points: 2000 is 20 %."
  type        = number
  default     = 2000

  validation {
    condition     = var.invoice_tax_rate_basis_points >= 0 && var.invoice_tax_rate_basis_points <= 10000 && floor(var.invoice_tax_rate_basis_points) == var.invoice_tax_rate_basis_points
    error_message = "invoice_tax_rate_basis_points must be an integer between 0 and 10000."
  }
}

variable "invoice_download_url_ttl_seconds" {
  description = "How long the presigned download URL returned by the invoices API stays valid."
  type        = number
  default     = 300

  validation {
    condition     = var.invoice_download_url_ttl_seconds >= 1 && var.invoice_download_url_ttl_seconds <= 3600
    error_message = "invoice_download_url_ttl_seconds must be between 1 and 3600."
  }
}

locals {
  invoices_package = "${var.package_dir}/invoices.zip"
  invoices_environment = merge(local.powertools_environment, {
    POWERTOOLS_SERVICE_NAME = "invoices"
    INVOICES_TABLE_NAME     = module.invoices_table.name
    INVOICES_BUCKET_NAME    = module.invoices_bucket.name
  })
  # The functions only touch the PDFs, all under this prefix.
  invoices_pdf_objects_arn = "${module.invoices_bucket.arn}/invoices/*"
}

module "invoices_table" {
  source = "../modules/dynamodb_table"

  name                = "${var.name_prefix}-invoices"
  kms_key_arn         = module.key.key_arn
  stream_enabled      = true
  ttl_attribute       = "expiresAt"
  deletion_protection = var.deletion_protection
  global_secondary_indexes = [
    # A customer's invoices, oldest first: gsi1pk=CUSTOMER#<sub>, gsi1sk=<issuedAt>#<id>.
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
  ]
  tags = local.tags
}

module "invoices_bucket" {
  source = "../modules/s3_bucket"

  name        = "${var.name_prefix}-invoices-${data.aws_caller_identity.current.account_id}"
  kms_key_arn = module.key.key_arn

  deny_insecure_transport = var.s3_deny_insecure_transport
  # Invoices are legal records: only a throwaway environment may drop a full bucket.
  force_destroy = !var.deletion_protection
  # The console may fetch a PDF through its presigned download URL.
  cors_rules = local.console_download_cors_rules
  tags       = local.tags
}

module "invoices_topic" {
  source = "../modules/sns_topic"

  name         = "${var.name_prefix}-invoices-events"
  kms_key_arn  = module.key.key_arn
  tracing_mode = var.sns_tracing_mode
  # Only the invoices stream publisher's role may publish invoices events.
  publisher_role_arns = [module.invoices_publisher.role_arn]
  tags                = local.tags
}

module "invoices_generator" {
  source = "../modules/event_consumer"

  function_name = "${var.name_prefix}-invoices-generator"
  description   = "Issues one invoice per confirmed order: number, PDF in S3, metadata in the table."
  package_path  = local.invoices_package
  handler       = "invoices.generator_consumer.handler"
  architecture  = var.lambda_architecture
  memory_size   = 512
  timeout       = 30
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.invoices_environment, {
    TAX_RATE_BASIS_POINTS = tostring(var.invoice_tax_rate_basis_points)
    INVOICE_SELLER        = jsonencode(var.invoice_seller)
  })
  queues = {
    order_confirmed = {
      name        = "${var.name_prefix}-invoices-order-confirmed"
      topic_arn   = module.orders_topic.arn
      event_types = local.subscriptions.invoices["order-confirmed"].events
      batch_size  = 5
    }
  }
  policy_statements = [
    {
      sid = "ClaimNumbersAndStoreInvoices"
      # TransactWriteItems is authorized by its item actions: Update (the counter) and
      # Put (the invoice and the order's guard); reads find an order's invoice.
      actions = [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
      ]
      resources = [module.invoices_table.arn]
    },
    {
      sid       = "WriteInvoicePdfs"
      actions   = ["s3:PutObject"]
      resources = [local.invoices_pdf_objects_arn]
    },
    {
      sid       = "EncryptInvoicePdfs"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [module.key.key_arn]
    },
  ]
  restrict_dlq_sources = var.sqs_redrive_allow_policy
  log_retention_days   = var.log_retention_days
  alarm_actions        = local.alarm_actions
  tags                 = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}

module "invoices_publisher" {
  source = "../modules/stream_publisher"

  function_name         = "${var.name_prefix}-invoices-stream-publisher"
  service               = "invoices"
  description           = "Publishes InvoiceGenerated and InvoiceImportStatusChanged from the invoices table's stream to the invoices topic."
  package_path          = local.invoices_package
  architecture          = var.lambda_architecture
  kms_key_arn           = module.key.key_arn
  stream_arn            = module.invoices_table.stream_arn
  topic_arn             = module.invoices_topic.arn
  environment_variables = local.invoices_environment
  log_retention_days    = var.log_retention_days
  alarm_actions         = local.alarm_actions
  tags                  = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}

module "invoices_api" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-invoices-api"
  snap_start    = var.snap_start_synchronous_functions
  description   = "Invoices REST API: metadata and short-lived download URLs, for the owner or an admin."
  package_path  = local.invoices_package
  handler       = "invoices.api.handler"
  architecture  = var.lambda_architecture
  memory_size   = 512
  timeout       = 10
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.invoices_environment, local.rest_api_cors_environment, {
    DOWNLOAD_URL_TTL_SECONDS = tostring(var.invoice_download_url_ttl_seconds)
  })
  policy_statements = [
    {
      sid       = "ReadInvoices"
      actions   = ["dynamodb:GetItem"]
      resources = [module.invoices_table.arn]
    },
    {
      # Presigned URLs are signed with the function's credentials: the download is
      # authorized by this statement and the key's decrypt permission.
      sid       = "SignInvoiceDownloads"
      actions   = ["s3:GetObject"]
      resources = [local.invoices_pdf_objects_arn]
    },
    {
      sid       = "DecryptInvoicePdfs"
      actions   = ["kms:Decrypt"]
      resources = [module.key.key_arn]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}
