"""Invoice generation from OrderConfirmed: exactly one invoice per order, gapless numbers."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pypdf
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from invoices import config
from invoices.domain import Invoice
from invoices.generator_consumer import confirmed_order
from invoices.repository import DynamoDBInvoiceRepository
from invoices.service import InvoiceService, InvoicingPolicy
from invoices.storage import S3InvoiceStore, s3_client
from tests.unit.invoices.conftest import BUCKET, TABLE, Deliver, order_confirmed, scan_items

pytestmark = pytest.mark.usefixtures("invoicing")


def issued_invoices() -> list[dict[str, Any]]:
    return [item for item in scan_items("INVOICE#") if item["status"]["S"] == "ISSUED"]


def pdf_text(key: str) -> str:
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


class AtomicCalls:
    """A DynamoDB client whose every call is atomic, like the real service's, with threads
    interleaving between calls. (moto's in-process backend is not thread-safe: a cancelled
    transaction restores a snapshot of the whole table.) Counts cancelled transactions."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()
        self.exceptions = client.exceptions
        self.cancelled = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            time.sleep(0.001)  # let the other threads in between two calls
            with self._lock:
                try:
                    return method(**kwargs)
                except self._client.exceptions.TransactionCanceledException:
                    self.cancelled += 1
                    raise

        return call


