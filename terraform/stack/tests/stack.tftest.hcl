# The composition's security properties, planned and "applied" against a mocked
# provider: no AWS account, no emulator. Per-resource properties (tracing, log
# retention and encryption of every function, stage tracing, ...) are asserted by
# each module's own tests; these runs check what the stack wires together.
#   terraform init -backend=false && terraform test

mock_provider "aws" {
  source = "./tests/mocks"
}

# The stream publishers' roles get distinct ARNs: the topic policies name them.
override_resource {
  target = module.products_publisher.module.function.aws_iam_role.this
  values = { arn = "arn:aws:iam::123456789012:role/shop-test-products-stream-publisher-role" }
}
override_resource {
  target = module.orders_publisher.module.function.aws_iam_role.this
  values = { arn = "arn:aws:iam::123456789012:role/shop-test-orders-stream-publisher-role" }
}
override_resource {
  target = module.invoices_publisher.module.function.aws_iam_role.this
  values = { arn = "arn:aws:iam::123456789012:role/shop-test-invoices-stream-publisher-role" }
}

variables {
  name_prefix = "shop-test"
  environment = "dev"
  package_dir = "tests/fixtures"
}

run "no_function_may_use_a_wildcard_action" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for policy in [
        module.products_api.execution_policy, module.products_publisher.execution_policy,
        module.products_stock_consumer.execution_policy, module.orders_api.execution_policy,
        module.orders_publisher.execution_policy, module.orders_projection_consumer.execution_policy,
        module.orders_stock_consumer.execution_policy, module.invoices_api.execution_policy,
        module.invoices_generator.execution_policy, module.invoices_publisher.execution_policy,
        module.notifications_email.execution_policy, module.websocket_authorizer.execution_policy,
        module.websocket_connections.execution_policy, module.websocket_push.execution_policy,
        module.invoice_import_processor.execution_policy, module.invoice_import_sweeper.execution_policy,
        module.invoice_import_requests.execution_policy, module.websocket_session_sweeper.execution_policy,
        module.identity_post_confirmation.execution_policy, aws_iam_role_policy.identity_post_confirmation_pool.policy,
        ] : [
        for statement in jsondecode(policy).Statement : [
          for action in flatten([statement.Action]) : !strcontains(action, "*")
        ]
      ]
    ])) && length(output.function_names) == 19
    error_message = "An execution policy uses a wildcard action (all 19 functions are checked)."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [
        module.products_api.execution_policy, module.products_publisher.execution_policy,
        module.products_stock_consumer.execution_policy, module.orders_api.execution_policy,
        module.orders_publisher.execution_policy, module.orders_projection_consumer.execution_policy,
        module.orders_stock_consumer.execution_policy, module.invoices_api.execution_policy,
        module.invoices_generator.execution_policy, module.invoices_publisher.execution_policy,
        module.notifications_email.execution_policy, module.websocket_authorizer.execution_policy,
        module.websocket_connections.execution_policy, module.websocket_push.execution_policy,
        module.invoice_import_processor.execution_policy, module.invoice_import_sweeper.execution_policy,
        module.invoice_import_requests.execution_policy, module.websocket_session_sweeper.execution_policy,
        module.identity_post_confirmation.execution_policy, aws_iam_role_policy.identity_post_confirmation_pool.policy,
        ] : [
        for statement in jsondecode(policy).Statement :
        contains(flatten([statement.Resource]), "*") ? statement.Sid == "SendTraces" : true
      ]
    ]))
    error_message = "Only X-Ray (which has no resource-level permissions) may be granted on every resource."
  }

  assert {
    condition = alltrue(flatten([
      for policy in [
        module.products_api.execution_policy, module.products_publisher.execution_policy,
        module.products_stock_consumer.execution_policy, module.orders_api.execution_policy,
        module.orders_publisher.execution_policy, module.orders_projection_consumer.execution_policy,
        module.orders_stock_consumer.execution_policy, module.invoices_api.execution_policy,
        module.invoices_generator.execution_policy, module.invoices_publisher.execution_policy,
        module.notifications_email.execution_policy, module.websocket_authorizer.execution_policy,
        module.websocket_connections.execution_policy, module.websocket_push.execution_policy,
        module.invoice_import_processor.execution_policy, module.invoice_import_sweeper.execution_policy,
        module.invoice_import_requests.execution_policy, module.websocket_session_sweeper.execution_policy,
        module.identity_post_confirmation.execution_policy, aws_iam_role_policy.identity_post_confirmation_pool.policy,
        ] : [
        for statement in jsondecode(policy).Statement : [
          for resource in flatten([statement.Resource]) : !endswith(resource, ":*") || statement.Sid == "WriteOwnLogs"
        ]
      ]
    ]))
    error_message = "Resources are named: no account- or service-wide ARN patterns (only a function's own log streams)."
  }
}

