"""What invoicing announces: an invoice item becoming ``ISSUED`` in the table's stream is
``InvoiceGenerated``. Every other change (the order guard, the number counter, a
``PENDING`` invoice) announces nothing.

The event id is derived from the invoice id: an invoice is generated once, so a replayed
stream record, or any other record of the same invoice, carries the same id and the
consumers drop the duplicate. The correlation id is the one of the ``OrderConfirmed`` the
invoice answers, which is also its causation id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from invoices.domain import SERVICE, Invoice, InvoiceStatus
from invoices.repository import invoice_from_item, is_invoice_item
from shared.events.envelope import Event, build_event

INVOICE_GENERATED = "InvoiceGenerated"

_EVENT_IDS = uuid.UUID("0d6f3a1e-9b7c-4c55-8a2e-6f1d0b3c9e47")
"""Namespace of the uuid5 event ids derived from invoice ids (never change it)."""


def event_id_for(invoice_id: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{INVOICE_GENERATED}:{invoice_id}"))


def invoice_generated_data(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoiceId": invoice.id,
        "invoiceNumber": str(invoice.number),
        "orderId": invoice.order_id,
        "customerId": invoice.customer_id,
        "customerEmail": invoice.customer_email,
        "total": invoice.total.to_json(),
        "tax": invoice.tax.to_json(),
        "currency": invoice.currency,
        "bucket": invoice.bucket,
        "key": invoice.key,
        "issuedAt": invoice.issued_at,
    }


def invoice_generated(invoice: Invoice) -> Event:
    return build_event(
        service=SERVICE,
        name=INVOICE_GENERATED,
        subject=invoice.id,
        data=invoice_generated_data(invoice),
        event_id=event_id_for(invoice.id),
        correlation_id=invoice.correlation_id or event_id_for(invoice.id),
        causation_id=invoice.causation_id,
    )


def _issued(image: Mapping[str, Any] | None) -> bool:
    return image is not None and image.get("status", {}).get("S") == InvoiceStatus.ISSUED.value


def event_for_record(record: Mapping[str, Any]) -> Event | None:
    """The event a stream record announces (None when it announces nothing)."""
    change = record["dynamodb"]
    if not is_invoice_item(change["Keys"]):
        return None
    new_image, old_image = change.get("NewImage"), change.get("OldImage")
    if new_image is None or not _issued(new_image) or _issued(old_image):
        return None
    return invoice_generated(invoice_from_item(new_image))
