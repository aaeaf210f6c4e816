mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:orders-products-dlq" }
  }
}

variables {
  name        = "orders-products"
  topic_arn   = "arn:aws:sns:eu-west-1:123456789012:products-events"
  event_types = ["ecommerce.products.ProductUpdated.v1", "ecommerce.products.ProductCreated.v1"]
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "queues_are_encrypted_and_dead_lettered" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && module.dead_letter_queue.kms_key_arn == var.kms_key_arn
    error_message = "Both queues must be encrypted with the customer-managed key."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == module.dead_letter_queue.arn && jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5
    error_message = "The queue must redrive to its DLQ after maxReceiveCount receives."
  }

  assert {
    condition     = jsondecode(module.dead_letter_queue.redrive_allow_policy).sourceQueueArns == ["arn:aws:sqs:eu-west-1:123456789012:orders-products"]
    error_message = "Only the consumer's own queue may redrive into the DLQ."
  }

  assert {
    condition     = module.dead_letter_queue.name == "orders-products-dlq" && module.dead_letter_queue.alarm_name == "orders-products-dlq-not-empty"
    error_message = "An alarm must fire as soon as the DLQ holds a message."
  }
}

run "only_the_topic_may_send" {
  command = apply

  assert {
    condition = one([
      for statement in jsondecode(aws_sqs_queue.this.policy).Statement : statement
      if statement.Effect == "Allow"
    ]).Condition.ArnEquals["aws:SourceArn"] == var.topic_arn
    error_message = "The single Allow statement must be limited to the subscribed topic."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_sqs_queue.this.policy).Statement :
      statement.Resource == "arn:aws:sqs:eu-west-1:123456789012:orders-products"
    ])
    error_message = "The queue policy must be about this queue only."
  }
}

run "subscription_filters_on_the_type_attribute" {
  command = apply

  assert {
    condition     = aws_sns_topic_subscription.this.raw_message_delivery && aws_sns_topic_subscription.this.protocol == "sqs"
    error_message = "Delivery must be raw (the body is the CloudEvent)."
  }

  assert {
    condition     = aws_sns_topic_subscription.this.filter_policy_scope == "MessageAttributes"
    error_message = "The filter applies to message attributes."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this.filter_policy) == { type = ["ecommerce.products.ProductCreated.v1", "ecommerce.products.ProductUpdated.v1"] }
    error_message = "The filter policy must list exactly the subscribed event types."
  }
}

run "emulator_switch_keeps_encryption_and_the_topic_restriction" {
  command = apply

  variables {
    restrict_dlq_sources = false
  }

  assert {
    condition     = module.dead_letter_queue.kms_key_arn == var.kms_key_arn && aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && module.dead_letter_queue.redrive_allow_policy == null
    error_message = "Encryption never depends on the emulator switch; without the restriction the DLQ sets no redrive allow policy."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == var.topic_arn
    error_message = "The queue policy never depends on the emulator switch."
  }
}

run "a_consumer_must_name_its_events" {
  command = plan

  variables {
    event_types = []
  }

  expect_failures = [var.event_types]
}
