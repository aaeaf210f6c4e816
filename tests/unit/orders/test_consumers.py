"""The two consumers: the product projection and the stock results (moto DynamoDB, SQS)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from orders import projection_consumer, stock_consumer
from orders.catalog import DynamoDBCatalog
from orders.repository import DynamoDBOrderRepository
from shared.events.consumer import EventConsumer
from tests.unit.helpers import dead_letter_queues, lambda_context
from tests.unit.orders.conftest import TABLE, Caller, Product, User, sqs_event, table_item
from tests.unit.orders.saga import product_event, stock_failed, stock_reserved
from tests.unit.orders.test_api import place

SCHEMAS = Path(__file__).parents[3] / "schemas/events/products"
ALICE = User.new("customer")


@pytest.fixture
def dlq_url(orders_table: str, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ARG001
    url = boto3.client("sqs").create_queue(QueueName="ecommerce-test-orders-dlq")["QueueUrl"]
    monkeypatch.setenv("DEAD_LETTER_QUEUES", dead_letter_queues(url))
    return url


def parked(dlq_url: str) -> list[dict[str, Any]]:
    return (
        boto3.client("sqs")
        .receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )


def project(*events: dict[str, Any] | str) -> dict[str, Any]:
    return dict(projection_consumer.handler(sqs_event(*events), lambda_context()))


def deliver(*events: dict[str, Any] | str) -> dict[str, Any]:
    return dict(stock_consumer.handler(sqs_event(*events), lambda_context()))


def projected(product_id: str) -> dict[str, Any] | None:
    return table_item(f"PRODUCT#{product_id}", "PROJECTION")


def orderable(product_id: str) -> bool:
    found = DynamoDBCatalog(TABLE, boto3.client("dynamodb")).find([product_id]).products
    return product_id in found


def examples(event: str) -> list[Path]:
    return sorted((SCHEMAS / event / "examples").glob("v1.*/valid/*.json"))


# --- product projection ------------------------------------------------------------------


def test_created_then_updated_products_are_projected(orders_table: str) -> None:  # noqa: ARG001
    product_id = str(uuid.uuid4())

    response = project(
        product_event("ProductCreated", product_id, 1),
        product_event("ProductUpdated", product_id, 2, price={"amount": 990, "currency": "EUR"}),
    )

    assert response == {"batchItemFailures": []}
    item = projected(product_id)
    assert item is not None
    assert item["version"] == {"N": "2"}
    assert item["price"]["M"]["amount"] == {"N": "990"}
    assert item["deleted"] == {"BOOL": False}


def test_an_older_event_never_moves_the_projection_back(orders_table: str) -> None:  # noqa: ARG001
    product_id = str(uuid.uuid4())
    newer = product_event("ProductUpdated", product_id, 3, name="New name")

    project(newer, product_event("ProductCreated", product_id, 1))
    project(product_event("ProductUpdated", product_id, 2, name="Old name"), newer)

    item = projected(product_id)
    assert item is not None
    assert (item["version"], item["name"]) == ({"N": "3"}, {"S": "New name"})


def test_a_deletion_wins_over_updates_up_to_its_version(orders_table: str) -> None:  # noqa: ARG001
    product_id = str(uuid.uuid4())
    deleted = product_event("ProductDeleted", product_id, 2)

    project(product_event("ProductCreated", product_id, 1), deleted)
    project(product_event("ProductUpdated", product_id, 2), deleted)  # late and repeated

    item = projected(product_id)
    assert item is not None
    assert (item["deleted"], item["version"]) == ({"BOOL": True}, {"N": "2"})
    assert not orderable(product_id)


def test_a_deletion_arriving_first_is_not_undone(orders_table: str) -> None:  # noqa: ARG001
    product_id = str(uuid.uuid4())

    project(product_event("ProductDeleted", product_id, 2))
    project(product_event("ProductCreated", product_id, 1))

    assert not orderable(product_id)


def test_an_order_uses_the_projected_price(
    call: Caller,
    orders_table: str,  # noqa: ARG001
) -> None:
    product_id = str(uuid.uuid4())
    project(
        product_event("ProductCreated", product_id, 1),
        product_event("ProductUpdated", product_id, 2, price={"amount": 500, "currency": "EUR"}),
    )

    order = place(call, ALICE, (Product(product_id, "MUG-1", "Blue mug", 0), 2))

    assert order["total"] == {"amount": 1000, "currency": "EUR"}


@pytest.mark.parametrize(
    "path",
    [p for e in ("ProductCreated", "ProductUpdated", "ProductDeleted") for p in examples(e)],
    ids=lambda p: f"{p.parents[3].name}/{p.stem}",
)
def test_the_projection_accepts_every_example(dlq_url: str, path: Path) -> None:
    product_id = json.loads(path.read_text())["data"]["productId"]

    response = project(path.read_text())

    assert response == {"batchItemFailures": []}
    assert parked(dlq_url) == []
    assert projected(product_id) is not None


# --- stock results -----------------------------------------------------------------------


@pytest.fixture
def pending(call: Caller, catalog: Callable[..., Product]) -> dict[str, Any]:
    return place(call, ALICE, (catalog(), 2))


def order_item(order: dict[str, Any]) -> dict[str, Any]:
    item = table_item(f"ORDER#{order['id']}", "ORDER")
    assert item is not None
    return item


def test_stock_reserved_confirms_a_pending_order(pending: dict[str, Any]) -> None:
    response = deliver(stock_reserved(pending))

    assert response == {"batchItemFailures": []}
    item = order_item(pending)
    assert item["status"] == {"S": "CONFIRMED"}
    assert "confirmedAt" in item
    assert item["version"] == {"N": "2"}
    assert item["lastCorrelationId"] == {"S": "flow-stock"}


def test_a_failed_reservation_rejects_with_the_reasons(pending: dict[str, Any]) -> None:
    deliver(stock_failed(pending, available=1))

    item = order_item(pending)
    assert item["status"] == {"S": "REJECTED"}
    [reason] = item["rejectionReasons"]["L"]
    assert reason["M"]["code"] == {"S": "INSUFFICIENT_STOCK"}
    assert (reason["M"]["requested"], reason["M"]["available"]) == ({"N": "2"}, {"N": "1"})


def test_a_cancelled_order_stays_cancelled(call: Caller, pending: dict[str, Any]) -> None:
    call("DELETE", f"/orders/{pending['id']}", user=ALICE)

    deliver(stock_reserved(pending), stock_failed(pending))

    assert order_item(pending)["status"] == {"S": "CANCELLED"}


def test_the_first_result_decides(pending: dict[str, Any]) -> None:
    deliver(stock_reserved(pending))
    deliver(stock_failed(pending))

    assert order_item(pending)["status"] == {"S": "CONFIRMED"}


def test_each_event_is_applied_once(pending: dict[str, Any]) -> None:
    event = stock_reserved(pending, event_id=str(uuid.uuid4()))

    deliver(event)
    deliver(event, event)

    item = order_item(pending)
    assert item["version"] == {"N": "2"}
    marker = table_item(f"EVENT#{event['id']}", stock_consumer.CONSUMER)
    assert marker is not None
    assert int(marker["expiresAt"]["N"]) > 0


def test_a_result_for_an_unknown_order_is_dropped(orders_table: str) -> None:  # noqa: ARG001
    unknown = {"id": str(uuid.uuid4()), "lines": [{"productId": str(uuid.uuid4()), "quantity": 1}]}

    response = deliver(stock_reserved(unknown))

    assert response == {"batchItemFailures": []}


@pytest.mark.parametrize(
    "path",
    [p for e in ("StockReserved", "StockReservationFailed") for p in examples(e)],
    ids=lambda p: f"{p.parents[3].name}/{p.stem}",
)
def test_the_stock_consumer_accepts_every_example(dlq_url: str, path: Path) -> None:
    response = deliver(path.read_text())

    assert response == {"batchItemFailures": []}
    assert parked(dlq_url) == []


# --- contract violations -----------------------------------------------------------------


@pytest.mark.parametrize("consumer", [projection_consumer.handler, stock_consumer.handler])
def test_contract_violations_go_to_the_dlq(
    dlq_url: str, pending: dict[str, Any], consumer: EventConsumer
) -> None:
    broken = stock_reserved(pending)
    broken["data"]["lines"] = []
    not_json = "{oops"

    response = dict(consumer(sqs_event(broken, not_json), lambda_context()))

    assert response == {"batchItemFailures": []}  # parked, not retried
    messages = parked(dlq_url)
    assert len(messages) == 2
    reasons = {m["MessageAttributes"]["errorType"]["StringValue"] for m in messages}
    assert reasons == {"ContractViolation"}
    assert order_item(pending)["status"] == {"S": "PENDING"}


def test_a_failing_write_is_retried_not_parked(
    dlq_url: str, pending: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERS_TABLE_NAME", "no-such-table")
    stock_consumer.service.cache_clear()
    stock_consumer.deduplicator.cache_clear()
    stock_consumer.consumer.cache_clear()

    with pytest.raises(BatchProcessingError):  # every record failed: the batch is retried
        deliver(stock_reserved(pending), stock_failed(pending))

    assert parked(dlq_url) == []


# --- races -------------------------------------------------------------------------------


def race(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], Any]) -> None:
    """Runs ``meanwhile`` between the next order write's read and its conditional put."""
    original = DynamoDBOrderRepository.replace
    raced: list[bool] = []

    def replace(self: DynamoDBOrderRepository, *args: Any, **kwargs: Any) -> None:
        if not raced:
            raced.append(True)
            meanwhile()
        original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBOrderRepository, "replace", replace)


def test_a_cancel_racing_a_confirmation_decides_again(
    call: Caller, pending: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    race(monkeypatch, lambda: deliver(stock_reserved(pending)))

    response = call("DELETE", f"/orders/{pending['id']}", user=ALICE)

    assert response.status == 200
    item = order_item(pending)
    assert (item["status"], item["version"]) == ({"S": "CANCELLED"}, {"N": "3"})
    assert "confirmedAt" in item


def test_a_confirmation_racing_a_cancel_leaves_it_cancelled(
    call: Caller, pending: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    race(monkeypatch, lambda: call("DELETE", f"/orders/{pending['id']}", user=ALICE))

    response = deliver(stock_reserved(pending))

    assert response == {"batchItemFailures": []}
    item = order_item(pending)
    assert (item["status"], item["version"]) == ({"S": "CANCELLED"}, {"N": "2"})
