# One consumer function fed by its queues (no AWS needed).
#   terraform init -backend=false && terraform test

# The mocked AWS provider the stack's tests use (ARNs and names that look real).
mock_provider "aws" {
  source = "../../stack/tests/mocks"
}

# Each queue's DLQ gets an ARN of its own (the mock's default is one ARN for all queues).
override_resource {
  target = module.queues["order_events"].module.dead_letter_queue.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:shop-email-orders-dlq", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-email-orders-dlq" }
}

override_resource {
  target = module.queues["invoice_events"].module.dead_letter_queue.aws_sqs_queue.this
  values = { arn = "arn:aws:sqs:eu-west-1:123456789012:shop-email-invoices-dlq", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-email-invoices-dlq" }
}

variables {
  function_name = "shop-email"
  package_path  = "tests/fixtures/function.zip"
  handler       = "notifications.email_consumer.handler"
  timeout       = 20
  kms_key_arn   = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  environment_variables = {
    POWERTOOLS_SERVICE_NAME = "notifications"
  }
  queues = {
    order_events = {
      name        = "shop-email-orders"
      topic_arn   = "arn:aws:sns:eu-west-1:123456789012:shop-orders-events"
      event_types = ["ecommerce.orders.OrderConfirmed.v1"]
    }
    invoice_events = {
      name        = "shop-email-invoices"
      topic_arn   = "arn:aws:sns:eu-west-1:123456789012:shop-invoices-events"
      event_types = ["ecommerce.invoices.InvoiceGenerated.v1"]
      batch_size  = 5
    }
  }
  policy_statements = [
    {
      sid       = "SendEmails"
      actions   = ["ses:SendRawEmail"]
      resources = ["arn:aws:ses:eu-west-1:123456789012:identity/shop@example.com"]
    },
  ]
}

run "two_queues_share_one_set_of_unique_statements" {
  command = apply

  assert {
    condition = length(jsondecode(module.function.execution_policy).Statement) == length(distinct([
      for statement in jsondecode(module.function.execution_policy).Statement : statement.Sid
    ]))
    error_message = "Every sid in the function's policy must be unique (IAM refuses repeated sids)."
  }

  assert {
    condition = [
      for statement in jsondecode(module.function.execution_policy).Statement : statement.Resource
      if statement.Sid == "ConsumeQueue"
    ] == [["arn:aws:sqs:eu-west-1:123456789012:shop-email-invoices", "arn:aws:sqs:eu-west-1:123456789012:shop-email-orders"]]
    error_message = "One ConsumeQueue statement covers both queues."
  }

  assert {
    condition = [
      for statement in jsondecode(module.function.execution_policy).Statement : statement.Resource
      if statement.Sid == "SendToDeadLetterQueue"
    ] == [["arn:aws:sqs:eu-west-1:123456789012:shop-email-invoices-dlq", "arn:aws:sqs:eu-west-1:123456789012:shop-email-orders-dlq"]]
    error_message = "One SendToDeadLetterQueue statement covers both dead-letter queues."
  }

  assert {
    condition = alltrue([
      for sid in ["UseQueueKey", "SendEmails", "WriteOwnLogs", "SendTraces", "DecryptOwnEnvironment"] :
      contains([for statement in jsondecode(module.function.execution_policy).Statement : statement.Sid], sid)
    ])
    error_message = "The caller's statements and lambda_function's own follow the queues' statements."
  }
}

run "dead_letter_queues_name_every_queue" {
  command = apply

  assert {
    condition = jsondecode(local.environment_variables.DEAD_LETTER_QUEUES) == {
      "arn:aws:sqs:eu-west-1:123456789012:shop-email-orders"   = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-email-orders-dlq"
      "arn:aws:sqs:eu-west-1:123456789012:shop-email-invoices" = "https://sqs.eu-west-1.amazonaws.com/123456789012/shop-email-invoices-dlq"
    }
    error_message = "DEAD_LETTER_QUEUES maps each queue's ARN to its own DLQ's URL."
  }

  assert {
    condition     = local.environment_variables.POWERTOOLS_SERVICE_NAME == "notifications" && output.dead_letter_queues == jsondecode(local.environment_variables.DEAD_LETTER_QUEUES)
    error_message = "The caller's variables are kept beside DEAD_LETTER_QUEUES, which the output repeats."
  }
}

run "one_mapping_per_queue" {
  command = apply

  assert {
    condition     = keys(module.function.event_source_mapping_uuids) == ["invoice_events", "order_events"]
    error_message = "Each queue feeds the function through a mapping keyed like the queue."
  }

  assert {
    condition = alltrue([
      for key, mapping in local.event_source_mappings :
      mapping.event_source_arn == output.queues[key].queue_arn && mapping.report_batch_item_failures
    ])
    error_message = "Each mapping reads its own queue and reports partial batch failures."
  }

  assert {
    condition     = local.event_source_mappings.order_events.batch_size == 10 && local.event_source_mappings.invoice_events.batch_size == 5
    error_message = "batch_size is per queue, 10 unless set."
  }
}

run "each_queue_subscribes_to_its_topic" {
  command = apply

  assert {
    condition     = output.queues.order_events.queue_name == "shop-email-orders" && output.queues.order_events.dlq_name == "shop-email-orders-dlq" && output.queues.invoice_events.dlq_name == "shop-email-invoices-dlq"
    error_message = "Queues keep the names given (the DLQ is <name>-dlq)."
  }

  assert {
    condition     = local.visibility_timeout_seconds == 120
    error_message = "The queues' visibility timeout is six times the function's timeout."
  }
}

run "a_single_queue_passes_its_statements_through" {
  command = apply

  variables {
    queues = {
      order_events = {
        name        = "shop-email-orders"
        topic_arn   = "arn:aws:sns:eu-west-1:123456789012:shop-orders-events"
        event_types = ["ecommerce.orders.OrderConfirmed.v1"]
      }
    }
  }

  assert {
    condition     = jsonencode(local.merged_queue_statements) == jsonencode(module.queues["order_events"].consumer_policy_statements)
    error_message = "One queue's statements reach the function unchanged (an existing consumer's policy does not change)."
  }
}

run "the_module_builds_dead_letter_queues" {
  command = plan

  variables {
    environment_variables = { DEAD_LETTER_QUEUES = "{}" }
  }

  expect_failures = [var.environment_variables]
}

run "queue_sids_belong_to_the_module" {
  command = plan

  variables {
    policy_statements = [{ sid = "ConsumeQueue", actions = ["sqs:ReceiveMessage"], resources = ["*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "a_consumer_reads_a_queue" {
  command = plan

  variables {
    queues = {}
  }

  expect_failures = [var.queues]
}

run "every_queue_names_its_events_and_a_batch_size_lambda_accepts" {
  command = plan

  variables {
    queues = {
      order_events = {
        name        = "shop-email-orders"
        topic_arn   = "arn:aws:sns:eu-west-1:123456789012:shop-orders-events"
        event_types = []
        batch_size  = 11
      }
    }
  }

  expect_failures = [var.queues]
}

run "queue_names_are_unique" {
  command = plan

  variables {
    queues = {
      order_events   = { name = "shop-email", topic_arn = "arn:aws:sns:eu-west-1:123456789012:a", event_types = ["a"] }
      invoice_events = { name = "shop-email", topic_arn = "arn:aws:sns:eu-west-1:123456789012:b", event_types = ["b"] }
    }
  }

  expect_failures = [var.queues]
}
