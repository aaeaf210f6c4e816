# State moves of existing deployments (both environments), so `terraform apply` moves
# objects instead of destroying and recreating them. Keep until every deployment has
# applied them.

# The stream publishers became modules/stream_publisher (which wraps lambda_function).
moved {
  from = module.products_stream_publisher
  to   = module.products_publisher.module.function
}

moved {
  from = aws_sqs_queue.products_stream_failures
  to   = module.products_publisher.module.dead_letter_queue.aws_sqs_queue.this
}

moved {
  from = aws_cloudwatch_metric_alarm.products_stream_failures
  to   = module.products_publisher.module.dead_letter_queue.aws_cloudwatch_metric_alarm.not_empty
}

moved {
  from = module.orders_stream_publisher
  to   = module.orders_publisher.module.function
}

moved {
  from = aws_sqs_queue.orders_stream_failures
  to   = module.orders_publisher.module.dead_letter_queue.aws_sqs_queue.this
}

moved {
  from = aws_cloudwatch_metric_alarm.orders_stream_failures
  to   = module.orders_publisher.module.dead_letter_queue.aws_cloudwatch_metric_alarm.not_empty
}

moved {
  from = module.invoices_stream_publisher
  to   = module.invoices_publisher.module.function
}

moved {
  from = aws_sqs_queue.invoices_stream_failures
  to   = module.invoices_publisher.module.dead_letter_queue.aws_sqs_queue.this
}

moved {
  from = aws_cloudwatch_metric_alarm.invoices_stream_failures
  to   = module.invoices_publisher.module.dead_letter_queue.aws_cloudwatch_metric_alarm.not_empty
}

# The invoice-import DLQ and its alarm became modules/dead_letter_queue.
moved {
  from = aws_sqs_queue.invoice_imports_dlq
  to   = module.invoice_imports_dlq.aws_sqs_queue.this
}

moved {
  from = aws_cloudwatch_metric_alarm.invoice_imports_dlq
  to   = module.invoice_imports_dlq.aws_cloudwatch_metric_alarm.not_empty
}

# The consumers became modules/event_consumer, which wraps lambda_function (moved inside
# the module) and their sqs_consumer_queue calls (moved here, by event source key).
moved {
  from = module.orders_product_projection_queue
  to   = module.orders_projection_consumer.module.queues["product_events"]
}

moved {
  from = module.orders_stock_results_queue
  to   = module.orders_stock_consumer.module.queues["stock_results"]
}

moved {
  from = module.products_stock_queue
  to   = module.products_stock_consumer.module.queues["order_events"]
}

moved {
  from = module.invoices_order_confirmed_queue
  to   = module.invoices_generator.module.queues["order_confirmed"]
}

moved {
  from = module.notifications_email_queue
  to   = module.notifications_email.module.queues["order_events"]
}

moved {
  from = module.notifications_email_invoices_queue
  to   = module.notifications_email.module.queues["invoice_events"]
}

moved {
  from = module.websocket_push_orders_queue
  to   = module.websocket_push.module.queues["order_events"]
}

moved {
  from = module.websocket_push_invoices_queue
  to   = module.websocket_push.module.queues["invoice_events"]
}
