from __future__ import annotations

import copy
import json
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.hooks import HierarchicalEmitter

from shared.contracts import ContractViolation, validate_event
from shared.events.envelope import build_event
from shared.events.publisher import EventPublisher, PublishBatchError
from tests.unit.conftest import Topic

PRODUCT_ID = "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d"


def deleted_event(version: int = 1) -> dict[str, Any]:
    return build_event(
        service="products",
        name="ProductDeleted",
        subject=PRODUCT_ID,
        data={
            "productId": PRODUCT_ID,
            "sku": "MUG-1",
            "version": version,
            "deletedAt": "2025-03-14T09:26:53.612Z",
        },
    )


class RecordingSns:
    """Stands in for the SNS client: records calls, fails the entries it is told to."""

    def __init__(self, failing_entries: frozenset[str] = frozenset()) -> None:
        self.meta = SimpleNamespace(events=HierarchicalEmitter())
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failing_entries = failing_entries

    def publish(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("publish", request))
        return {"MessageId": "m-1"}

    def publish_batch(self, **request: Any) -> dict[str, Any]:
        self.calls.append(("publish_batch", request))
        entries = request["PublishBatchRequestEntries"]
        return {
            "Successful": [
                {"Id": e["Id"], "MessageId": f"m-{e['Id']}"}
                for e in entries
                if json.loads(e["Message"])["id"] not in self.failing_entries
            ],
            "Failed": [
                {"Id": e["Id"], "Code": "InternalError", "Message": "boom", "SenderFault": False}
                for e in entries
                if json.loads(e["Message"])["id"] in self.failing_entries
            ],
        }


def test_published_events_reach_a_subscribed_queue_with_their_type(events_topic: Topic) -> None:
    event = deleted_event()

    EventPublisher(events_topic.arn, boto3.client("sns")).publish(event)

    [message] = events_topic.received()
    assert json.loads(message["Body"]) == event  # raw delivery: the body is the envelope
    assert validate_event(json.loads(message["Body"]))
    assert message["MessageAttributes"]["type"] == {
        "DataType": "String",
        "StringValue": "ecommerce.products.ProductDeleted.v1",
    }


def test_publish_batch_reaches_the_queue(events_topic: Topic) -> None:
    events = [deleted_event(version) for version in range(1, 13)]

    published = EventPublisher(events_topic.arn, boto3.client("sns")).publish_batch(events)

    assert published == [e["id"] for e in events]
    received = events_topic.received(expected=12)
    assert sorted(json.loads(m["Body"])["id"] for m in received) == sorted(published)
    assert {m["MessageAttributes"]["type"]["StringValue"] for m in received} == {
        "ecommerce.products.ProductDeleted.v1"
    }


def test_an_invalid_event_is_never_published() -> None:
    sns = RecordingSns()
    invalid = deleted_event()
    del invalid["data"]["sku"]

    with pytest.raises(ContractViolation) as violation:
        EventPublisher("arn:topic", sns).publish(invalid)  # type: ignore[arg-type]

    assert violation.value.field == "data.sku"
    assert sns.calls == []


def test_one_invalid_event_stops_the_whole_batch_before_anything_is_sent() -> None:
    sns = RecordingSns()
    invalid = deleted_event()
    invalid["source"] = "/ecommerce/orders"

    with pytest.raises(ContractViolation):
        EventPublisher("arn:topic", sns).publish_batch([deleted_event(), invalid])  # type: ignore[arg-type]

    assert sns.calls == []


def test_batches_are_sent_ten_at_a_time_with_the_type_attribute() -> None:
    sns = RecordingSns()
    events = [deleted_event(version) for version in range(1, 24)]

    EventPublisher("arn:topic", sns).publish_batch(copy.deepcopy(events))  # type: ignore[arg-type]

    sizes = [len(request["PublishBatchRequestEntries"]) for _, request in sns.calls]
    assert sizes == [10, 10, 3]
    first = sns.calls[0][1]["PublishBatchRequestEntries"][0]
    assert first["MessageAttributes"]["type"]["StringValue"] == events[0]["type"]
    assert all(request["TopicArn"] == "arn:topic" for _, request in sns.calls)


def test_failed_batch_entries_are_surfaced_as_errors() -> None:
    events = [deleted_event(version) for version in range(1, 15)]
    failing = frozenset({events[3]["id"], events[12]["id"]})
    sns = RecordingSns(failing_entries=failing)

    with pytest.raises(PublishBatchError) as error:
        EventPublisher("arn:topic", sns).publish_batch(events)  # type: ignore[arg-type]

    assert {f.event_id for f in error.value.failed} == failing
    assert error.value.failed[0].code == "InternalError"
    assert len(error.value.published) == 12
    assert failing.isdisjoint(error.value.published)


def test_from_environment_uses_the_topic_variable(
    events_topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTS_TOPIC_ARN", events_topic.arn)

    EventPublisher.from_environment().publish(deleted_event())

    assert len(events_topic.received()) == 1
