"""SQS event source mappings: Lambda's event shape, deletes, partial failures and the DLQ."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSMessageAttribute, SQSRecord
from runtime_helpers import FORWARDER, CreateMapping, DeployFunction, client, receive_all, unique

from localcloud.invocation import InvocationResult
from localcloud.sqs_poller import succeeded_message_ids

pytest_plugins = ["runtime_fixtures"]

CONSUMER = {
    "forwarder.py": FORWARDER,
    "app.py": """
    from forwarder import forward

    def handler(event, context):
        forward(event, context)
        bodies = [record["body"] for record in event["Records"]]
        if "raise" in bodies:
            raise RuntimeError("the whole batch fails")
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["messageId"]}
                for record in event["Records"]
                if record["body"].startswith("fail")
            ]
        }
    """,
}


@pytest.fixture
def sqs(endpoint_url: str) -> Any:
    return client("sqs", endpoint_url)


def _queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def _delivered_bodies(results: list[dict[str, Any]]) -> list[str]:
    return [
        record["body"]
        for result in results
        for record in json.loads(result["Body"])["event"]["Records"]
    ]


@pytest.fixture
def consumer(
    sqs: Any, deploy_function: DeployFunction, create_mapping: CreateMapping
) -> dict[str, str]:
    """A queue (1 s visibility, DLQ after 2 receives) consumed with ReportBatchItemFailures."""
    results_url, _ = _queue(sqs, unique("results"))
    dlq_url, dlq_arn = _queue(sqs, unique("dlq"))
    queue_url, queue_arn = _queue(
        sqs,
        unique("orders"),
        VisibilityTimeout="1",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
    )
    spec = deploy_function(CONSUMER, environment={"RESULTS_URL": results_url})
    mapping = create_mapping(
        FunctionName=spec.name,
        EventSourceArn=queue_arn,
        BatchSize=10,
        MaximumBatchingWindowInSeconds=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    return {
        "queue_url": queue_url,
        "queue_arn": queue_arn,
        "dlq_url": dlq_url,
        "results_url": results_url,
        "mapping": mapping,
    }


def test_event_matches_lambdas_sqs_event_and_the_message_is_deleted(
    sqs: Any, consumer: dict[str, str]
) -> None:
    sent = sqs.send_message(
        QueueUrl=consumer["queue_url"],
        MessageBody='{"orderId": "o-1"}',
        MessageAttributes={
            "type": {"DataType": "String", "StringValue": "ecommerce.orders.OrderPlaced.v1"},
            "attempt": {"DataType": "Number", "StringValue": "3"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )

    [result] = receive_all(sqs, consumer["results_url"], 1)

    event = SQSEvent(json.loads(result["Body"])["event"])
    [record] = list(event.records)
    assert record.message_id == sent["MessageId"]
    assert record.body == '{"orderId": "o-1"}'
    assert record.json_body == {"orderId": "o-1"}
    assert record.receipt_handle
    assert record.md5_of_body == hashlib.md5(b'{"orderId": "o-1"}').hexdigest()
    assert record.event_source == "aws:sqs"
    assert record.event_source_arn == consumer["queue_arn"]
    assert record.aws_region == "us-east-1"
    assert record.attributes.approximate_receive_count == "1"
    assert int(record.attributes.sent_timestamp) > 0
    assert int(record.attributes.approximate_first_receive_timestamp) > 0
    assert record.attributes.sender_id
    attributes = {name: _attribute(record, name) for name in ("type", "attempt", "blob")}
    assert attributes["type"].string_value == "ecommerce.orders.OrderPlaced.v1"
    assert attributes["type"].data_type == "String"
    assert attributes["attempt"].string_value == "3"
    assert attributes["attempt"].data_type == "Number"
    assert attributes["blob"].binary_value == base64.b64encode(b"\x00\x01").decode()
    assert attributes["blob"].data_type == "Binary"
    assert attributes["type"]["stringListValues"] == []
    assert attributes["type"]["binaryListValues"] == []
    time.sleep(1.2)  # past the visibility timeout: a deleted message does not come back
    assert _count(sqs, consumer["queue_url"]) == 0


def test_partial_batch_failure_retries_only_the_failed_message_until_the_dlq(
    sqs: Any, consumer: dict[str, str]
) -> None:
    sqs.send_message_batch(
        QueueUrl=consumer["queue_url"],
        Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(["ok-1", "fail-2"])],
    )

    [moved] = receive_all(sqs, consumer["dlq_url"], 1, timeout_s=10)
    results = receive_all(sqs, consumer["results_url"], 2, timeout_s=2)

    assert moved["Body"] == "fail-2"
    # received twice by the poller (maxReceiveCount 2), then redriven; our receive is the 3rd
    assert moved["Attributes"]["ApproximateReceiveCount"] == "3"
    assert sorted(_delivered_bodies(results)) == ["fail-2", "fail-2", "ok-1"]
    assert _count(sqs, consumer["queue_url"]) == 0


def test_a_function_error_leaves_the_whole_batch_for_a_retry(
    sqs: Any, consumer: dict[str, str]
) -> None:
    sqs.send_message_batch(
        QueueUrl=consumer["queue_url"],
        Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(["ok-1", "raise"])],
    )

    moved = receive_all(sqs, consumer["dlq_url"], 2, timeout_s=10)

    assert sorted(message["Body"] for message in moved) == ["ok-1", "raise"]
    delivered = _delivered_bodies(receive_all(sqs, consumer["results_url"], 2, timeout_s=2))
    assert sorted(delivered) == ["ok-1", "ok-1", "raise", "raise"]


def test_disabling_the_mapping_stops_delivery_and_enabling_resumes_it(
    sqs: Any, endpoint_url: str, consumer: dict[str, str]
) -> None:
    lambda_client = client("lambda", endpoint_url)
    lambda_client.update_event_source_mapping(UUID=consumer["mapping"], Enabled=False)
    time.sleep(1.2)  # the poller finishes its long poll and sees the change (rescan 0.3 s)

    sqs.send_message(QueueUrl=consumer["queue_url"], MessageBody="ok-while-disabled")
    assert receive_all(sqs, consumer["results_url"], 1, timeout_s=1.5) == []
    assert _count(sqs, consumer["queue_url"]) == 1

    lambda_client.update_event_source_mapping(UUID=consumer["mapping"], Enabled=True)
    results = receive_all(sqs, consumer["results_url"], 1)
    assert _delivered_bodies(results) == ["ok-while-disabled"]


def _attribute(record: SQSRecord, name: str) -> SQSMessageAttribute:
    attribute = record.message_attributes[name]
    assert attribute is not None
    return attribute


def _count(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


@pytest.mark.parametrize(
    ("payload", "deleted"),
    [
        (None, {"a", "b"}),
        ({"batchItemFailures": []}, {"a", "b"}),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"a"}),
        ({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, set()),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, set()),
        ({"batchItemFailures": "nonsense"}, set()),
    ],
)
def test_report_batch_item_failures_rules(payload: Any, deleted: set[str]) -> None:
    records = [{"messageId": "a"}, {"messageId": "b"}]
    result = InvocationResult(payload=payload, error=None, duration_ms=1.0)

    assert succeeded_message_ids(records, result) == deleted
