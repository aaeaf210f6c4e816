"""The REST API's validated request body as domain input, and orders as JSON.

Plain Python over the JSON object that already passed ``POST /orders``' generated
validator (its shape is ``orders.models.OrderIn``, pydantic; ``shared.rest_requests``), so
the function never loads pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from orders.domain import Order, RequestedLine, ShippingAddress
from orders.items import order_document
from orders.service import NewOrder


def new_order(body: Mapping[str, Any]) -> NewOrder:
    """``POST /orders`` (``OrderIn``)."""
    address = body["shippingAddress"]
    return NewOrder(
        lines=[
            RequestedLine(str(UUID(line["productId"])), line["quantity"]) for line in body["lines"]
        ],
        shipping_address=ShippingAddress(
            name=address["name"],
            line1=address["line1"],
            line2=address.get("line2") or None,
            postal_code=address["postalCode"],
            city=address["city"],
            country=address["country"],
        ),
    )


def canonical_order_request(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body as the idempotency check compares it: every field (an optional one left
    out as null), product ids in their canonical form; what pydantic's
    ``OrderIn.model_dump(mode="json")`` gave, so keys stored before keep matching."""
    address = body["shippingAddress"]
    return {
        "lines": [
            {"productId": str(UUID(line["productId"])), "quantity": line["quantity"]}
            for line in body["lines"]
        ],
        "shippingAddress": {
            "name": address["name"],
            "line1": address["line1"],
            "line2": address.get("line2"),
            "postalCode": address["postalCode"],
            "city": address["city"],
            "country": address["country"],
        },
    }


def order_json(order: Order) -> dict[str, Any]:
    return order_document(order)
