# One CloudWatch dashboard for the stack: a row per service, each with its front door
# (REST routes, the WebSocket API for realtime, Cognito for identity; none for e-mail), its functions, its queues and
# dead-letter queues, and the business metrics it emits through EMF (Powertools Metrics:
# namespace Ecommerce, dimension service).
#
# Widgets are JSON-encoded one by one: REST and WebSocket widgets differ in shape, which
# HCL's type system would refuse to mix in one list.

locals {
  metrics_namespace = local.powertools_environment.POWERTOOLS_METRICS_NAMESPACE
  region            = data.aws_region.current.name

  dashboard_services = [
    {
      title     = "Products"
      service   = "products"
      functions = ["products-api", "products-stream-publisher", "products-stock-consumer"]
      queues    = [module.products_stock_queue.queue_name]
      dead_letter_queues = [
        module.products_stock_queue.dlq_name,
        module.products_publisher.dlq_name,
      ]
      business_metrics = ["StockReserved", "StockFailed", "StockReleased", "EventsPublished", "ContractViolations", "DuplicateEvents"]
    },
    {
      title   = "Orders"
      service = "orders"
      functions = [
        "orders-api", "orders-stream-publisher", "orders-projection-consumer", "orders-stock-consumer",
      ]
      queues = [module.orders_product_projection_queue.queue_name, module.orders_stock_results_queue.queue_name]
      dead_letter_queues = [
        module.orders_product_projection_queue.dlq_name,
        module.orders_stock_results_queue.dlq_name,
        module.orders_publisher.dlq_name,
      ]
      business_metrics = ["OrdersPlaced", "OrdersConfirmed", "OrdersRejected", "OrdersCancelled", "ProductsProjected", "EventsPublished", "ContractViolations"]
    },
    {
      title   = "Invoices"
      service = "invoices"
      functions = [
        "invoices-api", "invoices-generator", "invoices-stream-publisher",
        "invoice-import-requests", "invoice-import-processor", "invoice-import-sweeper",
      ]
      queues = [module.invoices_order_confirmed_queue.queue_name, aws_sqs_queue.invoice_imports.name]
      dead_letter_queues = [
        module.invoices_order_confirmed_queue.dlq_name,
        module.invoices_publisher.dlq_name,
        module.invoice_imports_dlq.name,
      ]
      business_metrics = [
        "InvoicesIssued", "InvoiceImportsOpened", "InvoiceImportsProcessed", "InvoiceImportsInvalid",
        "InvoiceImportsTimedOut", "EventsPublished", "ContractViolations", "DuplicateEvents",
      ]
    },
    {
      title     = "Notifications (e-mail)"
      service   = "notifications"
      functions = ["notifications-email"]
      queues = [
        module.notifications_email_queue.queue_name,
        module.notifications_email_invoices_queue.queue_name,
      ]
      dead_letter_queues = [
        module.notifications_email_queue.dlq_name,
        module.notifications_email_invoices_queue.dlq_name,
      ]
      business_metrics = ["EmailsSent", "ContractViolations", "DuplicateEvents"]
    },
    {
      title   = "Realtime (WebSocket)"
      service = "realtime"
      functions = [
        "websocket-authorizer", "websocket-connections", "websocket-push", "websocket-session-sweeper",
      ]
      queues = [
        module.websocket_push_orders_queue.queue_name,
        module.websocket_push_invoices_queue.queue_name,
      ]
      dead_letter_queues = [
        module.websocket_push_orders_queue.dlq_name,
        module.websocket_push_invoices_queue.dlq_name,
      ]
      business_metrics = [
        "PushesSent", "PushesFailed", "WebSocketConnects", "WebSocketConnectionsRefused",
        "WebSocketSessionsExpired", "ContractViolations", "DuplicateEvents",
      ]
    },
    {
      title              = "Identity"
      service            = "identity"
      functions          = ["identity-post-confirmation"]
      queues             = []
      dead_letter_queues = []
      business_metrics   = ["CustomersRegistered"]
    },
  ]

  # Each service row: a title line, the front door (3 widgets, 8 wide), then functions,
  # durations, queues and business metrics (4 widgets, 6 wide).
  row_height = 13

  rest_routes_by_service = {
    for service in distinct([for route in values(local.rest_routes) : route.function]) : service => [
      for key, route in local.rest_routes : {
        method   = split(" ", key)[0]
        resource = split(" ", key)[1]
      } if route.function == service
    ]
  }

  # [title, metric, statistic] of the three front-door widgets.
  rest_widget_specs = [
    ["REST requests", "Count", "Sum"],
    ["REST latency p99 (ms)", "Latency", "p99"],
    ["REST 5XX errors", "5XXError", "Sum"],
  ]
  rest_widgets = {
    for service, routes in local.rest_routes_by_service : service => [
      for index, spec in local.rest_widget_specs : jsonencode({
        type = "metric", x = index * 8, width = 8, height = 6
        properties = {
          title = spec[0], region = local.region, view = "timeSeries", period = 60, stat = spec[2]
          metrics = [
            for route in routes : [
              "AWS/ApiGateway", spec[1], "ApiName", local.rest_api_name, "Method", route.method,
              "Resource", route.resource, "Stage", module.rest_api.stage_name,
              { label = "${route.method} ${route.resource}" },
            ]
          ]
        }
      })
    ]
  }

  websocket_dimensions = ["ApiId", module.websocket_api.api_id, "Stage", module.websocket_api.stage_name]
  websocket_widget_specs = [
    ["WebSocket connections and messages", "Sum", ["ConnectCount", "MessageCount"]],
    ["WebSocket integration latency p99 (ms)", "p99", ["IntegrationLatency"]],
    ["WebSocket errors", "Sum", ["IntegrationError", "ExecutionError", "ClientError"]],
  ]
  websocket_widgets = [
    for index, spec in local.websocket_widget_specs : jsonencode({
      type = "metric", x = index * 8, width = 8, height = 6
      properties = {
        title = spec[0], region = local.region, view = "timeSeries", period = 60, stat = spec[1]
        metrics = [
          for metric in spec[2] : concat(["AWS/ApiGateway", metric], local.websocket_dimensions)
        ]
      }
    })
  ]

  # Identity's front door is Cognito itself: sign-ups and sign-ins of the pool's client.
  cognito_dimensions = ["UserPool", module.users.user_pool_id, "UserPoolClient", module.users.client_id]
  cognito_widget_specs = [
    ["Sign-ups", ["SignUpSuccesses"]],
    ["Sign-ins and token refreshes", ["SignInSuccesses", "TokenRefreshSuccesses"]],
    ["Cognito throttles", ["SignUpThrottles", "SignInThrottles", "TokenRefreshThrottles"]],
  ]
  cognito_widgets = [
    for index, spec in local.cognito_widget_specs : jsonencode({
      type = "metric", x = index * 8, width = 8, height = 6
      properties = {
        title = spec[0], region = local.region, view = "timeSeries", period = 60, stat = "Sum"
        metrics = [
          for metric in spec[1] : concat(["AWS/Cognito", metric], local.cognito_dimensions)
        ]
      }
    })
  ]
  # A service without a front door here (e-mail: notifications) starts its row with its functions.
  front_door_widgets = merge(local.rest_widgets, {
    identity = local.cognito_widgets
    realtime = local.websocket_widgets
  })

  service_widgets = [
    for index, row in local.dashboard_services : concat(
      [jsonencode({
        type       = "text", x = 0, y = index * local.row_height, width = 24, height = 1
        properties = { markdown = "## ${row.title}" }
      })],
      [
        for widget in lookup(local.front_door_widgets, row.service, []) :
        jsonencode(merge(jsondecode(widget), { y = index * local.row_height + 1 }))
      ],
      [
        for column, widget in [
          {
            title = "Invocations, errors, throttles", stat = "Sum"
            metrics = [
              for pair in setproduct(row.functions, ["Invocations", "Errors", "Throttles"]) :
              ["AWS/Lambda", pair[1], "FunctionName", "${var.name_prefix}-${pair[0]}", { label = "${pair[0]} ${pair[1]}" }]
            ]
          },
          {
            title = "Duration p99 (ms)", stat = "p99"
            metrics = [
              for role in row.functions :
              ["AWS/Lambda", "Duration", "FunctionName", "${var.name_prefix}-${role}", { label = role }]
            ]
          },
          {
            title = "Queue depth (dead-letter queues should stay at 0)", stat = "Maximum"
            metrics = [
              for queue in concat(row.queues, row.dead_letter_queues) :
              ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, { label = trimprefix(queue, "${var.name_prefix}-") }]
            ]
          },
          {
            title = "Business metrics (EMF)", stat = "Sum"
            metrics = [
              for metric in row.business_metrics :
              [local.metrics_namespace, metric, "service", row.service]
            ]
          },
          ] : jsonencode({
            type = "metric", x = column * 6, y = index * local.row_height + 7, width = 6, height = 6
            properties = {
              title = widget.title, region = local.region, view = "timeSeries", period = 60
              stat  = widget.stat, metrics = widget.metrics
            }
        }) if length(widget.metrics) > 0 # a service without queues gets no queue widget
      ],
    )
  ]

  dashboard_body = "{\"widgets\":[${join(",", flatten(local.service_widgets))}]}"
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name_prefix
  dashboard_body = local.dashboard_body
}