run "api_function_only_touches_products_items" {
  command = apply

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.products_api.execution_policy).Statement : statement.Action
      if startswith(statement.Sid, "ReadAndWrite") || startswith(statement.Sid, "Page")
      ])) == toset([
      "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
      "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem",
    ])
    error_message = "The API function gets exactly the item actions it needs (no Scan, no table management)."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(module.products_api.execution_policy).Statement : statement.Resource
      if startswith(statement.Sid, "ReadAndWrite") || startswith(statement.Sid, "Page")
      ])) == toset([
      "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products",
      "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products/index/gsi1",
    ])
    error_message = "The API function's table access is limited to the products table and its gsi1 index."
  }

  assert {
    condition     = length([for statement in jsondecode(module.products_api.execution_policy).Statement : statement if anytrue([for action in statement.Action : startswith(action, "sns:") || startswith(action, "sqs:")])]) == 0
    error_message = "The API function publishes nothing itself: events leave through the table's stream."
  }
}

run "publisher_reads_the_stream_and_publishes_to_its_topic" {
  command = apply

  assert {
    condition = one([
      for statement in jsondecode(module.products_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "ReadProductsStream"
    ]) == ["arn:aws:dynamodb:eu-west-1:123456789012:table/shop-test-products/stream/2025-01-01T00:00:00.000"]
    error_message = "Stream reads are limited to the products stream."
  }

  assert {
    condition = one([
      for statement in jsondecode(module.products_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "PublishProductEvents"
    ]) == [module.products_topic.arn]
    error_message = "The publisher may only publish to the products topic."
  }

  assert {
    condition = one([
      for statement in jsondecode(module.products_publisher.execution_policy).Statement : statement.Resource
      if statement.Sid == "ReportFailedBatches"
    ]) == [module.products_publisher.dlq_arn]
    error_message = "The computed DLQ ARN in the policy must be the queue's real ARN."
  }

  assert {
    condition = [
      for publisher in [module.products_publisher, module.orders_publisher, module.invoices_publisher] : [
        for statement in jsondecode(publisher.execution_policy).Statement : statement.Sid
        if startswith(statement.Sid, "Read") || startswith(statement.Sid, "Publish")
      ]
    ] == [["ReadProductsStream", "PublishProductEvents"], ["ReadOrdersStream", "PublishOrderEvents"], ["ReadInvoicesStream", "PublishInvoiceEvents"]]
    error_message = "Each publisher reads its own service's stream and publishes its events (statement ids as deployed)."
  }
}

run "outputs_follow_the_naming_conventions" {
  command = apply

  assert {
    condition = alltrue([
      for role, name in output.function_names : name == "shop-test-${role}"
    ]) && length(output.function_names) == 19
    error_message = "Function names must be <name_prefix>-<role> (docs/conventions.md)."
  }

  assert {
    condition     = output.region == "eu-west-1"
    error_message = "The region output comes from the provider."
  }

  assert {
    condition     = length(aws_xray_sampling_rule.default) == 1 && length(aws_api_gateway_account.this) == 1
    error_message = "A real-AWS stack has a sampling rule and manages the API Gateway logging role by default."
  }
}

run "emulator_switches_only_drop_what_the_emulator_lacks" {
  command = plan

  variables {
    environment                 = "local"
    enable_xray_sampling_rule   = false
    manage_api_gateway_account  = false
    manage_xray_resource_policy = false
    enable_waf                  = false
  }

  assert {
    condition     = length(module.rest_api_waf) == 0
    error_message = "The emulator switch drops the WAF web ACL (the local gateway does not evaluate it)."
  }

  assert {
    condition     = length(aws_xray_sampling_rule.default) == 0 && length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.api_gateway_cloudwatch) == 0
    error_message = "The emulator switches remove the sampling rule and the account logging role."
  }

  assert {
    condition     = length(aws_xray_resource_policy.sns_active_tracing) == 0
    error_message = "The emulator switch drops the X-Ray resource policy."
  }
}

run "unknown_environments_are_refused" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [var.environment]
}

