# One CloudWatch dashboard for the stack: a row per service, each with its front door
# (REST routes, the WebSocket API for realtime, Cognito for identity; none for e-mail), its functions, its queues and dead-letter
# queues, and the business metrics it emits through EMF (Powertools Metrics: namespace
# Ecommerce, dimension service).
#
# The functions and queues come from inventory.tf (local.functions,
# local.consumer_queues): a new one shows on its service's row without an edit here.
# Rows follow dashboard_services; a service found only in inventory.tf gets a row after
# them (REST widgets when it serves local.rest_routes, no business metrics).
#
# Widgets are JSON-encoded one by one: REST and WebSocket widgets differ in shape, which
# HCL's type system would refuse to mix in one list.

locals {
  metrics_namespace = local.powertools_environment.POWERTOOLS_METRICS_NAMESPACE
  region            = data.aws_region.current.name

  # What the inventory does not say about a service: its row title, its front door
  # ("rest": its routes in local.rest_routes; "websocket"; "cognito"; "none") and the
  # business metrics its code emits.
  dashboard_services = [
    {
      service          = "products", title = "Products", front_door = "rest"
      business_metrics = ["StockReserved", "StockFailed", "StockReleased", "EventsPublished", "ContractViolations", "DuplicateEvents"]
    },
    {
      service          = "orders", title = "Orders", front_door = "rest"
      business_metrics = ["OrdersPlaced", "OrdersConfirmed", "OrdersRejected", "OrdersCancelled", "ProductsProjected", "EventsPublished", "ContractViolations"]
    },
    {
      service = "invoices", title = "Invoices", front_door = "rest"
      business_metrics = [
        "InvoicesIssued", "InvoiceImportsOpened", "InvoiceImportsProcessed", "InvoiceImportsInvalid",
        "InvoiceImportsTimedOut", "EventsPublished", "ContractViolations", "DuplicateEvents",
      ]
    },
    {
      service          = "notifications", title = "Notifications (e-mail)", front_door = "none"
      business_metrics = ["EmailsSent", "ContractViolations", "DuplicateEvents"]
    },
    {
      service = "realtime", title = "Realtime (WebSocket)", front_door = "websocket"
      business_metrics = [
        "PushesSent", "PushesFailed", "WebSocketConnects", "WebSocketConnectionsRefused",
        "WebSocketSessionsExpired", "ContractViolations", "DuplicateEvents",
      ]
    },
    {
      service          = "identity", title = "Identity", front_door = "cognito"
      business_metrics = ["CustomersRegistered"]
    },
  ]

  inventory_services = distinct(concat(
    [for function in values(local.functions) : function.service],
    [for queues in values(local.consumer_queues) : queues.service],
  ))
  dashboard_rows = [
    for row in concat(local.dashboard_services, [
      for service in sort(local.inventory_services) : {
        service          = service, title = title(replace(service, "-", " "))
        front_door       = contains(keys(local.rest_routes_by_service), service) ? "rest" : "none"
        business_metrics = []
      } if !contains(local.dashboard_services[*].service, service)
      ]) : merge(row, {
      functions = [for role, function in local.functions : { role = role, name = function.name } if function.service == row.service]
      # Queues first, then dead-letter queues (which should stay at 0).
      queues = concat(
        [for queues in values(local.consumer_queues) : queues.queue if queues.service == row.service && queues.queue != null],
        [for queues in values(local.consumer_queues) : queues.dlq if queues.service == row.service],
      )
    })
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
  front_door_widgets = { websocket = local.websocket_widgets, cognito = local.cognito_widgets }

  service_widgets = [
    for index, row in local.dashboard_rows : concat(
      [jsonencode({
        type       = "text", x = 0, y = index * local.row_height, width = 24, height = 1
        properties = { markdown = "## ${row.title}" }
      })],
      [
        for widget in(row.front_door == "rest"
          ? lookup(local.rest_widgets, row.service, [])
        : lookup(local.front_door_widgets, row.front_door, [])) :
        jsonencode(merge(jsondecode(widget), { y = index * local.row_height + 1 }))
      ],
      [
        for column, widget in [
          {
            title = "Invocations, errors, throttles", stat = "Sum"
            metrics = [
              for pair in setproduct(row.functions, ["Invocations", "Errors", "Throttles"]) :
              ["AWS/Lambda", pair[1], "FunctionName", pair[0].name, { label = "${pair[0].role} ${pair[1]}" }]
            ]
          },
          {
            title = "Duration p99 (ms)", stat = "p99"
            metrics = [
              for function in row.functions :
              ["AWS/Lambda", "Duration", "FunctionName", function.name, { label = function.role }]
            ]
          },
          {
            title = "Queue depth (dead-letter queues should stay at 0)", stat = "Maximum"
            metrics = [
              for queue in row.queues :
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
