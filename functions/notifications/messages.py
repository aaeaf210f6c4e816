"""Which e-mail an event means, in plain Python (no AWS): one e-mail per order outcome.

- ``InvoiceGenerated``: the order is confirmed and invoiced -> "order confirmed", with the
  invoice number, tax, total, the invoice PDF attached (read from where the event says it
  is) and a link to the invoice in the customer's account;
- ``OrderRejected``: -> "we could not accept your order", with the reasons, each naming
  its product (``productName``, OrderRejected v1.1; the id for events from before it);
- ``OrderConfirmed``: no e-mail. Every confirmed order is invoiced, and the confirmation
  waits for the invoice so that the customer gets one mail carrying everything. (A
  confirmation whose invoice fails sits in the invoices DLQ, which alarms; redriving it
  sends the mail.) The subscription stays for the WebSocket pushes to come.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template
from typing import Any

from notifications.templating import RenderedEmail, render
from shared.events.envelope import Event, event_type
from shared.money import Money

INVOICE_GENERATED = event_type("invoices", "InvoiceGenerated")
ORDER_CONFIRMED = event_type("orders", "OrderConfirmed")
ORDER_REJECTED = event_type("orders", "OrderRejected")


@dataclass(frozen=True)
class Settings:
    shop_name: str
    invoice_url_template: str
    """``string.Template`` of the invoice link, with ``$invoiceId`` and ``$orderId``."""


PDF = "application/pdf"


@dataclass(frozen=True)
class StoredFile:
    """A file in S3 that a mail carries as an attachment named ``filename``."""

    bucket: str
    key: str
    filename: str
    content_type: str


@dataclass(frozen=True)
class Email:
    to: str
    content: RenderedEmail
    reference: str
    """What the mail is about (order id), for logs."""
    attachments: tuple[StoredFile, ...] = ()


def describe_reason(reason: Mapping[str, Any]) -> str:
    """One reason as a sentence, naming the product (by id for events before v1.1)."""
    name = reason.get("productName")
    product = f"\u201c{name}\u201d" if name else f"product {reason['productId']}"
    if reason["code"] == "UNKNOWN_PRODUCT":
        return f"{product} is no longer sold"
    available = reason["available"]
    stock = "none is" if available == 0 else f"only {available} {'is' if available == 1 else 'are'}"
    return f"you asked for {reason['requested']} of {product}, but {stock} in stock"


def email_for(event: Event, settings: Settings) -> Email | None:
    """The e-mail ``event`` sends (None: this event sends none)."""
    data = event["data"]
    if event["type"] == INVOICE_GENERATED:
        invoice_pdf = StoredFile(data["bucket"], data["key"], f"{data['invoiceNumber']}.pdf", PDF)
        return Email(
            data["customerEmail"],
            order_confirmed(data, settings),
            data["orderId"],
            attachments=(invoice_pdf,),
        )
    if event["type"] == ORDER_REJECTED:
        return Email(data["customerEmail"], order_rejected(data, settings), data["orderId"])
    return None


def order_confirmed(data: Mapping[str, Any], settings: Settings) -> RenderedEmail:
    link = Template(settings.invoice_url_template).substitute(
        invoiceId=data["invoiceId"], orderId=data["orderId"]
    )
    return render(
        "order_confirmed",
        {
            "order_id": data["orderId"],
            "invoice_number": data["invoiceNumber"],
            "issued_on": data["issuedAt"][:10],
            "tax": str(Money.from_json(data["tax"])),
            "total": str(Money.from_json(data["total"])),
            "invoice_url": link,
            "shop_name": settings.shop_name,
        },
    )


def order_rejected(data: Mapping[str, Any], settings: Settings) -> RenderedEmail:
    reasons = [describe_reason(reason) for reason in data["reasons"]]
    return render(
        "order_rejected",
        {
            "order_id": data["orderId"],
            "reasons": "\n".join(f"- {reason}" for reason in reasons),
            "shop_name": settings.shop_name,
        },
        html_fragments={
            "reasons": "\n".join(f"    <li>{html.escape(reason)}</li>" for reason in reasons)
        },
    )
