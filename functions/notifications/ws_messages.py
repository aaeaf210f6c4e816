"""The messages the WebSocket API sends to clients (schemas in ``schemas/websocket/``).

Pushes: ``order.status`` (an order's saga moved), ``invoice.generated``, ``import.status``.
Replies: ``pong``, ``subscribed``, ``import.url``, ``error``. Every message has ``type``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.events.envelope import Event

ORDER_STATUSES = {
    "ecommerce.orders.OrderPlaced.v1": "PENDING",
    "ecommerce.orders.OrderConfirmed.v1": "CONFIRMED",
    "ecommerce.orders.OrderRejected.v1": "REJECTED",
    "ecommerce.orders.OrderCancelled.v1": "CANCELLED",
}
INVOICE_GENERATED = "ecommerce.invoices.InvoiceGenerated.v1"
PUSHED_EVENT_TYPES = frozenset({*ORDER_STATUSES, INVOICE_GENERATED})


def push_for(event: Event) -> tuple[str, dict[str, Any]] | None:
    """(customer id, message) for an event a customer hears about; None otherwise."""
    data = event["data"]
    event_type = event["type"]
    if event_type in ORDER_STATUSES:
        message: dict[str, Any] = {
            "type": "order.status",
            "orderId": data["orderId"],
            "status": ORDER_STATUSES[event_type],
            "eventId": event["id"],
            "occurredAt": event["time"],
        }
        if "total" in data:
            message["total"] = data["total"]
        if "reasons" in data:
            message["reasons"] = data["reasons"]
        return str(data["customerId"]), message
    if event_type == INVOICE_GENERATED:
        return str(data["customerId"]), {
            "type": "invoice.generated",
            "invoiceId": data["invoiceId"],
            "orderId": data["orderId"],
            "number": data["invoiceNumber"],
            "total": data["total"],
            "eventId": event["id"],
            "occurredAt": event["time"],
        }
    return None


def import_status(
    transaction_id: str,
    status: str,
    *,
    reasons: Sequence[dict[str, str]] = (),
    invoice_id: str | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "import.status",
        "transactionId": transaction_id,
        "status": status,
    }
    if reasons:
        message["reasons"] = list(reasons)
    if invoice_id:
        message["invoiceId"] = invoice_id
    return message


def import_url(
    transaction_id: str, url: str, fields: dict[str, str], key: str, expires_at: int
) -> dict[str, Any]:
    """A presigned POST: send ``fields`` then the file as multipart/form-data to ``uploadUrl``."""
    return {
        "type": "import.url",
        "transactionId": transaction_id,
        "uploadUrl": url,
        "method": "POST",
        "fields": fields,
        "key": key,
        "expiresAt": expires_at,
    }


def error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}
