"""The messages realtime sends to clients (schemas in ``schemas/websocket/``).

Pushes: ``order.status`` (an order's saga moved), ``invoice.generated`` (to every
connection of the customer), ``import.status`` (an invoice import moved: to the connection
that asked for it). Replies: ``pong``, ``subscribed``, ``error``. Every message has
``type``. (The invoice import's direct replies, ``import.url`` and its errors, are the
invoices service's: ``invoices.import_requests``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.events.envelope import Event

ORDER_STATUSES = {
    "ecommerce.orders.OrderPlaced.v1": "PENDING",
    "ecommerce.orders.OrderConfirmed.v1": "CONFIRMED",
    "ecommerce.orders.OrderRejected.v1": "REJECTED",
    "ecommerce.orders.OrderCancelled.v1": "CANCELLED",
}
INVOICE_GENERATED = "ecommerce.invoices.InvoiceGenerated.v1"
IMPORT_STATUS_CHANGED = "ecommerce.invoices.InvoiceImportStatusChanged.v1"
PUSHED_EVENT_TYPES = frozenset({*ORDER_STATUSES, INVOICE_GENERATED, IMPORT_STATUS_CHANGED})


@dataclass(frozen=True)
class Push:
    """A message and who gets it: every connection of ``user_id``, or one connection."""

    message: dict[str, Any]
    user_id: str | None = None
    connection_id: str | None = None


def push_for(event: Event) -> Push | None:
    """The push an event stands for; None for an event nobody hears about."""
    data = event["data"]
    event_type = event["type"]
    if event_type == IMPORT_STATUS_CHANGED:
        status = import_status(
            data["transactionId"],
            data["status"],
            reasons=data.get("reasons", ()),
            invoice_id=data.get("invoiceId"),
        )
        return Push(status, connection_id=str(data["connectionId"]))
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
        return Push(message, user_id=str(data["customerId"]))
    if event_type == INVOICE_GENERATED:
        invoice_message = {
            "type": "invoice.generated",
            "invoiceId": data["invoiceId"],
            "orderId": data["orderId"],
            "number": data["invoiceNumber"],
            "total": data["total"],
            "eventId": event["id"],
            "occurredAt": event["time"],
        }
        return Push(invoice_message, user_id=str(data["customerId"]))
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


def error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}
