"""Notifications fixtures: its table, a verified SES sender, the function's settings."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

import notifications.email_consumer
from shared.events.envelope import Event, build_event
from tests.unit.conftest import create_service_table
from tests.unit.helpers import REGION, dead_letter_queues, lambda_context, sqs_record

TABLE = "ecommerce-test-notifications"
SENDER = "shop@example.com"


def _reset_caches() -> None:
    for cached in (
        notifications.email_consumer.settings,
        notifications.email_consumer.mailer,
        notifications.email_consumer.consumer,
    ):
        cached.cache_clear()


@pytest.fixture
def mailing(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, Any]]:
    create_service_table(TABLE)
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    dlq_url = boto3.client("sqs").create_queue(QueueName="ecommerce-test-email-dlq")["QueueUrl"]
    for name, value in {
        "NOTIFICATIONS_TABLE_NAME": TABLE,
        "SENDER_EMAIL": SENDER,
        "INVOICE_URL_TEMPLATE": "https://shop.example.com/account/invoices/$invoiceId",
        "SHOP_NAME": "Example Shop",
        "DEAD_LETTER_QUEUES": dead_letter_queues(dlq_url),
    }.items():
        monkeypatch.setenv(name, value)
    _reset_caches()
    yield {"dlq_url": dlq_url}
    _reset_caches()


def sent_messages() -> list[Any]:
    """What SES accepted (moto records the HTML part when a mail has one)."""
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def invoice_generated(event_id: str | None = None) -> Event:
    invoice_id, customer_id = str(uuid.uuid4()), str(uuid.uuid4())
    return build_event(
        service="invoices",
        name="InvoiceGenerated",
        subject=invoice_id,
        event_id=event_id,
        data={
            "invoiceId": invoice_id,
            "invoiceNumber": "INV-2026-000042",
            "orderId": str(uuid.uuid4()),
            "customerId": customer_id,
            "customerEmail": "ada@example.com",
            "total": {"amount": 387600, "currency": "EUR"},
            "tax": {"amount": 64600, "currency": "EUR"},
            "currency": "EUR",
            "bucket": "ecommerce-test-invoices",
            "key": f"invoices/{customer_id}/{invoice_id}.pdf",
            "issuedAt": "2026-03-14T09:26:55.000Z",
        },
    )


def order_rejected(*reasons: dict[str, Any]) -> Event:
    order_id = str(uuid.uuid4())
    return build_event(
        service="orders",
        name="OrderRejected",
        subject=order_id,
        data={
            "orderId": order_id,
            "customerId": str(uuid.uuid4()),
            "customerEmail": "ada@example.com",
            "reasons": list(reasons),
            "rejectedAt": "2026-03-14T09:26:54.120Z",
        },
    )


def reason(
    code: str = "INSUFFICIENT_STOCK", requested: int = 3, available: int = 1
) -> dict[str, Any]:
    return {
        "productId": str(uuid.uuid4()),
        "code": code,
        "requested": requested,
        "available": available,
    }


Deliver = Callable[..., dict[str, Any]]


@pytest.fixture
def deliver(mailing: dict[str, Any]) -> Deliver:  # noqa: ARG001
    def call(*messages: Event | str) -> dict[str, Any]:
        records = [
            sqs_record(message if isinstance(message, str) else json.dumps(message))
            for message in messages
        ]
        result: dict[str, Any] = notifications.email_consumer.handler(
            {"Records": records}, lambda_context()
        )
        return result

    return call
