"""Which mail each event means, and what it says (plain Python, no AWS)."""

from __future__ import annotations

import re

import pytest

from notifications.messages import (
    PDF,
    Settings,
    StoredFile,
    describe_reason,
    email_for,
)
from shared.events.envelope import build_event
from tests.unit.notifications.conftest import invoice_generated, order_rejected, reason

SETTINGS = Settings(
    shop_name="Example <Shop> & Co",
    invoice_url_template="https://shop.example.com/invoices/$invoiceId?order=$orderId",
)


def test_an_invoiced_order_sends_the_confirmation_with_the_invoice() -> None:
    event = invoice_generated()
    data = event["data"]
    email = email_for(event, SETTINGS)

    assert email is not None
    assert email.to == "ada@example.com"
    assert email.content.subject == "Order confirmed - invoice INV-2026-000042"
    link = f"https://shop.example.com/invoices/{data['invoiceId']}?order={data['orderId']}"
    for part in (email.content.text, email.content.html):
        assert data["orderId"] in part
        assert "INV-2026-000042" in part
        assert "3,876.00 EUR" in part
        assert "646.00 EUR" in part
        assert "2026-03-14" in part
    assert link in email.content.text
    assert (
        f'href="{link.replace("&", "&amp;")}"' in email.content.html or link in email.content.html
    )
    assert "Example <Shop> & Co" in email.content.text
    assert "Example &lt;Shop&gt; &amp; Co" in email.content.html
    assert "<Shop>" not in email.content.html


def test_the_confirmation_attaches_the_invoice_pdf_named_after_its_number() -> None:
    event = invoice_generated()
    email = email_for(event, SETTINGS)

    assert email is not None
    assert email.attachments == (
        StoredFile(event["data"]["bucket"], event["data"]["key"], "INV-2026-000042.pdf", PDF),
    )
    assert "attached to this e-mail as a PDF" in email.content.text
    assert ">view your invoice in your account</a>" in email.content.html


def test_a_rejection_attaches_nothing() -> None:
    email = email_for(order_rejected(reason()), SETTINGS)
    assert email is not None
    assert email.attachments == ()


def test_reasons_name_the_product_and_fall_back_to_its_id() -> None:
    named = reason(requested=2, available=1, name="Blue <mug> & saucer")
    assert describe_reason(named) == (
        "you asked for 2 of \u201cBlue <mug> & saucer\u201d, but only 1 is in stock"
    )
    gone = reason("UNKNOWN_PRODUCT", 1, 0, name="Earl Grey")
    assert describe_reason(gone) == "\u201cEarl Grey\u201d is no longer sold"
    unnamed = reason("UNKNOWN_PRODUCT", 1, 0)
    assert describe_reason(unnamed) == f"product {unnamed['productId']} is no longer sold"

    email = email_for(order_rejected(named), SETTINGS)
    assert email is not None
    assert "Blue &lt;mug&gt; &amp; saucer" in email.content.html
    assert "<mug>" not in email.content.html


def test_a_rejected_order_sends_the_reasons() -> None:
    event = order_rejected(reason(requested=3, available=1), reason("UNKNOWN_PRODUCT", 1, 0))
    email = email_for(event, SETTINGS)

    assert email is not None
    assert email.content.subject == "We could not accept your order"
    first, second = (r["productId"] for r in event["data"]["reasons"])
    text, html = email.content.text, email.content.html
    assert f"- you asked for 3 of product {first}, but only 1 is in stock" in text
    assert f"- product {second} is no longer sold" in text
    assert html.count("<li>") == 2
    assert event["data"]["orderId"] in html


def test_an_order_confirmation_alone_sends_nothing() -> None:
    confirmed = build_event(service="orders", name="OrderConfirmed", subject="o", data={})
    assert email_for(confirmed, SETTINGS) is None


def test_no_placeholder_is_left_unfilled() -> None:
    for event in (invoice_generated(), order_rejected(reason())):
        email = email_for(event, SETTINGS)
        assert email is not None
        for part in (email.content.subject, email.content.text, email.content.html):
            assert not re.search(r"\$\w", part)


@pytest.mark.parametrize(
    ("available", "text"),
    [(0, "but none is in stock"), (1, "but only 1 is in stock"), (2, "but only 2 are in stock")],
)
def test_stock_shortages_read_naturally(available: int, text: str) -> None:
    assert describe_reason(reason(requested=5, available=available)).endswith(text)
