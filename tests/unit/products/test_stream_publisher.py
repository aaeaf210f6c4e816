"""The outbox: stream records of real product items -> validated events on the topic."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest

from products import stream_publisher
from products.events import event_for_record, event_id_for
from shared import aws
from shared.contracts import validate_event
from tests.unit.conftest import ApiCall, Topic
from tests.unit.helpers import item_change, lambda_context, stream_event, stream_record

TABLE = "ecommerce-test-products"


def item(pk: str, sk: str = "PRODUCT") -> dict[str, Any]:
    response = boto3.client("dynamodb").get_item(
        TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}
    )
    return dict(response["Item"])


def product_lifecycle(call_api: ApiCall) -> tuple[str, list[dict[str, Any]]]:
    """Creates, updates and deletes a product through the API; returns the stream records
    DynamoDB wrote (SKU guards included), in order."""
    body = {"sku": "MUG-1", "name": "Mug", "price": {"amount": 1290, "currency": "EUR"}}
    created = call_api("POST", "/products", body=body, headers={"X-Correlation-Id": "flow-c"})
    product_id = created.body["id"]
    pk = f"PRODUCT#{product_id}"
    v1, guard = item(pk), item("SKU#MUG-1", "SKU")
    call_api(
        "PUT",
        f"/products/{product_id}",
        body={"version": 1, "stock": 5, "price": {"amount": 990, "currency": "EUR"}},
        headers={"X-Correlation-Id": "flow-u"},
    )
    v2 = item(pk)
    call_api("DELETE", f"/products/{product_id}")
    records = [
        item_change(None, v1, 1),
        item_change(None, guard, 2),
        item_change(v1, v2, 3),
        item_change(v2, None, 4),
        item_change(guard, None, 5),
    ]
    return product_id, records


def publish(*records: dict[str, Any]) -> dict[str, Any]:
    return dict(stream_publisher.handler(stream_event(*records), lambda_context()))


def test_a_product_lifecycle_is_announced_on_the_topic(
    call_api: ApiCall, events_topic: Topic
) -> None:
    product_id, records = product_lifecycle(call_api)

    response = publish(*records)

    assert response == {"batchItemFailures": []}
    messages = events_topic.received(expected=3)
    events = [json.loads(m["Body"]) for m in messages]
    by_type = {e["type"].split(".")[2]: e for e in events}
    assert sorted(by_type) == ["ProductCreated", "ProductDeleted", "ProductUpdated"]
    for message, event in zip(messages, events, strict=True):
        assert validate_event(event)
        assert message["MessageAttributes"]["type"]["StringValue"] == event["type"]
        assert event["subject"] == product_id
        assert event["source"] == "/ecommerce/products"

    created, updated, deleted = (
        by_type["ProductCreated"],
        by_type["ProductUpdated"],
        by_type["ProductDeleted"],
    )
    assert created["data"] == {
        "productId": product_id,
        "sku": "MUG-1",
        "name": "Mug",
        "description": "",
        "price": {"amount": 1290, "currency": "EUR"},
        "stock": 0,
        "version": 1,
        "createdAt": created["data"]["createdAt"],
        "updatedAt": created["data"]["createdAt"],
    }
    assert created["correlationid"] == "flow-c"
    assert updated["data"]["changes"] == ["price", "stock"]
    assert (updated["data"]["version"], updated["data"]["stock"]) == (2, 5)
    assert updated["correlationid"] == "flow-u"
    assert deleted["data"] == {
        "productId": product_id,
        "sku": "MUG-1",
        "version": 2,
        "deletedAt": "2025-03-14T09:26:53.000Z",
    }


def test_event_ids_are_derived_from_the_stream_record(call_api: ApiCall) -> None:
    _, records = product_lifecycle(call_api)
    insert = records[0]

    first, again = event_for_record(insert), event_for_record(insert)

    assert first is not None
    assert again is not None
    assert first["id"] == again["id"] == event_id_for(insert["eventID"])
    assert uuid.UUID(first["id"]).version == 5
    assert event_for_record({**insert, "eventID": "other"})["id"] != first["id"]  # type: ignore[index]


def test_sku_guards_and_no_op_modifications_announce_nothing(call_api: ApiCall) -> None:
    _, records = product_lifecycle(call_api)
    v1 = records[0]["dynamodb"]["NewImage"]
    touched = {**v1, "lastCorrelationId": {"S": "another-request"}}

    assert event_for_record(records[1]) is None  # SKU guard written
    assert event_for_record(records[4]) is None  # SKU guard removed
    assert event_for_record(item_change(v1, touched)) is None


def test_records_that_fail_to_publish_are_reported_for_retry(
    call_api: ApiCall, events_topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, records = product_lifecycle(call_api)
    sns = aws.sns()  # the process-wide client the publisher uses
    publish_for_real = sns.publish

    def flaky_publish(**request: Any) -> Any:
        if json.loads(request["Message"])["type"].endswith("ProductUpdated.v1"):
            raise sns.exceptions.InternalErrorException(
                {"Error": {"Code": "InternalError", "Message": "SNS is down"}}, "Publish"
            )
        return publish_for_real(**request)

    monkeypatch.setattr(sns, "publish", flaky_publish)

    response = publish(*records)

    update_sequence = records[2]["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": update_sequence}]}
    published = [json.loads(m["Body"])["type"] for m in events_topic.received(expected=2)]
    assert sorted(t.split(".")[2] for t in published) == ["ProductCreated", "ProductDeleted"]


def test_an_item_that_cannot_be_announced_fails_its_record_only(
    call_api: ApiCall, events_topic: Topic
) -> None:
    _, records = product_lifecycle(call_api)
    broken = json.loads(json.dumps(records[0]))
    broken["dynamodb"]["NewImage"]["stock"] = {"N": "-1"}  # not a valid product

    response = publish(broken, records[2])

    assert response == {
        "batchItemFailures": [{"itemIdentifier": broken["dynamodb"]["SequenceNumber"]}]
    }
    assert len(events_topic.received(expected=1)) == 1


def test_an_unknown_event_name_is_a_failure() -> None:
    record = stream_record("TRUNCATE", keys={"pk": {"S": "PRODUCT#x"}, "sk": {"S": "PRODUCT"}})

    with pytest.raises(ValueError, match="TRUNCATE"):
        event_for_record(record)
