# The invoices service's invoice import: an admin's getImportUrl (a route of the shared
# WebSocket API, realtime.tf) opens a transaction in the invoices table and presigns a POST
# of imports/<transactionId>.json into the imports bucket; S3 announces the object to a
# queue (with a DLQ); the processor checks the file and stores the invoice in the invoices
# table (source=import). A schedule times out imports whose upload never came. Every
# status change is a write of the transaction, announced by the invoices table's stream
# (InvoiceImportStatusChanged, through the invoices topic) and pushed by realtime.

variable "invoice_import_timeout_seconds" {
  description = "How long an admin has to upload an import file after getImportUrl (also the presigned URL's lifetime). Null: 300, or 15 in the local environment so that timeouts show quickly."
  type        = number
  default     = null

  validation {
    condition     = var.invoice_import_timeout_seconds == null ? true : (var.invoice_import_timeout_seconds >= 5 && var.invoice_import_timeout_seconds <= 3600)
    error_message = "invoice_import_timeout_seconds must be between 5 and 3600."
  }
}

locals {
  invoice_import_timeout           = coalesce(var.invoice_import_timeout_seconds, var.environment == "local" ? 15 : 300)
  invoice_import_processor_timeout = 30
  invoice_imports_queue_name       = "${var.name_prefix}-invoice-imports"
  invoice_imports_queue_arn = join(":", [
    "arn", data.aws_partition.current.partition, "sqs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, local.invoice_imports_queue_name,
  ])
}

module "invoice_imports_bucket" {
  source = "../modules/s3_bucket"

  name                    = "${var.name_prefix}-invoice-imports-${data.aws_caller_identity.current.account_id}"
  kms_key_arn             = module.key.key_arn
  deny_insecure_transport = var.s3_deny_insecure_transport
  # Uploaded files are transient input; the imported invoices live in the invoices table.
  force_destroy = !var.deletion_protection
  # The console uploads from the browser (PUT to the presigned URL).
  cors_rules = local.console_upload_cors_rules
  tags       = local.tags
}

# Both queues use the stack's key: its policy lets S3 (this account's buckets) generate
# the data keys the event notifications need.
module "invoice_imports_dlq" {
  source = "../modules/dead_letter_queue"

  name              = "${local.invoice_imports_queue_name}-dlq"
  kms_key_arn       = module.key.key_arn
  alarm_description = "Invoice import uploads could not be processed; see the DLQ."
  alarm_actions     = local.alarm_actions
  tags              = local.tags
}