class Serialized:
    """A client whose calls run one at a time. moto's S3 backend is not thread-safe either:
    two PUTs of one key at once can read a buffer the other closed (S3 itself takes them,
    the last one wins)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return call


def threaded_service(client: AtomicCalls) -> InvoiceService:
    policy = InvoicingPolicy(config.seller(), config.tax_rate(), BUCKET)
    repository = DynamoDBInvoiceRepository(TABLE, client, sleep=lambda _: time.sleep(0.001))  # type: ignore[arg-type]
    return InvoiceService(repository, S3InvoiceStore(Serialized(s3_client())), policy=policy)


def test_a_confirmed_order_gets_an_issued_invoice_with_its_pdf(deliver: Deliver) -> None:
    event = order_confirmed(lines=2)
    assert deliver(event) == {"batchItemFailures": []}

    [item] = issued_invoices()
    year = time.gmtime().tm_year
    customer, invoice_id = event["data"]["customerId"], item["id"]["S"]
    assert item["number"]["S"] == f"INV-{year}-000001"
    assert item["orderId"]["S"] == event["data"]["orderId"]
    assert item["key"]["S"] == f"invoices/{customer}/{invoice_id}.pdf"
    assert item["total"]["M"]["amount"]["N"] == "6192"  # 51.60 net + 20 %
    assert item["causationId"]["S"] == event["id"]
    assert item["correlationId"]["S"] == event["correlationid"]
    text = pdf_text(item["key"]["S"])
    assert f"INV-{year}-000001" in text
    assert "Total 61.92 EUR" in text
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=item["key"]["S"])
    assert head["ContentType"] == "application/pdf"


def test_numbers_follow_each_other_within_a_year(deliver: Deliver) -> None:
    for _ in range(3):
        deliver(order_confirmed())
    numbers = sorted(item["number"]["S"][-6:] for item in issued_invoices())
    assert numbers == ["000001", "000002", "000003"]


def test_a_duplicated_event_gives_one_invoice(deliver: Deliver) -> None:
    event = order_confirmed()
    deliver(event, event)
    deliver(event)
    again = order_confirmed(order_id=event["data"]["orderId"])  # same order, new event id
    deliver(again)

    assert len(issued_invoices()) == 1
    assert len(scan_items("ORDER#")) == 1
    [counter] = scan_items("INVOICE_NUMBERS#")
    assert counter["lastNumber"]["N"] == "1"
    assert len(boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]) == 1


def test_concurrent_deliveries_of_one_order_give_one_invoice() -> None:
    client = AtomicCalls(boto3.client("dynamodb"))
    service = threaded_service(client)
    order = confirmed_order(order_confirmed())
    with ThreadPoolExecutor(max_workers=8) as pool:
        results: list[Invoice] = list(pool.map(lambda _: service.invoice_order(order), range(8)))

    assert {invoice.id for invoice in results} == {results[0].id}
    assert all(invoice.is_issued for invoice in results)
    assert len(issued_invoices()) == 1
    assert len(scan_items("INVOICE#")) == 1
    assert client.cancelled > 0  # the deliveries really raced


def test_concurrent_orders_get_unique_gapless_numbers() -> None:
    client = AtomicCalls(boto3.client("dynamodb"))
    service = threaded_service(client)
    orders = [confirmed_order(order_confirmed(lines=1)) for _ in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(service.invoice_order, orders))

    sequences = sorted(invoice.number.sequence for invoice in results)
    assert sequences == list(range(1, 17))
    assert len(issued_invoices()) == 16
    assert client.cancelled > 0  # numbers were contended, and no claim took two


def test_a_crash_before_the_pdf_is_completed_by_the_redelivery(deliver: Deliver) -> None:
    event = order_confirmed()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(S3InvoiceStore, "put_pdf", _raise)
        with pytest.raises(BatchProcessingError):  # the whole batch failed: Lambda retries it
            deliver(event)
    [pending] = scan_items("INVOICE#")
    assert pending["status"]["S"] == "PENDING"

    assert deliver(event) == {"batchItemFailures": []}
    [issued] = issued_invoices()
    assert issued["number"]["S"] == pending["number"]["S"]  # no number lost
    deliver(order_confirmed())
    assert sorted(i["number"]["S"][-1] for i in issued_invoices()) == ["1", "2"]


def _raise(*_args: Any, **_kwargs: Any) -> None:
    raise ConnectionError("S3 unavailable")


def test_a_year_starts_its_own_sequence() -> None:
    repository = DynamoDBInvoiceRepository(TABLE, boto3.client("dynamodb"))
    policy = InvoicingPolicy(config.seller(), config.tax_rate(), BUCKET)
    clock = iter(["2026-12-31T23:59:59.000Z", "2027-01-01T00:00:00.000Z"])
    service = InvoiceService(
        repository, S3InvoiceStore(s3_client()), policy=policy, clock=lambda: next(clock)
    )
    first = service.invoice_order(confirmed_order(order_confirmed()))
    second = service.invoice_order(confirmed_order(order_confirmed()))
    assert (str(first.number), str(second.number)) == ("INV-2026-000001", "INV-2027-000001")


def test_a_contract_violation_goes_to_the_dlq_and_is_not_retried(
    deliver: Deliver, invoicing: dict[str, Any]
) -> None:
    broken = order_confirmed()
    del broken["data"]["confirmedAt"]
    result = deliver(json.dumps(broken), "not json")

    assert result == {"batchItemFailures": []}
    assert scan_items("INVOICE#") == []
    messages = boto3.client("sqs").receive_message(
        QueueUrl=invoicing["dlq_url"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert len(messages) == 2
    fields = {m["MessageAttributes"].get("field", {}).get("StringValue") for m in messages}
    assert "data.confirmedAt" in fields


def test_an_event_outside_the_subscription_is_ignored(deliver: Deliver) -> None:
    from shared.events.envelope import build_event

    rejected = build_event(
        service="orders",
        name="OrderRejected",
        subject=(order_id := str(uuid.uuid4())),
        data={
            "orderId": order_id,
            "customerId": str(uuid.uuid4()),
            "customerEmail": "ada@example.com",
            "reasons": [
                {
                    "productId": str(uuid.uuid4()),
                    "code": "UNKNOWN_PRODUCT",
                    "requested": 1,
                    "available": 0,
                }
            ],
            "rejectedAt": "2026-03-14T09:26:54.120Z",
        },
    )
    assert deliver(rejected) == {"batchItemFailures": []}
    assert scan_items("INVOICE#") == []
