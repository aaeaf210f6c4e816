"""The outbox: stream records of real reservation items -> the stock saga's events."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from products import stream_publisher
from products.events import event_for_record, event_id_for
from products.repository import shard_key
from products.stock import StockLine
from shared.contracts import validate_event
from tests.unit.conftest import Topic
from tests.unit.helpers import item_change, lambda_context, stream_event, stream_record
from tests.unit.products.test_stock_reservation import CANCELLED, PLACED, Shop, shop

__all__ = ["shop"]  # the fixture, shared with the reservation tests


def reserved_and_released(shop: Shop) -> tuple[str, str, list[dict[str, Any]]]:
    """Reserves then releases an order; returns the product, the order and the stream
    records DynamoDB wrote for the reservation item and the product, in order."""
    mug = shop.add_legacy_product(stock=5)
    order = str(uuid.uuid4())
    product_v1 = shop.product(mug)
    shop.service.reserve(order, [StockLine(mug, 2)], PLACED)
    reserved, product_v2 = shop.reservation(order), shop.product(mug)
    shop.service.release(order, [], CANCELLED)
    released, product_v3 = shop.reservation(order), shop.product(mug)
    records = [
        item_change(None, reserved, 1),
        item_change(product_v1, product_v2, 2),
        item_change(reserved, released, 3),
        item_change(product_v2, product_v3, 4),
    ]
    return mug, order, records


def test_a_reservation_and_its_release_are_announced(shop: Shop, events_topic: Topic) -> None:
    """A legacy product (stock on its own item): each stock change is also a new version
    of the product, announced as ProductUpdated."""
    mug, order, records = reserved_and_released(shop)

    response = stream_publisher.handler(stream_event(*records), lambda_context())

    assert response == {"batchItemFailures": []}
    messages = events_topic.received(expected=4)
    events = [json.loads(m["Body"]) for m in messages]
    assert sorted(e["type"] for e in events) == [
        "ecommerce.products.ProductUpdated.v1",
        "ecommerce.products.ProductUpdated.v1",
        "ecommerce.products.StockReleased.v1",
        "ecommerce.products.StockReserved.v1",
    ]
    for message, event in zip(messages, events, strict=True):
        assert validate_event(event)
        assert message["MessageAttributes"]["type"]["StringValue"] == event["type"]
    by_type = {e["type"].split(".")[2]: e for e in events if "Stock" in e["type"]}
    reserved, released = by_type["StockReserved"], by_type["StockReleased"]
    assert reserved["subject"] == released["subject"] == order
    assert reserved["data"] == {
        "orderId": order,
        "lines": [{"productId": mug, "quantity": 2}],
        "reservedAt": reserved["data"]["reservedAt"],
    }
    assert (reserved["correlationid"], reserved["causationid"]) == ("flow-order", PLACED.event_id)
    assert released["data"] == {
        "orderId": order,
        "lines": [{"productId": mug, "quantity": 2}],
        "releasedAt": released["data"]["releasedAt"],
    }
    assert released["data"]["releasedAt"] >= reserved["data"]["reservedAt"]
    assert (released["correlationid"], released["causationid"]) == (
        "flow-cancel",
        CANCELLED.event_id,
    )
    stock_changes = [e for e in events if e["type"].endswith("ProductUpdated.v1")]
    assert sorted((e["data"]["version"], e["data"]["stock"]) for e in stock_changes) == [
        (2, 3),
        (3, 5),
    ]
    assert all(e["data"]["changes"] == ["stock"] for e in stock_changes)
    assert sorted(e["correlationid"] for e in stock_changes) == ["flow-cancel", "flow-order"]


def test_a_refusal_is_announced_with_its_reasons(shop: Shop) -> None:
    mug = shop.add_product(stock=1)
    unknown, order = str(uuid.uuid4()), str(uuid.uuid4())
    shop.service.reserve(order, [StockLine(mug, 3), StockLine(unknown, 1)], PLACED)
    record = item_change(None, shop.reservation(order))

    event = event_for_record(record)

    assert event is not None
    assert validate_event(event)
    assert event["type"] == "ecommerce.products.StockReservationFailed.v1"
    assert event["id"] == event_id_for(record["eventID"])
    assert event["data"]["reasons"] == [
        {"productId": mug, "code": "INSUFFICIENT_STOCK", "requested": 3, "available": 1},
        {"productId": unknown, "code": "UNKNOWN_PRODUCT", "requested": 1, "available": 0},
    ]
    assert event["data"]["failedAt"]
    assert event["correlationid"] == "flow-order"


def test_tombstones_expiries_and_other_changes_announce_nothing(shop: Shop) -> None:
    mug = shop.add_product(stock=5)
    early, failed = str(uuid.uuid4()), str(uuid.uuid4())
    shop.service.release(early, [StockLine(mug, 1)], CANCELLED)
    shop.service.reserve(failed, [StockLine(mug, 9)], PLACED)
    tombstone, refusal = shop.reservation(early), shop.reservation(failed)
    assert tombstone is not None
    assert refusal is not None
    touched = {**tombstone, "updatedAt": {"S": "2099-01-01T00:00:00.000Z"}}

    assert event_for_record(item_change(None, tombstone)) is None  # CANCELLED written
    assert event_for_record(item_change(tombstone, touched)) is None  # not RESERVED->RELEASED
    assert event_for_record(item_change(refusal, None)) is None  # TTL expiry


def test_a_released_event_keeps_its_id_when_the_record_is_retried(shop: Shop) -> None:
    _, _, records = reserved_and_released(shop)
    release = records[2]

    first, again = event_for_record(release), event_for_record(release)

    assert first is not None
    assert again is not None
    assert first["id"] == again["id"] == event_id_for(release["eventID"])
    assert first["type"] == "ecommerce.products.StockReleased.v1"


def test_an_unknown_event_name_on_a_reservation_is_a_failure() -> None:
    keys = {"pk": {"S": "RESERVATION#x"}, "sk": {"S": "RESERVATION"}}

    with pytest.raises(ValueError, match="TRUNCATE"):
        event_for_record(stream_record("TRUNCATE", keys=keys))


def test_a_sharded_sale_announces_only_the_stock_events(shop: Shop) -> None:
    """Shard items are not catalog items: their changes announce nothing, and the product
    item is not written by a sale, so no ProductUpdated follows."""
    mug = shop.add_product(stock=5)
    order = str(uuid.uuid4())
    before = shop.product(mug)
    shards_before = [
        shop.client.get_item(TableName="ecommerce-test-products", Key=shard_key(mug, i))["Item"]
        for i in range(4)
    ]
    shop.service.reserve(order, [StockLine(mug, 2)], PLACED)
    reserved = shop.reservation(order)
    shards_after = [
        shop.client.get_item(TableName="ecommerce-test-products", Key=shard_key(mug, i))["Item"]
        for i in range(4)
    ]

    assert shop.product(mug) == before
    assert all(
        event_for_record(item_change(old, new)) is None
        for old, new in zip(shards_before, shards_after, strict=True)
    )
    event = event_for_record(item_change(None, reserved))
    assert event is not None
    assert event["type"] == "ecommerce.products.StockReserved.v1"
    assert event["data"]["lines"] == [{"productId": mug, "quantity": 2}]  # takes stay inside
