"""Invoices fixtures: the table, the bucket and the settings, inside moto's mock."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

import invoices.api
import invoices.generator_consumer
import invoices.storage
import invoices.stream_publisher
from shared.events.envelope import Event, build_event
from tests.unit.conftest import create_service_table
from tests.unit.helpers import dead_letter_queues, lambda_context, sqs_record

TABLE = "ecommerce-test-invoices"
BUCKET = "ecommerce-test-invoices-123456789012"
SELLER = {
    "name": "Example Shop Ltd",
    "address": ["1 Market Street", "London EC1A 1AA", "United Kingdom"],
    "email": "billing@example.com",
    "taxId": "GB123456789",
}


def _reset_caches() -> None:
    invoices.api.service.cache_clear()
    invoices.generator_consumer.service.cache_clear()
    invoices.generator_consumer.consumer.cache_clear()
    invoices.storage.s3_client.cache_clear()
    invoices.stream_publisher.publisher.cache_clear()


@pytest.fixture
def invoicing(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, Any]]:
    """The invoices table and bucket, and the functions' environment."""
    table = create_service_table(TABLE)
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    dlq_url = boto3.client("sqs").create_queue(QueueName="ecommerce-test-invoices-dlq")["QueueUrl"]
    for name, value in {
        "INVOICES_TABLE_NAME": TABLE,
        "INVOICES_BUCKET_NAME": BUCKET,
        "TAX_RATE_BASIS_POINTS": "2000",
        "INVOICE_SELLER": json.dumps(SELLER),
        "DOWNLOAD_URL_TTL_SECONDS": "300",
        "DEAD_LETTER_QUEUES": dead_letter_queues(dlq_url),
    }.items():
        monkeypatch.setenv(name, value)
    _reset_caches()
    yield {"table": table, "bucket": BUCKET, "dlq_url": dlq_url}
    _reset_caches()


def order_confirmed(
    *,
    order_id: str | None = None,
    customer_id: str | None = None,
    lines: int = 2,
    event_id: str | None = None,
) -> Event:
    """A valid ``OrderConfirmed.v1`` envelope."""
    order_id = order_id or str(uuid.uuid4())
    return build_event(
        service="orders",
        name="OrderConfirmed",
        subject=order_id,
        event_id=event_id,
        data={
            "orderId": order_id,
            "customerId": customer_id or str(uuid.uuid4()),
            "customerEmail": "ada@example.com",
            "lines": [
                {
                    "productId": str(uuid.uuid4()),
                    "sku": f"MUG-{index}",
                    "name": f"Blue mug {index}",
                    "quantity": 2,
                    "unitPrice": {"amount": 1290, "currency": "EUR"},
                    "lineTotal": {"amount": 2580, "currency": "EUR"},
                }
                for index in range(lines)
            ],
            "total": {"amount": 2580 * lines, "currency": "EUR"},
            "shippingAddress": {
                "name": "Ada Lovelace",
                "line1": "12 St James's Square",
                "postalCode": "SW1Y 4JH",
                "city": "London",
                "country": "GB",
            },
            "placedAt": "2026-03-14T09:26:53.589Z",
            "confirmedAt": "2026-03-14T09:26:54.120Z",
        },
    )


Deliver = Callable[..., dict[str, Any]]


@pytest.fixture
def deliver(invoicing: dict[str, Any]) -> Deliver:  # noqa: ARG001
    """Hands SQS records (envelopes or raw bodies) to the generator, as Lambda would."""

    def call(*messages: Event | str) -> dict[str, Any]:
        records = [
            sqs_record(message if isinstance(message, str) else json.dumps(message))
            for message in messages
        ]
        result: dict[str, Any] = invoices.generator_consumer.handler(
            {"Records": records}, lambda_context()
        )
        return result

    return call


def scan_items(prefix: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
    return [item for item in items if item["pk"]["S"].startswith(prefix)]
