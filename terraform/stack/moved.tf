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
  to   = module.products_publisher.aws_sqs_queue.dlq
}

moved {
  from = aws_cloudwatch_metric_alarm.products_stream_failures
  to   = module.products_publisher.aws_cloudwatch_metric_alarm.dlq_not_empty
}

moved {
  from = module.orders_stream_publisher
  to   = module.orders_publisher.module.function
}

moved {
  from = aws_sqs_queue.orders_stream_failures
  to   = module.orders_publisher.aws_sqs_queue.dlq
}

moved {
  from = aws_cloudwatch_metric_alarm.orders_stream_failures
  to   = module.orders_publisher.aws_cloudwatch_metric_alarm.dlq_not_empty
}

moved {
  from = module.invoices_stream_publisher
  to   = module.invoices_publisher.module.function
}

moved {
  from = aws_sqs_queue.invoices_stream_failures
  to   = module.invoices_publisher.aws_sqs_queue.dlq
}

moved {
  from = aws_cloudwatch_metric_alarm.invoices_stream_failures
  to   = module.invoices_publisher.aws_cloudwatch_metric_alarm.dlq_not_empty
}
