"""Notifications fixtures: its table, a verified SES sender, the invoices bucket (KMS
encrypted, as deployed) that the confirmation's PDF is read from, the function's settings."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from email import message_from_string
from email.message import EmailMessage
from email.policy import default
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

import notifications.email_consumer
from shared.events.envelope import Event, build_event
from tests.unit.conftest import create_service_table
from tests.unit.helpers import REGION, dead_letter_queues, lambda_context, sqs_record

TABLE = "ecommerce-test-notifications"
SENDER = "shop@example.com"
INVOICES_BUCKET = "ecommerce-test-invoices"
# Every byte value, so a transfer encoding that mangles binary data cannot go unnoticed.
PDF_BYTES = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def _reset_caches() -> None:
    for cached in (
        notifications.email_consumer.settings,
        notifications.email_consumer.mailer,
        notifications.email_consumer.attachments,
        notifications.email_consumer.consumer,
        notifications.email_consumer.send_once,
    ):
        cached.cache_clear()


@pytest.fixture
def mailing(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, Any]]:
    create_service_table(TABLE)
    boto3.client("ses").verify_email_identity(EmailAddress=SENDER)
    key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=INVOICES_BUCKET)
    s3.put_bucket_encryption(
        Bucket=INVOICES_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_id,
                    }
                }
            ]
        },
    )
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
    """What SES accepted (moto's records)."""
    return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def sent_mails() -> list[EmailMessage]:
    """What SES accepted, each parsed from the raw MIME message it was sent as."""
    mails = []
    for message in sent_messages():
        assert isinstance(message, RawMessage), f"not a raw message: {message!r}"
        mails.append(message_from_string(message.raw_data, policy=default))
    return mails


def text_of(mail: EmailMessage) -> str:
    """The plain-text part, decoded."""
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def html_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def store_invoice_pdf(event: Event, data: bytes = PDF_BYTES) -> bytes:
    """Puts the PDF where ``event`` (InvoiceGenerated) says it is, as invoices does."""
    boto3.client("s3").put_object(
        Bucket=event["data"]["bucket"],
        Key=event["data"]["key"],
        Body=data,
        ContentType="application/pdf",
    )
    return data


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
            "bucket": INVOICES_BUCKET,
            "key": f"invoices/{customer_id}/{invoice_id}.pdf",
            "issuedAt": "2026-03-14T09:26:55.000Z",
        },
    )


def order_rejected(*reasons: dict[str, Any]) -> Event:
    """An OrderRejected event (v1.1 when a reason carries ``productName``)."""
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
    code: str = "INSUFFICIENT_STOCK",
    requested: int = 3,
    available: int = 1,
    *,
    name: str | None = None,
) -> dict[str, Any]:
    """A rejection reason; ``name``: its ``productName`` (OrderRejected v1.1)."""
    return {
        "productId": str(uuid.uuid4()),
        **({"productName": name} if name is not None else {}),
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
