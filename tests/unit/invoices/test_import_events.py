"""The outbox announces every status change of an invoice import: the invoices table's
stream -> ``InvoiceImportStatusChanged`` on the invoices topic, once per write of the
transaction after its opening, with what realtime's ``import.status`` frame needs and the
connection to deliver it to."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import invoices.stream_publisher
from invoices.events import event_for_record, import_event_id_for
from invoices.import_transactions import ImportStatus, ImportStore
from shared.contracts import validate_event
from tests.unit.conftest import Topic
from tests.unit.helpers import item_change, lambda_context, stream_event
from tests.unit.invoices.conftest import TABLE

pytestmark = pytest.mark.usefixtures("invoicing")

ADMIN = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def store() -> ImportStore:
    return ImportStore(TABLE, boto3.client("dynamodb"))


def item(transaction_id: str) -> dict[str, Any]:
    return dict(
        boto3.client("dynamodb").get_item(
            TableName=TABLE, Key={"pk": {"S": f"IMPORT#{transaction_id}"}, "sk": {"S": "IMPORT"}}
        )["Item"]
    )


def test_a_status_change_is_announced_on_the_invoices_topic(events_topic: Topic) -> None:
    opened = store().open(
        "conn-1", ADMIN, 60, correlation_id="f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f"
    )
    pending = item(opened.transaction_id)
    store().move(opened.transaction_id, ImportStatus.RECEIVED)
    received = item(opened.transaction_id)

    result = invoices.stream_publisher.handler(
        stream_event(item_change(None, pending, 1), item_change(pending, received, 2)),
        lambda_context(),
    )

    assert result == {"batchItemFailures": []}
    [message] = events_topic.received()  # the opening is answered directly, not announced
    event = json.loads(message["Body"])
    assert message["MessageAttributes"]["type"]["StringValue"] == event["type"]
    assert validate_event(event)["type"] == "ecommerce.invoices.InvoiceImportStatusChanged.v1"
    assert event["id"] == import_event_id_for(opened.transaction_id, 1)
    assert event["subject"] == opened.transaction_id
    assert event["correlationid"] == "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f"
    assert event["data"] == {
        "transactionId": opened.transaction_id,
        "status": "received",
        "connectionId": "conn-1",
        "adminId": ADMIN,
    }


def test_processed_carries_the_invoice_and_invalid_the_reasons() -> None:
    first = store().open("conn-1", ADMIN, 60)
    store().move(first.transaction_id, ImportStatus.RECEIVED)
    before = item(first.transaction_id)
    store().move(
        first.transaction_id,
        ImportStatus.PROCESSED,
        expected=ImportStatus.RECEIVED,
        details={"invoiceId": {"S": "1c2d3e4f-5a6b-5c7d-8e9f-0a1b2c3d4e5f"}},
    )
    processed = event_for_record(item_change(before, item(first.transaction_id)))
    assert processed is not None
    assert validate_event(processed)["data"]["invoiceId"] == "1c2d3e4f-5a6b-5c7d-8e9f-0a1b2c3d4e5f"
    assert processed["id"] == import_event_id_for(first.transaction_id, 2)
    assert processed["correlationid"] == first.transaction_id  # none given: the import's own

    second = store().open("conn-2", ADMIN, 60)
    store().move(second.transaction_id, ImportStatus.RECEIVED)
    before = item(second.transaction_id)
    reasons = [{"field": "total.amount", "rule": "total", "message": "must be the lines plus tax"}]
    store().move(
        second.transaction_id,
        ImportStatus.INVALID,
        expected=ImportStatus.RECEIVED,
        details={"reasons": {"S": json.dumps(reasons)}},
    )
    invalid = event_for_record(item_change(before, item(second.transaction_id)))
    assert invalid is not None
    assert validate_event(invalid)["data"]["reasons"] == reasons
    assert "invoiceId" not in invalid["data"]


def test_a_late_upload_announces_the_final_status_again_with_its_reason() -> None:
    opened = store().open("conn-1", ADMIN, 60)
    store().move(opened.transaction_id, ImportStatus.CANCELLED)
    cancelled = item(opened.transaction_id)
    reason = {"field": "", "rule": "cancelled", "message": "the upload arrived late: ignored"}

    noted = store().note_late_upload(opened.transaction_id, [reason])

    assert noted is not None
    assert noted.revision == 2
    event = event_for_record(item_change(cancelled, item(opened.transaction_id)))
    assert event is not None
    assert validate_event(event)["data"]["status"] == "cancelled"
    assert event["data"]["reasons"] == [reason]
    assert event["id"] != import_event_id_for(opened.transaction_id, 1)
    # Only a cancelled or timed-out import takes such a note.
    other = store().open("conn-1", ADMIN, 60)
    assert store().note_late_upload(other.transaction_id, [reason]) is None


def test_openings_replays_expiries_and_other_items_announce_nothing() -> None:
    opened = store().open("conn-1", ADMIN, 60)
    pending = item(opened.transaction_id)
    store().move(opened.transaction_id, ImportStatus.TIMED_OUT)
    timed_out = item(opened.transaction_id)

    assert event_for_record(item_change(None, pending)) is None  # opened: answered directly
    assert event_for_record(item_change(timed_out, timed_out)) is None  # no new revision
    assert event_for_record(item_change(timed_out, None)) is None  # expired by TTL
    guard = {
        "pk": {"S": "IMPORTED_INVOICE#LEGACY-1"},
        "sk": {"S": "IMPORT"},
        "invoiceId": {"S": "x"},
    }
    assert event_for_record(item_change(None, guard)) is None
    announced = event_for_record(item_change(pending, timed_out))
    assert announced is not None
    assert announced["id"] == import_event_id_for(opened.transaction_id, 1)
    # The same record replayed is the same event: consumers drop the duplicate by id.
    replayed = event_for_record(item_change(pending, timed_out))
    assert replayed is not None
    assert (replayed["id"], replayed["data"]) == (announced["id"], announced["data"])
