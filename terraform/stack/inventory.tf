# The stack's functions and the queues they consume, each listed once: the outputs
# (function_names, dead_letter_queue_urls) and the dashboard (a row per service) are
# built from these two maps. A new function or consumer queue goes here, with the
# service whose dashboard row shows it; nothing else needs editing (a new service gets a
# row of its own: give it a title and business metrics in dashboard.tf).

locals {
  # Role (the function's name after "<name_prefix>-") => its service and deployed name.
  functions = {
    "products-api"               = { service = "products", name = module.products_api.function_name }
    "products-stream-publisher"  = { service = "products", name = module.products_publisher.function_name }
    "products-stock-consumer"    = { service = "products", name = module.products_stock_consumer.function_name }
    "orders-api"                 = { service = "orders", name = module.orders_api.function_name }
    "orders-stream-publisher"    = { service = "orders", name = module.orders_publisher.function_name }
    "orders-projection-consumer" = { service = "orders", name = module.orders_projection_consumer.function_name }
    "orders-stock-consumer"      = { service = "orders", name = module.orders_stock_consumer.function_name }
    "invoices-api"               = { service = "invoices", name = module.invoices_api.function_name }
    "invoices-generator"         = { service = "invoices", name = module.invoices_generator.function_name }
    "invoices-stream-publisher"  = { service = "invoices", name = module.invoices_publisher.function_name }
    "notifications-email"        = { service = "notifications", name = module.notifications_email.function_name }
    "websocket-authorizer"       = { service = "notifications", name = module.websocket_authorizer.function_name }
    "websocket-connections"      = { service = "notifications", name = module.websocket_connections.function_name }
    "websocket-push"             = { service = "notifications", name = module.websocket_push.function_name }
    "invoice-import-processor"   = { service = "notifications", name = module.invoice_import_processor.function_name }
    "invoice-import-sweeper"     = { service = "notifications", name = module.invoice_import_sweeper.function_name }
    "identity-post-confirmation" = { service = "identity", name = module.identity_post_confirmation.function_name }
  }

  # Consumer (its function's role; a second queue of the same function gets a suffix) =>
  # its service, the queue it reads (null for a stream publisher, which reads its table's
  # stream) and the dead-letter queue where its failed and contract-violating messages land.
  consumer_queues = {
    "products-stream-publisher" = {
      service = "products", queue = null
      dlq     = module.products_publisher.dlq_name, dlq_url = module.products_publisher.dlq_url
    }
    "products-stock-consumer" = {
      service = "products", queue = module.products_stock_queue.queue_name
      dlq     = module.products_stock_queue.dlq_name, dlq_url = module.products_stock_queue.dlq_url
    }
    "orders-stream-publisher" = {
      service = "orders", queue = null
      dlq     = module.orders_publisher.dlq_name, dlq_url = module.orders_publisher.dlq_url
    }
    "orders-projection-consumer" = {
      service = "orders", queue = module.orders_product_projection_queue.queue_name
      dlq     = module.orders_product_projection_queue.dlq_name, dlq_url = module.orders_product_projection_queue.dlq_url
    }
    "orders-stock-consumer" = {
      service = "orders", queue = module.orders_stock_results_queue.queue_name
      dlq     = module.orders_stock_results_queue.dlq_name, dlq_url = module.orders_stock_results_queue.dlq_url
    }
    "invoices-generator" = {
      service = "invoices", queue = module.invoices_order_confirmed_queue.queue_name
      dlq     = module.invoices_order_confirmed_queue.dlq_name, dlq_url = module.invoices_order_confirmed_queue.dlq_url
    }
    "invoices-stream-publisher" = {
      service = "invoices", queue = null
      dlq     = module.invoices_publisher.dlq_name, dlq_url = module.invoices_publisher.dlq_url
    }
    "notifications-email" = {
      service = "notifications", queue = module.notifications_email_queue.queue_name
      dlq     = module.notifications_email_queue.dlq_name, dlq_url = module.notifications_email_queue.dlq_url
    }
    "notifications-email-invoices" = {
      service = "notifications", queue = module.notifications_email_invoices_queue.queue_name
      dlq     = module.notifications_email_invoices_queue.dlq_name, dlq_url = module.notifications_email_invoices_queue.dlq_url
    }
    "websocket-push" = {
      service = "notifications", queue = module.websocket_push_orders_queue.queue_name
      dlq     = module.websocket_push_orders_queue.dlq_name, dlq_url = module.websocket_push_orders_queue.dlq_url
    }
    "websocket-push-invoices" = {
      service = "notifications", queue = module.websocket_push_invoices_queue.queue_name
      dlq     = module.websocket_push_invoices_queue.dlq_name, dlq_url = module.websocket_push_invoices_queue.dlq_url
    }
    "invoice-import-processor" = {
      service = "notifications", queue = aws_sqs_queue.invoice_imports.name
      dlq     = module.invoice_imports_dlq.name, dlq_url = module.invoice_imports_dlq.url
    }
  }
}
