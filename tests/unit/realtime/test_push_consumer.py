"""Pushes: order and invoice events reach every open connection of their customer, and
nobody else; an invoice import's status reaches the connection that asked for the import
only; a gone connection (410) is forgotten and never blocks the others."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3

from realtime import push_consumer, routes
from realtime.connections import ConnectionStore
from shared.events.envelope import Event, build_event
from tests.unit.helpers import lambda_context, sqs_record
from tests.unit.notifications.conftest import invoice_generated
from tests.unit.realtime.fixtures import (  # noqa: F401 (fixture)
    CONNECTIONS_TABLE,
    FakeManagementApi,
    realtime,
    ws_event,
)


def connect(connection_id: str, user_id: str) -> None:
    routes.handler(ws_event("$connect", connection_id, user_id=user_id), lambda_context())


def order_confirmed(customer_id: str) -> Event:
    order_id = str(uuid.uuid4())
    line = {
        "productId": str(uuid.uuid4()),
        "sku": "BOOK-1",
        "name": "Book",
        "quantity": 2,
        "unitPrice": {"amount": 1500, "currency": "EUR"},
        "lineTotal": {"amount": 3000, "currency": "EUR"},
    }
    return build_event(
        service="orders",
        name="OrderConfirmed",
        subject=order_id,
        data={
            "orderId": order_id,
            "customerId": customer_id,
            "customerEmail": "ada@example.com",
            "lines": [line],
            "total": {"amount": 3000, "currency": "EUR"},
            "shippingAddress": {
                "name": "Ada",
                "line1": "1 Street",
                "postalCode": "10115",
                "city": "Berlin",
                "country": "DE",
            },
            "placedAt": "2026-01-01T10:00:00Z",
            "confirmedAt": "2026-01-01T10:00:01Z",
        },
    )


def consume(*events: Event) -> dict[str, Any]:
    batch = {"Records": [sqs_record(json.dumps(event)) for event in events]}
    return dict(push_consumer.handler(batch, lambda_context()))


def test_an_order_status_reaches_every_connection_of_its_customer_only(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    customer, other = str(uuid.uuid4()), str(uuid.uuid4())
    for connection_id in ("phone", "laptop"):
        connect(connection_id, customer)
    connect("someone-else", other)
    event = order_confirmed(customer)

    assert consume(event) == {"batchItemFailures": []}

    assert set(realtime.posted) == {"phone", "laptop"}
    message = realtime.posted["phone"][0]
    assert message["type"] == "order.status"
    assert message["orderId"] == event["data"]["orderId"]
    assert message["status"] == "CONFIRMED"
    assert message["eventId"] == event["id"]


def test_an_invoice_push_names_the_invoice(realtime: FakeManagementApi) -> None:  # noqa: F811
    event = invoice_generated()
    connect("c1", event["data"]["customerId"])

    consume(event)

    assert realtime.posted["c1"] == [
        {
            "type": "invoice.generated",
            "invoiceId": event["data"]["invoiceId"],
            "orderId": event["data"]["orderId"],
            "number": event["data"]["invoiceNumber"],
            "total": event["data"]["total"],
            "eventId": event["id"],
            "occurredAt": event["time"],
        }
    ]


def test_a_gone_connection_is_forgotten_and_a_broken_one_blocks_nobody(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    customer = str(uuid.uuid4())
    ids = [f"c{i}" for i in range(12)]
    for connection_id in ids:
        connect(connection_id, customer)
    realtime.gone = {"c3", "c7"}
    realtime.broken = {"c5"}

    assert consume(order_confirmed(customer)) == {"batchItemFailures": []}

    assert set(realtime.posted) == set(ids) - {"c3", "c5", "c7"}
    remaining = ConnectionStore(CONNECTIONS_TABLE, boto3.client("dynamodb")).of_user(customer)
    assert sorted(remaining) == sorted(set(ids) - {"c3", "c7"})


def test_an_event_is_pushed_once(realtime: FakeManagementApi) -> None:  # noqa: F811
    customer = str(uuid.uuid4())
    connect("c1", customer)
    event = order_confirmed(customer)

    consume(event)
    consume(event)

    assert len(realtime.posted["c1"]) == 1


def test_a_customer_without_connections_is_fine(realtime: FakeManagementApi) -> None:  # noqa: F811
    assert consume(order_confirmed(str(uuid.uuid4()))) == {"batchItemFailures": []}
    assert realtime.posted == {}


def import_status_changed(admin_id: str, connection_id: str, status: str, **data: Any) -> Event:
    transaction_id = str(uuid.uuid4())
    return build_event(
        service="invoices",
        name="InvoiceImportStatusChanged",
        subject=transaction_id,
        data={
            "transactionId": transaction_id,
            "status": status,
            "connectionId": connection_id,
            "adminId": admin_id,
            **data,
        },
    )


def test_an_import_status_reaches_the_asking_connection_only(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    admin = str(uuid.uuid4())
    connect("asked-here", admin)
    connect("other-tab", admin)
    invoice_id = str(uuid.uuid4())
    received = import_status_changed(admin, "asked-here", "received")
    processed = import_status_changed(admin, "asked-here", "processed", invoiceId=invoice_id)

    assert consume(received, processed) == {"batchItemFailures": []}
    consume(processed)  # a redelivery is not pushed twice

    assert set(realtime.posted) == {"asked-here"}
    assert realtime.posted["asked-here"] == [
        {
            "type": "import.status",
            "transactionId": received["data"]["transactionId"],
            "status": "received",
        },
        {
            "type": "import.status",
            "transactionId": processed["data"]["transactionId"],
            "status": "processed",
            "invoiceId": invoice_id,
        },
    ]


def test_an_import_status_for_a_closed_connection_is_dropped(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    realtime.gone.add("closed")
    event = import_status_changed(str(uuid.uuid4()), "closed", "timed_out")

    assert consume(event) == {"batchItemFailures": []}

    assert realtime.posted == {}
