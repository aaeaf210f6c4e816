"""A confirmed order leads to one PDF invoice (downloadable) and one e-mail."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import sent_emails
from tests.e2e.saga import create_product, eventually, place_order, wait_for_final

pytestmark = pytest.mark.e2e


def invoice_of(api: Api, user: User, order_id: str) -> dict[str, Any] | None:
    response = api.request("GET", "/invoices", user, params={"orderId": order_id})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    return items[0] if items else None


def test_a_confirmed_order_gets_one_invoice_and_one_email(
    api: Api, admin: User, customer: User, endpoints: Endpoints
) -> None:
    product = create_product(api, admin, stock=10, amount=1999)
    order = place_order(api, customer, [(product["id"], 3)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"

    invoice = eventually(lambda: invoice_of(api, customer, order["id"]), timeout=60)
    assert invoice["orderId"] == order["id"]
    assert invoice["subtotal"] == {"amount": 5997, "currency": "EUR"}
    assert invoice["total"]["amount"] == invoice["subtotal"]["amount"] + invoice["tax"]["amount"]
    assert api.request("GET", f"/invoices/{invoice['id']}", customer).status_code == 200
    assert api.request("GET", f"/invoices/{invoice['id']}", admin).status_code == 200

    pdf = requests.get(invoice["downloadUrl"], timeout=30)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert invoice["number"] in text
    total = invoice["total"]["amount"]
    assert f"{total // 100:,}.{total % 100:02d}" in text

    mailbox = sent_emails(endpoints)
    if mailbox is None:
        return  # a real AWS stage: SES delivers, there is no mailbox to read
    mails = eventually(
        lambda: [
            m
            for m in (sent_emails(endpoints) or [])
            if customer.username in m.recipients and order["id"] in m.body
        ],
        timeout=60,
    )
    assert len(mails) == 1


def test_invoices_are_private_to_their_customer(
    api: Api, admin: User, customer: User, make_user: Any
) -> None:
    product = create_product(api, admin, stock=5)
    order = place_order(api, customer, [(product["id"], 1)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    invoice = eventually(lambda: invoice_of(api, customer, order["id"]), timeout=60)

    stranger = make_user("customer")
    assert api.request("GET", f"/invoices/{invoice['id']}", stranger).status_code == 404
    assert invoice_of(api, stranger, order["id"]) is None
    assert api.request("GET", f"/invoices/{invoice['id']}").status_code == 401


def test_the_invoice_prints_names_in_every_script_and_wraps_long_lines(
    api: Api, admin: User, customer: User
) -> None:
    """Latin with accents, Greek and Cyrillic print exactly; a long line wraps; a Chinese
    name prints as code points and is kept as given in the PDF's metadata."""
    name = "Łukasz Dvořák Şükrü"
    care_of = "c/o Σωκράτης Παπαδόπουλος and Фёдор Достоевский, " * 3 + "李小龍"
    address = {
        "name": name,
        "line1": care_of.strip(),
        "postalCode": "105 57",
        "city": "Αθήνα",
        "country": "GR",
    }
    product = create_product(api, admin, stock=10, amount=1999)
    order = place_order(api, customer, [(product["id"], 1)], shipping_address=address)
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    invoice = eventually(lambda: invoice_of(api, customer, order["id"]), timeout=60)

    pdf = requests.get(invoice["downloadUrl"], timeout=30)
    assert pdf.status_code == 200
    reader = PdfReader(io.BytesIO(pdf.content))
    lines = reader.pages[0].extract_text().split("\n")
    assert name in lines
    assert "105 57 Αθήνα" in lines
    shown = care_of.strip().replace("李小龍", "[U+674E U+5C0F U+9F8D]")
    wrapped = [line for line in lines if line and line in shown]
    assert len(wrapped) >= 2  # one address line, printed on several
    assert " ".join(wrapped) == shown
    assert "Σωκράτης Παπαδόπουλος" in "\n".join(wrapped)
    assert "Фёдор Достоевский" in "\n".join(wrapped)
    assert "[U+674E U+5C0F U+9F8D]" in "\n".join(lines)
    assert "?" not in "\n".join(lines)
    assert reader.metadata is not None
    assert care_of.strip() in str(reader.metadata["/Keywords"])
