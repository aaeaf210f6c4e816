"""The DynamoDB deduplicator: markers in the consuming service's own table (moto)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest

from shared.events.deduplication import (
    DuplicateEvent,
    DynamoDBDeduplicator,
    cancelled_by_marker,
    is_marker_key,
)
from shared.events.envelope import Event, build_event
from tests.unit.conftest import create_service_table

TABLE = "ecommerce-test-service"


@pytest.fixture
def table(mocked_aws: None) -> str:  # noqa: ARG001 (inside the mock)
    create_service_table(TABLE)
    return TABLE


def an_event() -> Event:
    return build_event(
        service="products", name="StockReserved", subject="s", data={}, event_id=str(uuid.uuid4())
    )


def item(key: dict[str, Any]) -> dict[str, Any] | None:
    return boto3.client("dynamodb").get_item(TableName=TABLE, Key=key).get("Item")


class Counter:
    def __init__(self, action: Callable[[Event], None] | None = None) -> None:
        self.calls = 0
        self.action = action

    def __call__(self, event: Event) -> None:
        self.calls += 1
        if self.action:
            self.action(event)


def test_an_event_is_handled_once_then_skipped(table: str) -> None:
    dedup = DynamoDBDeduplicator(table, "orders-stock", clock=lambda: 1_000_000.0)
    handle, event = Counter(), an_event()

    dedup.run_once(event, handle)
    dedup.run_once(event, handle)

    assert handle.calls == 1
    marker = item(dedup.key(event["id"]))
    assert marker is not None
    assert marker["pk"] == {"S": f"EVENT#{event['id']}"}
    assert marker["sk"] == {"S": "orders-stock"}
    assert marker["eventType"] == {"S": "ecommerce.products.StockReserved.v1"}
    assert marker["expiresAt"] == {"N": str(1_000_000 + 15 * 24 * 3600)}


def test_markers_are_per_consumer(table: str) -> None:
    event, first, second = an_event(), Counter(), Counter()

    DynamoDBDeduplicator(table, "a").run_once(event, first)
    DynamoDBDeduplicator(table, "b").run_once(event, second)

    assert (first.calls, second.calls) == (1, 1)


def test_a_failing_handler_leaves_no_marker_so_the_retry_runs(table: str) -> None:
    dedup, event = DynamoDBDeduplicator(table, "c"), an_event()

    def fail(_: Event) -> None:
        raise RuntimeError("downstream unavailable")

    with pytest.raises(RuntimeError):
        dedup.run_once(event, Counter(fail))
    retry = Counter()
    dedup.run_once(event, retry)

    assert retry.calls == 1


def test_remember_reports_an_existing_marker(table: str) -> None:
    dedup, event = DynamoDBDeduplicator(table, "c"), an_event()

    assert dedup.remember(event) is True
    assert dedup.remember(event) is False
    assert dedup.already_handled(event["id"]) is True


def test_a_marker_in_the_handlers_transaction_commits_with_the_change(table: str) -> None:
    dedup = DynamoDBDeduplicator(table, "c", records_in_handler=True, retention=timedelta(days=1))
    client = boto3.client("dynamodb")
    state_key = {"pk": {"S": "ORDER#1"}, "sk": {"S": "ORDER"}}

    def change_state(event: Event) -> None:
        writes: list[Any] = [
            {
                "Update": {
                    "TableName": table,
                    "Key": state_key,
                    "UpdateExpression": "ADD applied :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            dedup.marker(event),
        ]
        try:
            client.transact_write_items(TransactItems=writes)
        except client.exceptions.TransactionCanceledException as error:
            if cancelled_by_marker(error.response, 1):
                raise DuplicateEvent(event["id"]) from error
            raise

    event = an_event()
    dedup.run_once(event, change_state)
    # A concurrent duplicate: it passed the marker check before the first one committed.
    with pytest.raises(DuplicateEvent):
        change_state(event)
    dedup.run_once(event, change_state)  # later redelivery: skipped by the check

    state = item(state_key)
    assert state is not None
    assert state["applied"] == {"N": "1"}


def test_run_once_treats_a_duplicate_raised_by_the_handler_as_handled(table: str) -> None:
    dedup = DynamoDBDeduplicator(table, "c", records_in_handler=True)

    def lose_the_race(event: Event) -> None:
        raise DuplicateEvent(event["id"])

    dedup.run_once(an_event(), lose_the_race)  # no exception: the record is done


def test_in_handler_mode_nothing_is_recorded_for_the_handler(table: str) -> None:
    dedup, event = DynamoDBDeduplicator(table, "c", records_in_handler=True), an_event()

    dedup.run_once(event, Counter())  # the handler decided to change nothing

    assert dedup.already_handled(event["id"]) is False


def test_helpers() -> None:
    assert is_marker_key({"pk": {"S": "EVENT#1"}, "sk": {"S": "x"}})
    assert not is_marker_key({"pk": {"S": "ORDER#1"}, "sk": {"S": "ORDER"}})
    response = {"CancellationReasons": [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}]}
    assert cancelled_by_marker(response, 1)
    assert not cancelled_by_marker(response, 0)
    assert not cancelled_by_marker({}, 1)
    with pytest.raises(ValueError, match="consumer"):
        DynamoDBDeduplicator(TABLE, "")
