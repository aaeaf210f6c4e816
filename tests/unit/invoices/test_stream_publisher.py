"""The outbox: an invoice item becoming ISSUED is announced as InvoiceGenerated, once."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

import invoices.stream_publisher
from invoices.events import event_id_for
from shared.contracts import validate_event
from tests.unit.conftest import Topic
from tests.unit.helpers import item_change, lambda_context, stream_event
from tests.unit.invoices.conftest import Deliver, order_confirmed, scan_items

pytestmark = pytest.mark.usefixtures("invoicing")


def publish(*records: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = invoices.stream_publisher.handler(
        stream_event(*records), lambda_context()
    )
    return result


def issued_item(deliver: Deliver) -> tuple[dict[str, Any], dict[str, Any]]:
    event = order_confirmed()
    deliver(event)
    [item] = scan_items("INVOICE#")
    return event, item


def test_an_issued_invoice_is_announced(deliver: Deliver, events_topic: Topic) -> None:
    order_event, issued = issued_item(deliver)
    pending = {**issued, "status": {"S": "PENDING"}}
    assert publish(item_change(pending, issued)) == {"batchItemFailures": []}

    [message] = events_topic.received()
    event = json.loads(message["Body"])
    assert message["MessageAttributes"]["type"]["StringValue"] == event["type"]
    assert validate_event(event)["type"] == "ecommerce.invoices.InvoiceGenerated.v1"
    data = event["data"]
    assert event["id"] == event_id_for(data["invoiceId"])
    assert event["subject"] == data["invoiceId"]
    assert event["correlationid"] == order_event["correlationid"]
    assert event["causationid"] == order_event["id"]
    assert data["orderId"] == order_event["data"]["orderId"]
    assert data["total"] == {"amount": 6192, "currency": "EUR"}
    assert data["tax"] == {"amount": 1032, "currency": "EUR"}
    assert data["invoiceNumber"].startswith("INV-")
    key = data["key"]
    assert boto3.client("s3").head_object(Bucket=data["bucket"], Key=key)["ContentLength"] > 0


def test_pending_invoices_guards_counters_and_later_changes_announce_nothing(
    deliver: Deliver, events_topic: Topic
) -> None:
    _, issued = issued_item(deliver)
    pending = {**issued, "status": {"S": "PENDING"}}
    [guard] = scan_items("ORDER#")
    [counter] = scan_items("INVOICE_NUMBERS#")
    records = [
        item_change(None, pending),
        item_change(None, guard),
        item_change(None, counter),
        item_change(counter, {**counter, "lastNumber": {"N": "2"}}),
        item_change(issued, {**issued, "customerEmail": {"S": "new@example.com"}}),
    ]
    assert publish(*records) == {"batchItemFailures": []}
    assert events_topic.received(expected=0) == []


def test_a_replayed_record_carries_the_same_event_id(deliver: Deliver, events_topic: Topic) -> None:
    _, issued = issued_item(deliver)
    publish(item_change(None, issued))
    publish(item_change(None, issued))
    ids = {json.loads(m["Body"])["id"] for m in events_topic.received(expected=2)}
    assert len(ids) == 1
