"""``products.stock_consumer.handler``: order events from SQS, as Lambda delivers them."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from products import stock_consumer
from products.stock import StockContention
from tests.unit.helpers import dead_letter_queues, lambda_context, sqs_record
from tests.unit.products.test_stock_reservation import Shop, shop

__all__ = ["shop"]  # the fixture, shared with the reservation tests

ORDER_EVENTS = Path(__file__).parents[3] / "schemas/events/orders"


def example(name: str, file: str) -> dict[str, Any]:
    path = ORDER_EVENTS / name / "examples/v1.0/valid" / file
    event: dict[str, Any] = json.loads(path.read_text())
    return event


def valid_examples(*names: str) -> list[Path]:
    return sorted(
        path for name in names for path in (ORDER_EVENTS / name).glob("examples/v1.*/valid/*.json")
    )


def order_placed(order_id: str, *lines: tuple[str, int]) -> dict[str, Any]:
    event = example("OrderPlaced", "placed.json")
    template = event["data"]["lines"][0]
    event["id"] = str(uuid.uuid4())
    event["subject"] = event["data"]["orderId"] = order_id
    event["data"]["lines"] = [
        {**copy.deepcopy(template), "productId": product_id, "quantity": quantity}
        for product_id, quantity in lines
    ]
    return event


def order_cancelled(order_id: str, *lines: tuple[str, int]) -> dict[str, Any]:
    event = example("OrderCancelled", "cancelled-after-confirmation.json")
    event["id"] = str(uuid.uuid4())
    event["subject"] = event["data"]["orderId"] = order_id
    event["correlationid"] = "flow-cancel"
    event["data"]["lines"] = [{"productId": p, "quantity": q} for p, q in lines]
    return event


@pytest.fixture
def dlq_url(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ARG001 (in its mock)
    url = boto3.client("sqs").create_queue(QueueName="ecommerce-test-products-stock-dlq")[
        "QueueUrl"
    ]
    monkeypatch.setenv("DEAD_LETTER_QUEUES", dead_letter_queues(url))
    return str(url)


def parked(dlq_url: str) -> list[dict[str, Any]]:
    response = boto3.client("sqs").receive_message(
        QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )
    return [dict(message) for message in response.get("Messages", [])]


def deliver(*bodies: dict[str, Any] | str) -> dict[str, Any]:
    records = [
        sqs_record(body if isinstance(body, str) else json.dumps(body), message_id=f"msg-{i}")
        for i, body in enumerate(bodies)
    ]
    return dict(stock_consumer.handler({"Records": records}, lambda_context()))


def test_an_order_placed_reserves_its_lines(shop: Shop, dlq_url: str) -> None:
    mug, cup = shop.add_product(stock=5), shop.add_product(stock=2)
    order = str(uuid.uuid4())
    placed = order_placed(order, (mug, 2), (cup, 2))

    response = deliver(placed)

    assert response == {"batchItemFailures": []}
    assert (shop.stock_of(mug), shop.stock_of(cup)) == (3, 0)
    item = shop.reservation(order)
    assert item is not None
    assert item["status"] == {"S": "RESERVED"}
    assert item["lastCorrelationId"] == {"S": placed["correlationid"]}
    assert item["causationId"] == {"S": placed["id"]}
    assert parked(dlq_url) == []


def test_redelivery_in_any_order_changes_stock_once(shop: Shop, dlq_url: str) -> None:
    mug = shop.add_product(stock=5)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    placed = order_placed(first, (mug, 2))
    cancelled = order_cancelled(first, (mug, 2))
    early_cancel = order_cancelled(second, (mug, 1))
    late_placement = order_placed(second, (mug, 1))

    assert deliver(placed, placed, early_cancel) == {"batchItemFailures": []}
    assert shop.stock_of(mug) == 3
    assert deliver(cancelled, placed, late_placement, cancelled) == {"batchItemFailures": []}

    assert shop.stock_of(mug) == 5
    assert (shop.status_of(first), shop.status_of(second)) == ("RELEASED", "CANCELLED")
    assert parked(dlq_url) == []


def test_an_order_short_of_stock_is_recorded_as_failed(shop: Shop, dlq_url: str) -> None:
    mug = shop.add_product(stock=1)
    order = str(uuid.uuid4())

    assert deliver(order_placed(order, (mug, 2))) == {"batchItemFailures": []}

    assert shop.status_of(order) == "FAILED"
    assert shop.stock_of(mug) == 1
    assert parked(dlq_url) == []


@pytest.mark.parametrize(
    "path", valid_examples("OrderPlaced", "OrderCancelled"), ids=lambda p: p.stem
)
def test_every_example_of_the_subscribed_events_is_accepted(
    shop: Shop, dlq_url: str, path: Path
) -> None:
    event = json.loads(path.read_text())

    assert deliver(event) == {"batchItemFailures": []}

    assert parked(dlq_url) == []
    assert shop.status_of(event["data"]["orderId"]) in {"FAILED", "CANCELLED"}  # no products


def test_a_contract_violation_goes_to_the_dlq_untouched(shop: Shop, dlq_url: str) -> None:
    mug = shop.add_product(stock=5)
    order = str(uuid.uuid4())
    broken = order_placed(order, (mug, 2))
    broken["data"]["lines"][0]["quantity"] = 0

    response = deliver(broken, "not json")

    assert response == {"batchItemFailures": []}  # not retried
    assert shop.stock_of(mug) == 5
    assert shop.reservation(order) is None
    messages = parked(dlq_url)
    assert len(messages) == 2
    attributes = {
        m["MessageAttributes"]["sourceMessageId"]["StringValue"]: {
            name: value["StringValue"] for name, value in m["MessageAttributes"].items()
        }
        for m in messages
    }
    assert attributes["msg-0"]["errorType"] == "ContractViolation"
    assert attributes["msg-0"]["eventType"] == "ecommerce.orders.OrderPlaced.v1"
    assert attributes["msg-0"]["field"] == "data.lines[0].quantity"
    assert "not JSON" in attributes["msg-1"]["reason"]


def test_events_outside_the_subscription_are_ignored(shop: Shop, dlq_url: str) -> None:
    confirmed = json.loads(
        (ORDER_EVENTS / "OrderConfirmed/examples/v1.0/valid/confirmed.json").read_text()
    )

    assert deliver(confirmed) == {"batchItemFailures": []}

    assert shop.reservation(confirmed["data"]["orderId"]) is None
    assert parked(dlq_url) == []


def test_a_failing_record_is_retried_alone(
    shop: Shop, dlq_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mug = shop.add_product(stock=5)
    contended, fine = str(uuid.uuid4()), str(uuid.uuid4())
    reserve = stock_consumer.service().reserve

    def contended_once(order_id: str, *args: Any) -> Any:
        if order_id == contended:
            raise StockContention("still conflicting")
        return reserve(order_id, *args)

    monkeypatch.setattr(stock_consumer.service(), "reserve", contended_once)

    response = deliver(order_placed(contended, (mug, 1)), order_placed(fine, (mug, 1)))

    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert (shop.status_of(contended), shop.status_of(fine)) == (None, "RESERVED")
    assert parked(dlq_url) == []


def test_each_reservation_carries_its_orders_trace_for_the_outbox(
    shop: Shop,
    dlq_url: str,  # noqa: ARG001 (in its mock)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One batch, two orders of two traces: each reservation stores the trace context of
    the event that caused it (not the batch invocation's), so the relay publishes
    StockReserved in the order's own trace."""
    monkeypatch.setenv(
        "_X_AMZN_TRACE_ID",
        "Root=1-6a000001-111111111111111111111111;Parent=2222222222222222;Sampled=1",
    )
    mug, cup = shop.add_product(stock=5), shop.add_product(stock=5)
    first, second = (
        order_placed(str(uuid.uuid4()), (mug, 1)),
        order_placed(str(uuid.uuid4()), (cup, 1)),
    )
    first["traceparent"] = "00-6a2b3c4d0123456789abcdef01234567-53995c3f42cd8ad8-01"
    second["traceparent"] = "00-6a2b3c4e0123456789abcdef01234567-0123456789abcdef-01"

    assert deliver(first, second) == {"batchItemFailures": []}

    for placed, product in ((first, mug), (second, cup)):
        reservation = shop.reservation(placed["data"]["orderId"])
        assert reservation is not None
        assert reservation["lastTraceparent"] == {"S": placed["traceparent"]}
        # A sale takes from the product's stock shards and leaves its item (and so
        # ProductUpdated) alone: only the reservation announces it.
        assert shop.product(product).get("lastTraceparent") != {"S": placed["traceparent"]}
