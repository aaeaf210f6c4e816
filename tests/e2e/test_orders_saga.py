"""The order saga end to end: orders -> products (stock) -> orders, by events only, and
the e-mail each outcome sends (where the target keeps a mailbox)."""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import Email, sent_emails
from tests.e2e.saga import (
    create_product,
    eventually,
    order_status,
    place_order,
    stock_of,
    wait_for_final,
)

pytestmark = pytest.mark.e2e
MAPPING_CHANGE_SECONDS = 5


def the_mail_about(endpoints: Endpoints, user: User, order_id: str) -> Email | None:
    """The one e-mail sent to ``user`` about the order (waits for it); None when the
    target keeps no mailbox (a real AWS stage: SES delivers)."""
    if sent_emails(endpoints) is None:
        return None
    mails: list[Email] = eventually(
        lambda: [
            m
            for m in (sent_emails(endpoints) or [])
            if user.username in m.recipients and order_id in m.body
        ],
        timeout=60,
        interval=1.0,
    )
    assert len(mails) == 1, [m.subject for m in mails]
    return mails[0]


def test_an_order_is_confirmed_and_reserves_stock(
    api: Api, admin: User, customer: User, endpoints: Endpoints
) -> None:
    product = create_product(api, admin, stock=5, amount=1250)
    order = place_order(api, customer, [(product["id"], 2)])
    assert order["status"] == "PENDING"
    assert order["total"] == {"amount": 2500, "currency": "EUR"}

    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    assert stock_of(api, customer, product["id"]) == 3

    mail = the_mail_about(endpoints, customer, order["id"])
    if mail is None:
        return
    invoice = api.request("GET", "/invoices", customer, params={"orderId": order["id"]})
    [listed] = invoice.json()["items"]
    number = listed["number"]
    assert mail.subject == f"Order confirmed - invoice {number}"
    assert "view your invoice in your account" in mail.text
    assert ">view your invoice in your account</a>" in mail.html
    [pdf] = mail.attachments
    assert (pdf.filename, pdf.content_type) == (f"{number}.pdf", "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert number in text


def test_insufficient_stock_rejects_and_leaves_stock_untouched(
    api: Api, admin: User, customer: User, endpoints: Endpoints
) -> None:
    plenty = create_product(api, admin, stock=50)
    scarce_name = f"Scarce teapot {uuid.uuid4().hex[:6]}"
    scarce = create_product(api, admin, stock=1, name=scarce_name)
    order = place_order(api, customer, [(plenty["id"], 3), (scarce["id"], 2)])

    assert wait_for_final(api, customer, order["id"]) == "REJECTED"
    rejected = api.request("GET", f"/orders/{order['id']}", customer).json()
    assert [reason["productId"] for reason in rejected["rejectionReasons"]] == [scarce["id"]]
    assert stock_of(api, customer, plenty["id"]) == 50
    assert stock_of(api, customer, scarce["id"]) == 1

    mail = the_mail_about(endpoints, customer, order["id"])
    if mail is None:
        return
    assert mail.subject == "We could not accept your order"
    assert f"you asked for 2 of \u201c{scarce_name}\u201d, but only 1 is in stock" in mail.text
    assert scarce_name in mail.html
    assert scarce["id"] not in mail.body  # named, not identified
    assert mail.attachments == ()


def test_cancelling_a_confirmed_order_releases_its_stock(
    api: Api, admin: User, customer: User
) -> None:
    product = create_product(api, admin, stock=4)
    order = place_order(api, customer, [(product["id"], 3)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    assert stock_of(api, customer, product["id"]) == 1

    cancelled = api.request("DELETE", f"/orders/{order['id']}", customer)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "CANCELLED"
    eventually(lambda: stock_of(api, customer, product["id"]) == 4)
    assert api.request("DELETE", f"/orders/{order['id']}", customer).status_code == 409


def test_other_customers_cannot_see_or_cancel_an_order(
    api: Api, admin: User, customer: User, make_user: Callable[..., User]
) -> None:
    product = create_product(api, admin, stock=5)
    order = place_order(api, customer, [(product["id"], 1)])
    stranger = make_user("customer")
    assert api.request("GET", f"/orders/{order['id']}", stranger).status_code == 404
    assert api.request("DELETE", f"/orders/{order['id']}", stranger).status_code == 404
    assert api.request("GET", f"/orders/{order['id']}", admin).status_code == 200


def test_concurrent_orders_never_oversell(
    api: Api, admin: User, make_user: Callable[..., User]
) -> None:
    product = create_product(api, admin, stock=10)
    customers = [make_user("customer") for _ in range(3)]
    first = place_order(api, customers[0], [(product["id"], 1)])  # waits for the projection
    with ThreadPoolExecutor(max_workers=10) as pool:
        orders = [
            first,
            *pool.map(
                lambda i: place_order(api, customers[i % 3], [(product["id"], 1)]), range(29)
            ),
        ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = Counter(
            pool.map(lambda o: wait_for_final(api, admin, o["id"], timeout=120), orders)
        )
    assert statuses == {"CONFIRMED": 10, "REJECTED": 20}
    assert stock_of(api, admin, product["id"]) == 0


def test_orders_are_taken_while_products_consumers_are_stopped(
    api: Api, admin: User, customer: User, endpoints: Endpoints, aws: Callable[[str], Any]
) -> None:
    """Orders keeps its own product projection: with the stock consumer's event source
    mapping disabled, orders are still accepted; once it runs again, every one of them
    reaches its final state and nothing is lost."""
    product = create_product(api, admin, stock=3)
    first = place_order(api, customer, [(product["id"], 1)])  # the projection has caught up
    lambda_client = aws("lambda")
    stock_consumer = lambda_client.get_function(
        FunctionName=endpoints.raw["function_names"]["products-stock-consumer"]
    )["Configuration"]["FunctionArn"]  # by ARN: moto does not match plain names here
    mappings = lambda_client.list_event_source_mappings(FunctionName=stock_consumer)[
        "EventSourceMappings"
    ]
    assert mappings
    for mapping in mappings:
        lambda_client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    eventually(
        lambda: all(
            lambda_client.get_event_source_mapping(UUID=m["UUID"])["State"] == "Disabled"
            for m in mappings
        )
    )
    time.sleep(MAPPING_CHANGE_SECONDS)  # pollers apply mapping changes asynchronously
    try:
        later = [place_order(api, customer, [(product["id"], 1)]) for _ in range(4)]
        assert {order_status(api, customer, o["id"]) for o in later} == {"PENDING"}
    finally:
        for mapping in mappings:
            lambda_client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)

    orders = [first, *later]
    statuses = Counter(wait_for_final(api, customer, o["id"], timeout=120) for o in orders)
    assert statuses == {"CONFIRMED": 3, "REJECTED": 2}
    assert stock_of(api, customer, product["id"]) == 0