run "every_alarm_reaches_the_encrypted_alarm_topic" {
  command = apply

  variables {
    alarm_email   = "oncall@example.com"
    alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:pager"]
  }

  assert {
    condition     = module.alarm_topic.arn != "" && aws_sns_topic_subscription.alarm_email[0].endpoint == "oncall@example.com"
    error_message = "The alarm topic exists and alarm_email subscribes to it."
  }

  assert {
    condition     = module.orders_api.errors_alarm_arn != "" && local.alarm_actions == [module.alarm_topic.arn, "arn:aws:sns:eu-west-1:123456789012:pager"]
    error_message = "Every alarm notifies the stack's alarm topic, then the caller's actions."
  }

  assert {
    condition = alltrue([
      for publisher in [module.products_publisher, module.orders_publisher, module.invoices_publisher] :
      publisher.dlq_alarm_name == "${publisher.dlq_name}-not-empty"
    ]) && module.invoice_imports_dlq.alarm_name == "${module.invoice_imports_dlq.name}-not-empty"
    error_message = "Every stream failure queue and the import DLQ alarm as soon as they hold a message (modules/dead_letter_queue's tests check the alarm)."
  }
}

run "tracing_flows_from_the_api_through_sns_and_sqs" {
  command = apply

  assert {
    condition = alltrue([
      for topic in [module.products_topic, module.orders_topic, module.invoices_topic] :
      topic.tracing_mode == "Active"
    ])
    error_message = "Event topics trace actively, so a trace spans API -> stream publisher -> SNS -> SQS -> consumer."
  }

  assert {
    condition     = length(aws_xray_resource_policy.sns_active_tracing) == 1 && strcontains(aws_xray_resource_policy.sns_active_tracing[0].policy_document, "arn:aws:sns:eu-west-1:123456789012:shop-test-*")
    error_message = "The X-Ray resource policy admits only this stack's topics."
  }
}

run "invoice_import_queues_use_the_stack_key" {
  command = apply

  assert {
    condition     = aws_sqs_queue.invoice_imports.kms_master_key_id == module.key.key_arn && module.invoice_imports_dlq.kms_key_arn == module.key.key_arn
    error_message = "The invoice import queues are encrypted with the customer-managed key (S3 may use it)."
  }

  assert {
    condition     = contains([for statement in jsondecode(module.key.key_policy).Statement : statement.Sid], "S3NotifiesEncryptedQueuesOfThisAccount")
    error_message = "The key policy lets S3 notify encrypted queues."
  }
}

