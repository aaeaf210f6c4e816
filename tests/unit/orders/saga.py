"""Builders of the product events the orders consumers receive (validated, as on the wire)."""

from __future__ import annotations

import uuid
from typing import Any

from shared.contracts import validate_event
from shared.events.envelope import build_event


def product_event(event: str, product_id: str, version: int, **overrides: Any) -> dict[str, Any]:
    """A product event of ``product_id`` at ``version``; ``overrides`` replace data fields."""
    if event == "ProductDeleted":
        data: dict[str, Any] = {
            "productId": product_id,
            "sku": overrides.get("sku", "MUG-1"),
            "version": version,
            "deletedAt": "2025-03-14T10:00:00.000Z",
        }
    else:
        data = {
            "productId": product_id,
            "sku": "MUG-1",
            "name": "Blue mug",
            "price": {"amount": 1290, "currency": "EUR"},
            "stock": 10,
            "version": version,
            "createdAt": "2025-03-14T09:00:00.000Z",
            "updatedAt": f"2025-03-14T09:{version:02d}:00.000Z",
            **({"changes": ["price"]} if event == "ProductUpdated" else {}),
            **overrides,
        }
    return validate_event(
        build_event(service="products", name=event, subject=product_id, data=data)
    )


def stock_reserved(order: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    data = {
        "orderId": order["id"],
        "lines": [
            {"productId": line["productId"], "quantity": line["quantity"]}
            for line in order["lines"]
        ],
        "reservedAt": "2025-03-14T09:30:00.000Z",
    }
    return validate_event(
        build_event(
            service="products",
            name="StockReserved",
            subject=order["id"],
            data=data,
            event_id=event_id or str(uuid.uuid4()),
            correlation_id="flow-stock",
        )
    )


def stock_failed(order: dict[str, Any], available: int = 0) -> dict[str, Any]:
    line = order["lines"][0]
    data = {
        "orderId": order["id"],
        "reasons": [
            {
                "productId": line["productId"],
                "code": "INSUFFICIENT_STOCK",
                "requested": line["quantity"],
                "available": available,
            }
        ],
        "failedAt": "2025-03-14T09:30:00.000Z",
    }
    return validate_event(
        build_event(
            service="products",
            name="StockReservationFailed",
            subject=order["id"],
            data=data,
            correlation_id="flow-stock",
        )
    )
