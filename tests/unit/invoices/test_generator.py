"""Invoice generation from OrderConfirmed: exactly one invoice per order, numbers unique
across the shop and gapless within each series."""

from __future__ import annotations

import io
import json
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pypdf
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from invoices import config
from invoices.domain import DEFAULT_NUMBER_SERIES, Invoice, InvoiceNumber, series_of
from invoices.generator_consumer import confirmed_order
from invoices.repository import DynamoDBInvoiceRepository, claim_backoff
from invoices.service import InvoiceService, InvoicingPolicy
from invoices.storage import S3InvoiceStore, s3_client
from tests.unit.invoices.conftest import BUCKET, TABLE, Deliver, order_confirmed, scan_items

pytestmark = pytest.mark.usefixtures("invoicing")


def issued_invoices() -> list[dict[str, Any]]:
    return [item for item in scan_items("INVOICE#") if item["status"]["S"] == "ISSUED"]


def sequences_by_series(items: list[dict[str, Any]]) -> dict[int, list[int]]:
    """The sequences issued in each series, sorted; every stored number parses back."""
    found: dict[int, list[int]] = defaultdict(list)
    for item in items:
        number = InvoiceNumber.parse(item["number"]["S"], in_series=True)
        assert number.series is not None
        assert item["numberSeries"] == {"N": str(number.series)}
        found[number.series].append(number.sequence)
    return {series: sorted(sequences) for series, sequences in found.items()}


def assert_gapless_per_series(items: list[dict[str, Any]]) -> dict[int, list[int]]:
    by_series = sequences_by_series(items)
    for sequences in by_series.values():
        assert sequences == list(range(1, len(sequences) + 1))
    numbers = [item["number"]["S"] for item in items]
    assert len(set(numbers)) == len(numbers)
    return by_series


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


def threaded_service(client: AtomicCalls, series: int = DEFAULT_NUMBER_SERIES) -> InvoiceService:
    policy = InvoicingPolicy(config.seller(), config.tax_rate(), BUCKET, number_series=series)
    repository = DynamoDBInvoiceRepository(TABLE, client, sleep=lambda _: time.sleep(0.001))  # type: ignore[arg-type]
    return InvoiceService(repository, S3InvoiceStore(Serialized(s3_client())), policy=policy)


def test_a_confirmed_order_gets_an_issued_invoice_with_its_pdf(deliver: Deliver) -> None:
    event = order_confirmed(lines=2)
    assert deliver(event) == {"batchItemFailures": []}

    [item] = issued_invoices()
    year = time.gmtime().tm_year
    customer, invoice_id = event["data"]["customerId"], item["id"]["S"]
    series = series_of(event["data"]["orderId"], DEFAULT_NUMBER_SERIES)
    number = f"INV-{year}-{series:02d}000001"
    assert item["number"]["S"] == number
    assert item["numberSeries"] == {"N": str(series)}
    assert item["orderId"]["S"] == event["data"]["orderId"]
    assert item["key"]["S"] == f"invoices/{customer}/{invoice_id}.pdf"
    assert item["total"]["M"]["amount"]["N"] == "6192"  # 51.60 net + 20 %
    assert item["causationId"]["S"] == event["id"]
    assert item["correlationId"]["S"] == event["correlationid"]
    text = pdf_text(item["key"]["S"])
    assert number in text
    assert "Total 61.92 EUR" in text
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=item["key"]["S"])
    assert head["ContentType"] == "application/pdf"


def test_numbers_follow_each_other_within_each_series(deliver: Deliver) -> None:
    events = [order_confirmed() for _ in range(40)]
    for event in events:
        deliver(event)

    by_series = assert_gapless_per_series(issued_invoices())
    expected: dict[int, int] = defaultdict(int)
    for event in events:
        expected[series_of(event["data"]["orderId"], DEFAULT_NUMBER_SERIES)] += 1
    assert {series: len(sequences) for series, sequences in by_series.items()} == expected
    assert len(by_series) > 1  # 40 orders spread over several series
    counters = {item["pk"]["S"]: int(item["lastNumber"]["N"]) for item in scan_items("INVOICE_")}
    year = time.gmtime().tm_year
    assert counters == {
        f"INVOICE_NUMBERS#{year}#S{series:02d}": len(sequences)
        for series, sequences in by_series.items()
    }