run "dashboard_shows_every_function_and_dead_letter_queue" {
  command = apply

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 4 * 8 + 5 + 7
    error_message = "The dashboard has four service rows of eight widgets (title, three front-door, four operations), e-mail's of five (no front door) and identity's of seven (no queues)."
  }

  assert {
    condition = alltrue([
      for role, name in output.function_names : strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "\"${name}\"")
    ])
    error_message = "Every function is on the dashboard."
  }

  assert {
    condition = alltrue([
      for name in [
        module.products_stock_consumer.queues["order_events"].dlq_name, module.products_publisher.dlq_name,
        module.orders_projection_consumer.queues["product_events"].dlq_name, module.orders_stock_consumer.queues["stock_results"].dlq_name,
        module.orders_publisher.dlq_name, module.invoices_generator.queues["order_confirmed"].dlq_name,
        module.invoices_publisher.dlq_name, module.notifications_email.queues["order_events"].dlq_name,
        module.notifications_email.queues["invoice_events"].dlq_name, module.websocket_push.queues["order_events"].dlq_name,
        module.websocket_push.queues["invoice_events"].dlq_name, module.invoice_imports_dlq.name,
      ] : strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "\"${name}\"")
    ])
    error_message = "Every dead-letter queue (all 12, as in dead_letter_queue_urls) is on the dashboard."
  }

  assert {
    condition = jsonencode([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      sort(distinct([for metric in widget.properties.metrics : metric[3]]))
      if try(widget.properties.title, "") == "Duration p99 (ms)"
      ]) == jsonencode([
      ["shop-test-products-api", "shop-test-products-stock-consumer", "shop-test-products-stream-publisher"],
      ["shop-test-orders-api", "shop-test-orders-projection-consumer", "shop-test-orders-stock-consumer", "shop-test-orders-stream-publisher"],
      [
        "shop-test-invoice-import-processor", "shop-test-invoice-import-requests", "shop-test-invoice-import-sweeper",
        "shop-test-invoices-api", "shop-test-invoices-generator", "shop-test-invoices-stream-publisher",
      ],
      ["shop-test-notifications-email"],
      [
        "shop-test-websocket-authorizer", "shop-test-websocket-connections", "shop-test-websocket-push",
        "shop-test-websocket-session-sweeper",
      ],
      ["shop-test-identity-post-confirmation"],
    ])
    error_message = "Each function is on its own service's row (products, orders, invoices, notifications, realtime, identity), as inventory.tf says."
  }

  assert {
    condition = alltrue([
      for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      length([for metric in widget.properties.metrics : metric if metric[0] == "AWS/SQS"]) == length(widget.properties.metrics)
      if startswith(try(widget.properties.title, ""), "Queue depth")
      ]) && length(distinct(flatten([
        for widget in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
          for metric in try(widget.properties.metrics, []) : metric[3] if metric[0] == "AWS/SQS"
        ]
    ]))) == 12 + 9 && length(output.dead_letter_queue_urls) == 12
    error_message = "The queue widgets show the 9 consumer queues and the 12 dead-letter queues, once each."
  }

  assert {
    condition = alltrue([
      for metric in ["OrdersConfirmed", "OrdersRejected", "InvoicesIssued", "EmailsSent"] :
      strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "[\"Ecommerce\",\"${metric}\",\"service\"")
    ])
    error_message = "The business metrics are on the dashboard (namespace Ecommerce, dimension service)."
  }
}

run "customers_sign_up_and_the_trigger_may_only_touch_this_pool" {
  command = apply

  assert {
    condition     = module.users.self_sign_up_enabled
    error_message = "Customers sign themselves up."
  }

  assert {
    condition     = aws_lambda_permission.identity_post_confirmation.principal == "cognito-idp.amazonaws.com" && aws_lambda_permission.identity_post_confirmation.source_arn == module.users.user_pool_arn
    error_message = "Only this pool may invoke the post-confirmation trigger."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.identity_post_confirmation_pool.policy).Statement == [{
      Sid      = "AddConfirmedUsersToCustomerGroup"
      Effect   = "Allow"
      Action   = ["cognito-idp:AdminAddUserToGroup"]
      Resource = [module.users.user_pool_arn]
    }]
    error_message = "The trigger may add users to groups of this pool, and do nothing else in Cognito."
  }

  assert {
    condition     = !strcontains(module.identity_post_confirmation.execution_policy, "cognito-idp")
    error_message = "The Cognito permission lives in the pool-scoped policy only."
  }
}

run "email_function_reads_only_invoice_pdfs_and_sends_raw_mail_from_the_shop" {
  command = apply

  assert {
    condition = {
      for statement in jsondecode(module.notifications_email.execution_policy).Statement :
      statement.Sid => [statement.Action, statement.Resource]
      if contains(["SendFromTheShopIdentity", "ReadInvoicePdfs", "DecryptInvoicePdfs"], statement.Sid)
      } == {
      SendFromTheShopIdentity = [["ses:SendRawEmail"], [aws_ses_email_identity.sender.arn]]
      ReadInvoicePdfs         = [["s3:GetObject"], ["${module.invoices_bucket.arn}/invoices/*"]]
      DecryptInvoicePdfs      = [["kms:Decrypt"], [module.key.key_arn]]
    }
    error_message = "The e-mail function sends raw mail from the shop's identity only, and reads only the invoice PDFs (and decrypts them with the stack key)."
  }

  assert {
    condition = length([
      for statement in jsondecode(module.notifications_email.execution_policy).Statement : statement
      if anytrue([for action in flatten([statement.Action]) : startswith(action, "s3:") && action != "s3:GetObject"])
    ]) == 0
    error_message = "The e-mail function may not list, write or delete anything in S3."
  }
}

