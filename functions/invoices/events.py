"""What invoicing announces: an invoice item becoming ``ISSUED`` in the table's stream is
``InvoiceGenerated``; every write of an invoice import transaction after its opening (a
status change, or a late upload noted on a cancelled or timed-out one) is
``InvoiceImportStatusChanged``. Every other change (the order guard, the number counter,
a ``PENDING`` invoice, an imported invoice, an import opened) announces nothing.

``InvoiceGenerated``'s id is derived from the invoice id: an invoice is generated once, so
a replayed stream record, or any other record of the same invoice, carries the same id and the
consumers drop the duplicate. The correlation id is the one of the ``OrderConfirmed`` the
invoice answers, which is also its causation id. ``InvoiceImportStatusChanged``'s id is
derived from the transaction id and the item's ``revision`` (one per write), its
correlation id is the ``getImportUrl`` request's; it names the connection that asked
(``connectionId``) and the admin (``adminId``), where realtime delivers it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from invoices.domain import SERVICE, Invoice, InvoiceStatus
from invoices.import_transactions import (
    ImportStatus,
    ImportTransaction,
    is_import_item,
    transaction_from_item,
)
from invoices.repository import invoice_from_item, is_invoice_item
from shared.events.envelope import Event, build_event

INVOICE_GENERATED = "InvoiceGenerated"
IMPORT_STATUS_CHANGED = "InvoiceImportStatusChanged"

_EVENT_IDS = uuid.UUID("0d6f3a1e-9b7c-4c55-8a2e-6f1d0b3c9e47")
"""Namespace of the uuid5 event ids derived from invoice ids (never change it)."""


def event_id_for(invoice_id: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{INVOICE_GENERATED}:{invoice_id}"))


def import_event_id_for(transaction_id: str, revision: int) -> str:
    return str(uuid.uuid5(_EVENT_IDS, f"{IMPORT_STATUS_CHANGED}:{transaction_id}:{revision}"))


def import_status_changed(transaction: ImportTransaction) -> Event:
    data: dict[str, Any] = {
        "transactionId": transaction.transaction_id,
        "status": transaction.status.value,
        "connectionId": transaction.connection_id,
        "adminId": transaction.admin_id,
    }
    if transaction.reasons:
        data["reasons"] = list(transaction.reasons)
    if transaction.invoice_id:
        data["invoiceId"] = transaction.invoice_id
    event_id = import_event_id_for(transaction.transaction_id, transaction.revision)
    return build_event(
        service=SERVICE,
        name=IMPORT_STATUS_CHANGED,
        subject=transaction.transaction_id,
        data=data,
        event_id=event_id,
        correlation_id=transaction.correlation_id or transaction.transaction_id,
    )


def _revision(image: Mapping[str, Any] | None) -> int:
    return int((image or {}).get("revision", {}).get("N", "0"))


def _import_event(change: Mapping[str, Any]) -> Event | None:
    new_image, old_image = change.get("NewImage"), change.get("OldImage")
    if new_image is None or new_image.get("status", {}).get("S") == ImportStatus.PENDING.value:
        return None
    if old_image is not None and _revision(old_image) >= _revision(new_image):
        return None
    return import_status_changed(transaction_from_item(new_image))


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
    if is_import_item(change["Keys"]):
        return _import_event(change)
    if not is_invoice_item(change["Keys"]):
        return None
    new_image, old_image = change.get("NewImage"), change.get("OldImage")
    if new_image is None or not _issued(new_image) or _issued(old_image):
        return None
    return invoice_generated(invoice_from_item(new_image))