resource "aws_sqs_queue" "invoice_imports" {
  name                              = local.invoice_imports_queue_name
  kms_master_key_id                 = module.key.key_arn
  kms_data_key_reuse_period_seconds = 300
  visibility_timeout_seconds        = 6 * local.invoice_import_processor_timeout
  message_retention_seconds         = 345600
  # Part of CreateQueue: a separate aws_sqs_queue_policy would add a serial provider wait.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ObjectCreatedFromTheImportsBucket"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = local.invoice_imports_queue_arn
        Condition = {
          ArnEquals    = { "aws:SourceArn" = module.invoice_imports_bucket.arn }
          StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.invoice_imports_queue_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
  redrive_policy = jsonencode({
    deadLetterTargetArn = module.invoice_imports_dlq.arn
    maxReceiveCount     = 5
  })
  tags = local.tags
}

resource "aws_s3_bucket_notification" "invoice_imports" {
  bucket = module.invoice_imports_bucket.name

  queue {
    id            = "invoice-import-uploads"
    queue_arn     = aws_sqs_queue.invoice_imports.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "imports/"
    filter_suffix = ".json"
  }
}

module "invoice_import_requests" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-invoice-import-requests"
  snap_start    = var.snap_start_synchronous_functions
  description   = "WebSocket getImportUrl / cancelImport: opens (presigned upload URL) and cancels invoice imports."
  package_path  = local.invoices_package
  handler       = "invoices.import_requests.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 10
  kms_key_arn   = module.key.key_arn
  environment_variables = merge(local.invoices_environment, {
    IMPORTS_BUCKET_NAME    = module.invoice_imports_bucket.name
    IMPORT_TIMEOUT_SECONDS = tostring(local.invoice_import_timeout)
    USER_POOL_ID           = module.users.user_pool_id
  })
  policy_statements = [
    {
      sid       = "OpenAndCancelImports"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [module.invoices_table.arn]
    },
    {
      # Admin actions re-check the caller's groups (a demoted admin is refused at once).
      sid       = "RecheckAdminGroup"
      actions   = ["cognito-idp:AdminListGroupsForUser"]
      resources = [module.users.user_pool_arn]
    },
    {
      # The presigned upload URL is authorized by these two statements.
      sid       = "SignImportUploads"
      actions   = ["s3:PutObject"]
      resources = ["${module.invoice_imports_bucket.arn}/imports/*"]
    },
    {
      sid       = "EncryptImportUploads"
      actions   = ["kms:GenerateDataKey"]
      resources = [module.key.key_arn]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}

module "invoice_import_processor" {
  source = "../modules/lambda_function"

  function_name         = "${var.name_prefix}-invoice-import-processor"
  description           = "Checks uploaded invoice import files and stores valid invoices; the statuses are announced."
  package_path          = local.invoices_package
  handler               = "invoices.import_processor.handler"
  architecture          = var.lambda_architecture
  memory_size           = 512
  timeout               = local.invoice_import_processor_timeout
  kms_key_arn           = module.key.key_arn
  environment_variables = local.invoices_environment
  policy_statements = [
    {
      sid       = "ConsumeUploadNotifications"
      actions   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
      resources = [local.invoice_imports_queue_arn] # known early: the function need not wait for the queue
    },
    {
      sid       = "ReadUploads"
      actions   = ["s3:GetObject"]
      resources = ["${module.invoice_imports_bucket.arn}/imports/*"]
    },
    {
      sid       = "DecryptUploads"
      actions   = ["kms:Decrypt"]
      resources = [module.key.key_arn]
    },
    {
      # Tracks the import transaction; TransactWriteItems (the invoice and its number's
      # guard) is authorized by its item actions (two conditional puts).
      sid       = "TrackImportsAndStoreImportedInvoices"
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
      resources = [module.invoices_table.arn]
    },
  ]
  event_source_mappings = {
    uploads = {
      event_source_arn           = aws_sqs_queue.invoice_imports.arn
      batch_size                 = 5
      report_batch_item_failures = true
    }
  }
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}

module "invoice_import_sweeper" {
  source = "../modules/lambda_function"

  function_name = "${var.name_prefix}-invoice-import-sweeper"
  description   = "Times out invoice imports whose upload never came (announced like every status)."
  package_path  = local.invoices_package
  handler       = "invoices.import_sweeper.handler"
  architecture  = var.lambda_architecture
  memory_size   = 256
  timeout       = 60
  kms_key_arn   = module.key.key_arn
  # No reserved concurrency (a fresh account's quota of 10 cannot reserve any): sweeps
  # may overlap, and each import still times out and is announced once, because the
  # move out of PENDING is a conditional update that only one sweep wins.
  environment_variables = local.invoices_environment
  policy_statements = [
    {
      sid       = "FindOverdueImports"
      actions   = ["dynamodb:Query"]
      resources = ["${module.invoices_table.arn}/index/gsi1"]
    },
    {
      sid       = "TimeOutImports"
      actions   = ["dynamodb:UpdateItem"]
      resources = [module.invoices_table.arn]
    },
  ]
  log_retention_days = var.log_retention_days
  alarm_actions      = local.alarm_actions
  tags               = local.tags

  package_object = lookup(local.package_objects, local.invoices_package, null) # lambda_packages_via_bucket
}

resource "aws_cloudwatch_event_rule" "invoice_import_sweep" {
  name                = "${var.name_prefix}-invoice-import-sweep"
  description         = "Times out overdue invoice imports, every minute."
  schedule_expression = "rate(1 minute)"
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "invoice_import_sweep" {
  rule = aws_cloudwatch_event_rule.invoice_import_sweep.name
  arn  = module.invoice_import_sweeper.function_arn
}

resource "aws_lambda_permission" "invoice_import_sweep" {
  statement_id  = "AllowTheSweepSchedule"
  action        = "lambda:InvokeFunction"
  function_name = module.invoice_import_sweeper.function_name
  principal     = "events.amazonaws.com"
  # Built from its parts (the rule's ARN) so that plans and mocked tests know it early.
  source_arn = join(":", [
    "arn", data.aws_partition.current.partition, "events", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, "rule/${aws_cloudwatch_event_rule.invoice_import_sweep.name}",
  ])
}
