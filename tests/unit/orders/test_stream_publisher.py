"""The outbox: the orders table's stream -> validated order events on the topic.

The stream records are rebuilt from the table's contents after real writes made through
the API and the consumers (orders, projection, idempotency and dedup items).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from orders import stream_publisher
from orders.domain import Order, OrderLine, OrderStatus, RejectionReason, ShippingAddress
from orders.events import event_for_record, event_id_for, rejected_data
from shared.contracts import validate_event
from shared.money import Money
from tests.unit.conftest import Topic
from tests.unit.helpers import item_change, lambda_context, stream_event
from tests.unit.orders.conftest import TABLE, Caller, Product, User
from tests.unit.orders.saga import stock_failed, stock_reserved
from tests.unit.orders.test_api import place
from tests.unit.orders.test_consumers import deliver

ALICE = User.new("customer", email="alice@example.com")
MUG_PRICE = Money(1290, "EUR")


class TableStream:
    """What the table's stream records, rebuilt from snapshots taken after each write
    (moto's in-process mock does not serve DynamoDB Streams reads)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], dict[str, Any]] = {}
        self.records: list[dict[str, Any]] = []

    def capture(self) -> None:
        scan = boto3.client("dynamodb").scan(TableName=TABLE, ConsistentRead=True)["Items"]
        items = {(i["pk"]["S"], i["sk"]["S"]): dict(i) for i in scan}
        for key in sorted(set(self._items) | set(items)):
            before, after = self._items.get(key), items.get(key)
            if before != after:
                self.records.append(item_change(before, after, len(self.records) + 1))
        self._items = items


def publish(records: list[dict[str, Any]]) -> dict[str, Any]:
    return dict(stream_publisher.handler(stream_event(*records), lambda_context()))


def bodies(topic: Topic, expected: int) -> list[dict[str, Any]]:
    return [json.loads(m["Body"]) for m in topic.received(expected)]


Saga = tuple[list[dict[str, Any]], Topic, TableStream]


@pytest.fixture
def saga(call: Caller, catalog: Callable[..., Product], events_topic: Topic) -> Saga:
    """Four orders through their lives: confirmed, rejected, cancelled while pending,
    cancelled after confirmation (one placed with an Idempotency-Key, twice)."""
    stream = TableStream()
    mug, tea = catalog("Blue mug", 1290), catalog("Earl Grey", 650)
    stream.capture()
    key = {"Idempotency-Key": "k-1", "X-Correlation-Id": "flow-placed"}
    confirmed = place(call, ALICE, (mug, 2), (tea, 1), headers=key)
    stream.capture()
    place(call, ALICE, (mug, 2), (tea, 1), headers=key)  # a retry: no second order
    stream.capture()
    rejected, pending_cancel, confirmed_cancel = (place(call, ALICE, (mug, 1)) for _ in range(3))
    stream.capture()
    deliver(stock_reserved(confirmed), stock_failed(rejected), stock_reserved(confirmed_cancel))
    stream.capture()
    call("DELETE", f"/orders/{pending_cancel['id']}", user=ALICE)
    call("DELETE", f"/orders/{confirmed_cancel['id']}", user=ALICE)
    stream.capture()
    orders = [confirmed, rejected, pending_cancel, confirmed_cancel]
    return orders, events_topic, stream


def test_an_order_lifecycle_is_announced(
    saga: Saga,
) -> None:
    orders, topic, stream = saga
    confirmed, rejected, pending_cancel, confirmed_cancel = (o["id"] for o in orders)

    response = publish(stream.records)

    assert response == {"batchItemFailures": []}
    events = bodies(topic, 10)
    announced = [(e["type"].split(".")[2], e["subject"]) for e in events]
    assert sorted(announced) == sorted(
        [("OrderPlaced", order_id) for order_id in (o["id"] for o in orders)]
        + [
            ("OrderConfirmed", confirmed),
            ("OrderRejected", rejected),
            ("OrderConfirmed", confirmed_cancel),
            ("OrderCancelled", pending_cancel),
            ("OrderCancelled", confirmed_cancel),
        ]
    )
    for event in events:
        validate_event(event)
        assert event["source"] == "/ecommerce/orders"
    by_kind = {(e["type"].split(".")[2], e["subject"]): e for e in events}
    placed = by_kind[("OrderPlaced", confirmed)]
    assert placed["correlationid"] == "flow-placed"
    assert placed["data"]["total"] == {"amount": 3230, "currency": "EUR"}
    assert placed["data"]["customerEmail"] == "alice@example.com"
    assert by_kind[("OrderConfirmed", confirmed)]["correlationid"] == "flow-stock"
    [reason] = by_kind[("OrderRejected", rejected)]["data"]["reasons"]
    assert reason["available"] == 0
    assert reason["productName"] == "Blue mug"  # v1.1: named from the order's line
    cancels = {
        e["subject"]: e["data"]["previousStatus"]
        for e in events
        if e["type"] == "ecommerce.orders.OrderCancelled.v1"
    }
    assert cancels == {pending_cancel: "PENDING", confirmed_cancel: "CONFIRMED"}
    assert by_kind[("OrderCancelled", pending_cancel)]["data"]["lines"] == [
        {"productId": orders[2]["lines"][0]["productId"], "quantity": 1}
    ]


def test_only_order_items_are_announced(saga: Saga) -> None:
    records = saga[2].records
    kinds = {r["dynamodb"]["Keys"]["pk"]["S"].split("#")[0] for r in records}

    announcing = [r for r in records if event_for_record(r) is not None]

    assert {"ORDER", "PRODUCT", "EVENT", "IDEMPOTENCY"} <= kinds
    assert {r["dynamodb"]["Keys"]["sk"]["S"] for r in announcing} == {"ORDER"}
    assert len(announcing) == 9


def test_a_reason_for_a_product_the_order_has_no_line_of_carries_no_name() -> None:
    order = Order(
        "5c2d7e1f-8a3b-4c6d-9e0f-1a2b3c4d5e6f",
        "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
        "ada@example.com",
        OrderStatus.PENDING,
        (OrderLine("6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d", "MUG-1", "Blue mug", 3, MUG_PRICE),),
        ShippingAddress("Ada", "12 Square", "SW1Y 4JH", "London", "GB"),
        "2025-03-14T09:00:00.000Z",
        "2025-03-14T09:00:00.000Z",
    ).reject(
        [
            RejectionReason("6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d", "INSUFFICIENT_STOCK", 3, 1),
            RejectionReason("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "UNKNOWN_PRODUCT", 1, 0),
        ],
        "2025-03-14T09:00:01.000Z",
    )

    named, unnamed = rejected_data(order)["reasons"]

    assert named["productName"] == "Blue mug"
    assert "productName" not in unnamed
    assert unnamed["productId"] == "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"


def test_a_retried_record_keeps_its_event_id(
    saga: Saga,
) -> None:
    record = next(r for r in saga[2].records if r["dynamodb"]["Keys"]["sk"]["S"] == "ORDER")

    first, again = event_for_record(record), event_for_record(record)

    assert first is not None
    assert again is not None
    assert first["id"] == again["id"] == event_id_for(record["eventID"])


def test_a_change_that_keeps_the_status_announces_nothing(
    saga: Saga,
) -> None:
    insert = next(r for r in saga[2].records if r["dynamodb"]["Keys"]["sk"]["S"] == "ORDER")
    image = insert["dynamodb"]["NewImage"]
    touched = {**image, "updatedAt": {"S": "2030-01-01T00:00:00.000Z"}}
    modify = {
        **insert,
        "eventID": uuid.uuid4().hex,
        "eventName": "MODIFY",
        "dynamodb": {**insert["dynamodb"], "OldImage": image, "NewImage": touched},
    }
    remove = {
        **insert,
        "eventID": uuid.uuid4().hex,
        "eventName": "REMOVE",
        "dynamodb": {**insert["dynamodb"], "OldImage": image, "NewImage": None},
    }

    assert event_for_record(modify) is None
    assert event_for_record(remove) is None


def test_an_unpublishable_record_is_retried_from_there(
    saga: Saga, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [r for r in saga[2].records if r["dynamodb"]["Keys"]["sk"]["S"] == "ORDER"][:2]
    monkeypatch.setenv("EVENTS_TOPIC_ARN", saga[1].arn.replace("products", "nowhere"))
    stream_publisher.publisher.cache_clear()

    with pytest.raises(BatchProcessingError):  # nothing published: Lambda retries the batch
        publish(records)
