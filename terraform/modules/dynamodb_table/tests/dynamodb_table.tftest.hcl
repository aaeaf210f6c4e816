mock_provider "aws" {}

variables {
  name        = "orders"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  global_secondary_indexes = [
    { name = "gsi1", partition_key = "gsi1pk", sort_key = "gsi1sk" },
  ]
}

run "table_follows_the_conventions" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk"
    error_message = "Keys must be pk/sk."
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "Tables are on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "Tables must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery must be on."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "The outbox stream must carry new and old images."
  }

  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == "expiresAt" && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "TTL must use expiresAt."
  }

  assert {
    condition     = toset([for attribute in aws_dynamodb_table.this.attribute : "${attribute.name}:${attribute.type}"]) == toset(["pk:S", "sk:S", "gsi1pk:S", "gsi1sk:S"])
    error_message = "Exactly the key attributes are declared, all strings."
  }

  assert {
    condition     = one([for index in aws_dynamodb_table.this.global_secondary_index : index.projection_type if index.name == "gsi1"]) == "ALL"
    error_message = "gsi1 projects all attributes."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection is on by default."
  }
}

run "duplicate_index_names_are_refused" {
  command = plan

  variables {
    global_secondary_indexes = [
      { name = "gsi1", partition_key = "a" },
      { name = "gsi1", partition_key = "b" },
    ]
  }

  expect_failures = [var.global_secondary_indexes]
}
