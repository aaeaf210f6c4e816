"""REST API of the orders (``orders.api.handler``, API Gateway REST proxy v1).

Every route needs a signed-in caller (401) in the ``customer`` or ``admin`` group (403),
checked before the body is validated (400). A customer sees and cancels only their own
orders: anyone else's is a 404, exactly like an id that does not exist.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response, content_types

from orders import idempotency
from orders.catalog import DynamoDBCatalog
from orders.domain import OrderStatus
from orders.payloads import canonical_order_request, new_order, order_json
from orders.repository import DynamoDBOrderRepository
from orders.service import OrderService
from shared import aws
from shared.auth import ADMIN, CUSTOMER
from shared.http import (
    authorize,
    current_principal,
    register_error_handlers,
    resolve,
    rest_resolver,
)
from shared.observability import current_correlation_id, lambda_handler, metrics
from shared.rest_requests import Body, Header, JsonObject, Path, Query

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "ORDERS_TABLE_NAME"
OrderId = Annotated[UUID, Path(alias="id")]
OrderBody = Annotated[JsonObject, Body("orders.models:OrderIn")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias=idempotency.HEADER, min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$"),
]

app = rest_resolver()
register_error_handlers(app)
SHOPPERS = (CUSTOMER, ADMIN)


@cache
def service() -> OrderService:
    table, client = os.environ[TABLE_ENV], aws.dynamodb()
    return OrderService(DynamoDBOrderRepository(table, client), DynamoDBCatalog(table, client))


def json_response(body: dict[str, Any], status: int = 200, **headers: str) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=headers or None,
    )


# An order goes to, and is announced at, a verified e-mail address only (403 otherwise).
ORDER = "orders.models:Order"
PLACE_ORDER = authorize(
    *SHOPPERS,
    success=201,
    errors=[409, 415, 422],
    verified_email=True,
    response=ORDER,
    response_headers={"Location": "the new order's URL"},
)
PLACE_ORDER["responses"][403] = {
    **PLACE_ORDER["responses"][403],
    "description": (
        "The caller is not a customer or admin, or their e-mail address is not verified "
        "(Forbidden: verify your e-mail address)"
    ),
}
PLACE_ORDER["responses"][409] = {
    **PLACE_ORDER["responses"][409],
    "description": (
        "ProductNotYetAvailable: a line names a product the orders service has not heard of "
        "yet (created a moment ago); retry the same request, with the same Idempotency-Key, "
        "after Retry-After seconds. RequestInProgress: a request with this Idempotency-Key is "
        "still running; retry it after Retry-After seconds"
    ),
    "headers": {
        "Retry-After": {
            "description": (
                "Seconds to wait before retrying (ProductNotYetAvailable, RequestInProgress)"
            ),
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


@app.post("/orders", **PLACE_ORDER)
def place_order(body: OrderBody, idempotency_key: IdempotencyKey = None) -> Response[Any]:
    customer = current_principal(app)

    def place() -> dict[str, Any]:
        order = service().place(customer, new_order(body), current_correlation_id())
        metrics.add_metric(name="OrdersPlaced", unit="Count", value=1)
        return order_json(order)

    if idempotency_key is None:
        order = place()
    else:
        order = idempotency.once_per_key(
            place,
            customer_id=customer.user_id,
            key=idempotency_key,
            body=canonical_order_request(body),
        )
    base_path = app.current_event.request_context.path or app.current_event.path
    return json_response(order, 201, Location=f"{base_path.rstrip('/')}/{order['id']}")


@app.get("/orders", **authorize(*SHOPPERS, response="orders.models:OrderPage"))
def list_orders(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    next_token: Annotated[str | None, Query(alias="nextToken", max_length=1024)] = None,
    status: Annotated[OrderStatus | None, Query()] = None,
) -> dict[str, Any]:
    page = service().list(current_principal(app), limit, next_token, status)
    return {"items": [order_json(o) for o in page.orders], "nextToken": page.next_token}


@app.get("/orders/<id>", **authorize(*SHOPPERS, errors=[404], response=ORDER))
def get_order(order_id: OrderId) -> dict[str, Any]:
    return order_json(service().get(current_principal(app), str(order_id)))


@app.delete("/orders/<id>", **authorize(*SHOPPERS, errors=[404, 409], response=ORDER))
def cancel_order(order_id: OrderId) -> dict[str, Any]:
    order = service().cancel(current_principal(app), str(order_id), current_correlation_id())
    metrics.add_metric(name="OrdersCancelled", unit="Count", value=1)
    return order_json(order)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return resolve(app, event, context)
