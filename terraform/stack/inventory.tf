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
    "invoice-import-requests"    = { service = "invoices", name = module.invoice_import_requests.function_name }
    "invoice-import-processor"   = { service = "invoices", name = module.invoice_import_processor.function_name }
    "invoice-import-sweeper"     = { service = "invoices", name = module.invoice_import_sweeper.function_name }
    "notifications-email"        = { service = "notifications", name = module.notifications_email.function_name }
    "websocket-authorizer"       = { service = "realtime", name = module.websocket_authorizer.function_name }
    "websocket-connections"      = { service = "realtime", name = module.websocket_connections.function_name }
    "websocket-push"             = { service = "realtime", name = module.websocket_push.function_name }
    "websocket-session-sweeper"  = { service = "realtime", name = module.websocket_session_sweeper.function_name }
    "identity-post-confirmation" = { service = "identity", name = module.identity_post_confirmation.function_name }
  }

  # Consumer (its function's role; a second queue of the same function gets a suffix) =>
  # its service, the queue it reads (null for a stream publisher, which reads its table's
  # stream) and the dead-letter queue where its failed and contract-violating messages land.
  consumer_queues = merge(
    {
      for consumer, entry in {
        "products-stock-consumer"      = { service = "products", queues = module.products_stock_consumer.queues["order_events"] }
        "orders-projection-consumer"   = { service = "orders", queues = module.orders_projection_consumer.queues["product_events"] }
        "orders-stock-consumer"        = { service = "orders", queues = module.orders_stock_consumer.queues["stock_results"] }
        "invoices-generator"           = { service = "invoices", queues = module.invoices_generator.queues["order_confirmed"] }
        "notifications-email"          = { service = "notifications", queues = module.notifications_email.queues["order_events"] }
        "notifications-email-invoices" = { service = "notifications", queues = module.notifications_email.queues["invoice_events"] }
        "websocket-push"               = { service = "realtime", queues = module.websocket_push.queues["order_events"] }
        "websocket-push-invoices"      = { service = "realtime", queues = module.websocket_push.queues["invoice_events"] }
        } : consumer => {
        service = entry.service, queue = entry.queues.queue_name, dlq = entry.queues.dlq_name, dlq_url = entry.queues.dlq_url
      }
    },
    {
      for consumer, entry in {
        "products-stream-publisher" = { service = "products", publisher = module.products_publisher }
        "orders-stream-publisher"   = { service = "orders", publisher = module.orders_publisher }
        "invoices-stream-publisher" = { service = "invoices", publisher = module.invoices_publisher }
        } : consumer => {
        service = entry.service, queue = null, dlq = entry.publisher.dlq_name, dlq_url = entry.publisher.dlq_url
      }
    },
    {
      "invoice-import-processor" = {
        service = "invoices", queue = aws_sqs_queue.invoice_imports.name
        dlq     = module.invoice_imports_dlq.name, dlq_url = module.invoice_imports_dlq.url
      }
    },
  )
}