def test_invoices_numbered_before_the_series_still_read_back(deliver: Deliver) -> None:
    """An invoice (and counter) of the single yearly sequence, as stored before the series
    existed: its number reads back unchanged, and new invoices go to the series."""
    client = boto3.client("dynamodb")
    repository = DynamoDBInvoiceRepository(TABLE, client)
    deliver(order_confirmed())
    [item] = scan_items("INVOICE#")
    legacy = {k: v for k, v in item.items() if k != "numberSeries"}
    legacy["number"] = {"S": "INV-2026-000041"}
    client.put_item(TableName=TABLE, Item=legacy)
    client.put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": "INVOICE_NUMBERS#2026"},
            "sk": {"S": "COUNTER"},
            "lastNumber": {"N": "41"},
        },
    )

    invoice = repository.get(legacy["id"]["S"])
    assert invoice is not None
    assert invoice.number == InvoiceNumber(2026, 41)
    assert str(invoice.number) == "INV-2026-000041"
    deliver(order_confirmed())
    assert repository.last_number(2026) == 41  # the yearly counter is left alone


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


@pytest.mark.parametrize("series", [1, 3, DEFAULT_NUMBER_SERIES])
def test_concurrent_orders_get_unique_numbers_gapless_per_series(series: int) -> None:
    client = AtomicCalls(boto3.client("dynamodb"))
    service = threaded_service(client, series)
    orders = [confirmed_order(order_confirmed(lines=1)) for _ in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(service.invoice_order, orders))

    assert len({str(invoice.number) for invoice in results}) == 24
    assert all(
        invoice.number.series == series_of(order.order_id, series)
        for invoice, order in zip(results, orders, strict=True)
    )
    by_series = assert_gapless_per_series(issued_invoices())
    assert sum(len(sequences) for sequences in by_series.values()) == 24
    if series == 1:
        assert by_series == {1: list(range(1, 25))}
    if series < DEFAULT_NUMBER_SERIES:
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
    assert_gapless_per_series(issued_invoices())  # the crash cost no number
    assert len(issued_invoices()) == 2


def _raise(*_args: Any, **_kwargs: Any) -> None:
    raise ConnectionError("S3 unavailable")


def test_a_year_starts_its_own_sequence() -> None:
    repository = DynamoDBInvoiceRepository(TABLE, boto3.client("dynamodb"))
    policy = InvoicingPolicy(config.seller(), config.tax_rate(), BUCKET)
    clock = iter(["2026-12-31T23:59:59.000Z", "2027-01-01T00:00:00.000Z"])
    service = InvoiceService(
        repository, S3InvoiceStore(s3_client()), policy=policy, clock=lambda: next(clock)
    )
    order = confirmed_order(order_confirmed())
    first = service.invoice_order(order)
    series = series_of(order.order_id, DEFAULT_NUMBER_SERIES)
    again = confirmed_order(order_confirmed())
    while series_of(again.order_id, DEFAULT_NUMBER_SERIES) != series:  # same series, next year
        again = confirmed_order(order_confirmed())
    second = service.invoice_order(again)
    assert (str(first.number), str(second.number)) == (
        f"INV-2026-{series:02d}000001",
        f"INV-2027-{series:02d}000001",
    )


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


def test_claim_retries_do_not_jitter_in_step_across_a_snapshot() -> None:
    """Environments restored from one SnapStart snapshot share the ``random`` module's
    state; the retries' jitter must not repeat from one to the next."""
    snapshot = random.getstate()
    first = [claim_backoff(5) for _ in range(8)]
    random.setstate(snapshot)  # a second environment restored from the same snapshot
    second = [claim_backoff(5) for _ in range(8)]
    assert first != second
    assert all(0 <= wait <= 0.32 for wait in first + second)
