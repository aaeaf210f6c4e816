"""What the orders service announces: stream records of order items as events.

INSERT of an order -> OrderPlaced; MODIFY that changes its status -> OrderConfirmed,
OrderRejected or OrderCancelled. Projection, idempotency and deduplication items, and
changes that keep the status, announce nothing. The event id is derived from the stream
record's id (a retried record is announced with the same id); the correlation id is the
one stored on the item by the write (the API request's, or the consumed event's).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from orders.domain import SERVICE, Order, OrderStatus, RejectionReason
from orders.items import (
    address_document,
    correlation_id_of,
    is_order_item,
    line_document,
    order_from_item,
    reason_document,
)
from shared.events.envelope import Event, build_event

ORDER_PLACED = "OrderPlaced"
ORDER_CONFIRMED = "OrderConfirmed"
ORDER_REJECTED = "OrderRejected"
ORDER_CANCELLED = "OrderCancelled"

_EVENT_IDS = uuid.UUID("8f3e2c1a-6b7d-4e59-a1c4-0d2f9b8e7a63")
"""Namespace of the uuid5 event ids derived from stream record ids (never change it)."""


def event_id_for(stream_event_id: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, stream_event_id))


def placed_data(order: Order) -> dict[str, Any]:
    return {
        "orderId": order.id,
        "customerId": order.customer_id,
        "customerEmail": order.customer_email,
        "lines": [line_document(line) for line in order.lines],
        "total": order.total.to_json(),
        "shippingAddress": address_document(order.shipping_address),
        "placedAt": order.placed_at,
    }


def confirmed_data(order: Order) -> dict[str, Any]:
    return {**placed_data(order), "confirmedAt": order.confirmed_at or order.updated_at}


def rejected_data(order: Order) -> dict[str, Any]:
    """OrderRejected v1.1: each reason names its product as the order line did (products
    reports reasons by id only; a person reading the rejection needs the name)."""
    names = {line.product_id: line.name for line in order.lines}
    return {
        "orderId": order.id,
        "customerId": order.customer_id,
        "customerEmail": order.customer_email,
        "reasons": [named_reason(reason, names) for reason in order.rejection_reasons],
        "rejectedAt": order.rejected_at or order.updated_at,
    }


def named_reason(reason: RejectionReason, names: Mapping[str, str]) -> dict[str, Any]:
    """The reason as OrderRejected carries it: with ``productName`` when the order has a
    line of that product (always: products reports reasons for the order's lines only)."""
    document = reason_document(reason)
    if name := names.get(reason.product_id):
        document["productName"] = name
    return document


def cancelled_data(order: Order, previous: OrderStatus) -> dict[str, Any]:
    return {
        "orderId": order.id,
        "customerId": order.customer_id,
        "customerEmail": order.customer_email,
        "previousStatus": previous.value,
        "lines": [
            {"productId": line.product_id, "quantity": line.quantity} for line in order.lines
        ],
        "cancelledAt": order.cancelled_at or order.updated_at,
    }


def event_for_record(record: Mapping[str, Any]) -> Event | None:
    """The event a stream record announces (None when it announces nothing)."""
    change = record["dynamodb"]
    if not is_order_item(change["Keys"]):
        return None
    kind = record["eventName"]
    if kind == "REMOVE":
        return None  # orders are never deleted; nothing to announce if one is purged
    after = order_from_item(change["NewImage"])
    if kind == "INSERT":
        return _event(ORDER_PLACED, after, placed_data(after), at=after.placed_at, record=record)
    if kind != "MODIFY":
        raise ValueError(f"unknown stream event name {kind!r}")
    before = order_from_item(change["OldImage"])
    if before.status is after.status:
        return None
    if after.status is OrderStatus.CONFIRMED:
        data = confirmed_data(after)
        return _event(ORDER_CONFIRMED, after, data, at=data["confirmedAt"], record=record)
    if after.status is OrderStatus.REJECTED:
        data = rejected_data(after)
        return _event(ORDER_REJECTED, after, data, at=data["rejectedAt"], record=record)
    if after.status is OrderStatus.CANCELLED:
        data = cancelled_data(after, before.status)
        return _event(ORDER_CANCELLED, after, data, at=data["cancelledAt"], record=record)
    return None


def _event(
    name: str, order: Order, data: dict[str, Any], *, at: str, record: Mapping[str, Any]
) -> Event:
    event_id = event_id_for(record["eventID"])
    return build_event(
        service=SERVICE,
        name=name,
        subject=order.id,
        data=data,
        event_id=event_id,
        time=at,
        correlation_id=correlation_id_of(record["dynamodb"]["NewImage"]) or event_id,
    )
