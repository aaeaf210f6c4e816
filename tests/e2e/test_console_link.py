"""The confirmation e-mail links to the web console's invoice page, not to the REST API
(whose GET /invoices/{id} answers 401 to a browser without a token)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import sent_emails
from tests.e2e.saga import create_product, eventually, place_order, wait_for_final

pytestmark = pytest.mark.e2e


def test_the_confirmation_email_links_the_consoles_invoice_page(
    api: Api, admin: User, customer: User, endpoints: Endpoints
) -> None:
    console = endpoints.raw.get("web_url") or os.environ.get("LOCALCLOUD_CONSOLE_URL")
    if not console:
        pytest.skip("the target has no web console (no web_url)")
    if sent_emails(endpoints) is None:
        pytest.skip("a real AWS stage: SES delivers, there is no mailbox to read")
    product = create_product(api, admin, stock=5, amount=1250)
    order = place_order(api, customer, [(product["id"], 1)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"

    def invoice_id() -> str | None:
        response = api.request("GET", "/invoices", customer, params={"orderId": order["id"]})
        items: list[dict[str, Any]] = response.json().get("items", [])
        return str(items[0]["id"]) if items else None

    invoice = eventually(invoice_id, timeout=60)
    mails = eventually(
        lambda: [
            m
            for m in (sent_emails(endpoints) or [])
            if customer.username in m.recipients and order["id"] in m.body
        ],
        timeout=60,
    )

    link = f"{str(console).rstrip('/')}/#/invoices/{invoice}"
    assert link in mails[0].body
    assert f"{endpoints.rest_url}/invoices/" not in mails[0].body