run "deploys_at_the_default_account_concurrency" {
  command = apply

  # A fresh account's concurrency quota is 10, and Lambda keeps 10 unreserved: reserving
  # even one execution fails there, so no function of the default stack reserves any.
  assert {
    condition = alltrue([
      for function in [
        module.products_api, module.products_stock_consumer, module.orders_api,
        module.orders_projection_consumer, module.orders_stock_consumer, module.invoices_api,
        module.invoices_generator, module.notifications_email, module.websocket_authorizer,
        module.websocket_connections, module.websocket_push, module.invoice_import_processor,
        module.invoice_import_sweeper, module.invoice_import_requests, module.websocket_session_sweeper,
        module.identity_post_confirmation,
      ] : function.reserved_concurrent_executions == -1
    ]) && length(output.function_names) == 19
    error_message = "A function reserves concurrency: the stack would not deploy on a fresh account (quota 10)."
  }
}

run "only_each_producer_publishes_to_its_topic" {
  command = apply

  assert {
    condition = alltrue([
      for pair in [
        [module.products_topic.policy, "products"],
        [module.orders_topic.policy, "orders"],
        [module.invoices_topic.policy, "invoices"],
        ] : one([
          for statement in jsondecode(pair[0]).Statement : statement.Condition.ArnNotEquals["aws:PrincipalArn"]
          if statement.Effect == "Deny" && statement.Action == "sns:Publish"
      ]) == ["arn:aws:iam::123456789012:role/shop-test-${pair[1]}-stream-publisher-role"]
    ])
    error_message = "Each event topic denies sns:Publish to every principal but its own stream publisher's role."
  }

  assert {
    condition = alltrue([
      for policy in [module.products_topic.policy, module.orders_topic.policy, module.invoices_topic.policy] :
      length([for statement in jsondecode(policy).Statement : statement if statement.Effect == "Allow" && can(statement.Principal.Service)]) == 0
    ])
    error_message = "No AWS service may publish to an event topic."
  }

  assert {
    condition = one([
      for statement in jsondecode(module.alarm_topic.policy).Statement : statement
      if statement.Effect == "Allow" && statement.Action == "sns:Publish"
      ]).Principal == { Service = ["cloudwatch.amazonaws.com"] } && one([
      for statement in jsondecode(module.alarm_topic.policy).Statement : statement.Condition
      if statement.Effect == "Allow" && statement.Action == "sns:Publish"
    ]) == { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    error_message = "The alarm topic admits this account's CloudWatch alarms."
  }
}

run "rest_api_has_per_client_limits_by_default" {
  command = apply

  assert {
    condition     = length(module.rest_api_waf) == 1 && output.waf_log_group_name == "aws-waf-logs-shop-test-api"
    error_message = "The REST API gets a WAF web ACL, logged to aws-waf-logs-<api>, unless enable_waf is off."
  }

  assert {
    condition     = slice(module.rest_api_waf[0].rule_names, 0, 2) == ["RateLimitPerIp", "RateLimitPerCaller"]
    error_message = "The per-client rate limits are the first rules."
  }
}

run "invoice_import_belongs_to_invoices_and_its_statuses_travel_as_events" {
  command = apply

  # (The mocked provider gives every table one ARN: the statements are told apart by what
  # they allow.)
  assert {
    condition = alltrue([
      for function in [module.invoice_import_requests, module.invoice_import_processor, module.invoice_import_sweeper] :
      !strcontains(function.execution_policy, "execute-api:ManageConnections")
    ])
    error_message = "The invoice import functions push nothing themselves (realtime does, from the events)."
  }

  assert {
    condition = alltrue([
      for function in [module.websocket_authorizer, module.websocket_connections, module.websocket_push, module.websocket_session_sweeper] :
      !strcontains(function.execution_policy, "s3:") && !strcontains(function.execution_policy, "cognito-idp:")
    ])
    error_message = "Realtime's functions neither sign import uploads nor re-check admin groups (the invoices function does)."
  }

  assert {
    condition = alltrue([
      contains(local.subscriptions.realtime["push-invoices"].events, "ecommerce.invoices.InvoiceImportStatusChanged.v1"),
      !contains(local.subscriptions.notifications["email-invoices"].events, "ecommerce.invoices.InvoiceImportStatusChanged.v1"),
      module.websocket_push.queues["invoice_events"].queue_name == "${var.name_prefix}-realtime-push-invoices",
    ])
    error_message = "Realtime's invoices queue receives the import statuses (and e-mail does not)."
  }
}
