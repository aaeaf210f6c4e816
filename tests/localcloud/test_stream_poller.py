"""DynamoDB stream event source mappings: order, event shape, retries, bisecting, on-failure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
    StreamRecord,
    StreamViewType,
)
from runtime_helpers import FORWARDER, CreateMapping, DeployFunction, client, receive_all, unique

from localcloud.invocation import InvocationResult
from localcloud.stream_poller import first_failed_index

pytest_plugins = ["runtime_fixtures"]

CONSUMER = {
    "forwarder.py": FORWARDER,
    "app.py": """
    import os
    from forwarder import forward

    def handler(event, context):
        forward(event, context)
        keys = [record["dynamodb"]["Keys"]["pk"]["S"] for record in event["Records"]]
        if os.environ.get("MODE") == "raise" and any(k.startswith("poison") for k in keys):
            raise ValueError("poison record")
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["dynamodb"]["SequenceNumber"]}
                for record in event["Records"]
                if record["dynamodb"]["Keys"]["pk"]["S"].startswith("poison")
            ]
        }
    """,
}


@pytest.fixture
def sqs(endpoint_url: str) -> Any:
    return client("sqs", endpoint_url)


@pytest.fixture
def stream_setup(sqs: Any, endpoint_url: str) -> dict[str, str]:
    dynamodb = client("dynamodb", endpoint_url)
    table = unique("products")
    description = dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    results_url = sqs.create_queue(
        QueueName=unique("results") + ".fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    failures_url = sqs.create_queue(QueueName=unique("stream-failures"))["QueueUrl"]
    failures_arn = sqs.get_queue_attributes(QueueUrl=failures_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return {
        "table": table,
        "stream_arn": description["LatestStreamArn"],
        "results_url": results_url,
        "failures_url": failures_url,
        "failures_arn": failures_arn,
    }


def _put(endpoint_url: str, table: str, *keys: str) -> None:
    dynamodb = client("dynamodb", endpoint_url)
    for key in keys:
        dynamodb.put_item(TableName=table, Item={"pk": {"S": key}, "n": {"N": "1"}})


def _batches(sqs: Any, results_url: str, count: int) -> list[list[dict[str, Any]]]:
    messages = receive_all(sqs, results_url, count)
    return [json.loads(message["Body"])["event"]["Records"] for message in messages]


def _keys(batch: list[dict[str, Any]]) -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in batch]


def test_changes_arrive_in_order_in_lambdas_stream_event_shape(
    sqs: Any,
    endpoint_url: str,
    stream_setup: dict[str, str],
    deploy_function: DeployFunction,
    create_mapping: CreateMapping,
) -> None:
    dynamodb = client("dynamodb", endpoint_url)
    table = stream_setup["table"]
    _put(endpoint_url, table, "a", "b", "c")
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET n = :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
    )
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "b"}})
    spec = deploy_function(CONSUMER, environment={"RESULTS_URL": stream_setup["results_url"]})
    create_mapping(
        FunctionName=spec.name,
        EventSourceArn=stream_setup["stream_arn"],
        StartingPosition="TRIM_HORIZON",
        BatchSize=2,
    )

    batches = _batches(sqs, stream_setup["results_url"], 3)

    assert [len(batch) for batch in batches] == [2, 2, 1]
    records = list(DynamoDBStreamEvent({"Records": [r for b in batches for r in b]}).records)
    changes = [_change(record) for record in records]
    assert [(r.event_name, c.keys["pk"]) for r, c in zip(records, changes, strict=True)] == [
        (DynamoDBRecordEventName.INSERT, "a"),
        (DynamoDBRecordEventName.INSERT, "b"),
        (DynamoDBRecordEventName.INSERT, "c"),
        (DynamoDBRecordEventName.MODIFY, "a"),
        (DynamoDBRecordEventName.REMOVE, "b"),
    ]
    sequence = [int(change.sequence_number or 0) for change in changes]
    assert sequence == sorted(sequence)
    assert changes[4].new_image == {}
    assert changes[4].old_image == {"pk": "b", "n": 1}
    modify, change = records[3], changes[3]
    assert change.old_image == {"pk": "a", "n": 1}
    assert change.new_image == {"pk": "a", "n": 2}
    assert change.stream_view_type == StreamViewType.NEW_AND_OLD_IMAGES
    assert (change.size_bytes or 0) > 0
    assert isinstance(change.approximate_creation_date_time, int)
    assert modify.event_source == "aws:dynamodb"
    assert modify.event_source_arn == stream_setup["stream_arn"]
    assert modify.aws_region == "us-east-1"
    assert modify.event_id
    assert modify.event_version


def test_retries_run_out_then_the_batch_goes_to_the_on_failure_destination(
    sqs: Any,
    endpoint_url: str,
    stream_setup: dict[str, str],
    deploy_function: DeployFunction,
    create_mapping: CreateMapping,
) -> None:
    _put(endpoint_url, stream_setup["table"], "poison-1")
    spec = deploy_function(
        CONSUMER, environment={"RESULTS_URL": stream_setup["results_url"], "MODE": "raise"}
    )
    create_mapping(
        FunctionName=spec.name,
        EventSourceArn=stream_setup["stream_arn"],
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": stream_setup["failures_arn"]}},
    )

    [failure] = receive_all(sqs, stream_setup["failures_url"], 1)
    _put(endpoint_url, stream_setup["table"], "fine-2")  # the shard moved on

    record = json.loads(failure["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"] == spec.arn
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    assert info["streamArn"] == stream_setup["stream_arn"]
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert info["shardId"]
    batches = _batches(sqs, stream_setup["results_url"], 4)
    assert [_keys(batch) for batch in batches] == [["poison-1"]] * 3 + [["fine-2"]]


def test_batch_item_failures_retry_from_the_first_failed_record(
    sqs: Any,
    endpoint_url: str,
    stream_setup: dict[str, str],
    deploy_function: DeployFunction,
    create_mapping: CreateMapping,
) -> None:
    _put(endpoint_url, stream_setup["table"], "ok-1", "poison-2", "ok-3")
    spec = deploy_function(CONSUMER, environment={"RESULTS_URL": stream_setup["results_url"]})
    create_mapping(
        FunctionName=spec.name,
        EventSourceArn=stream_setup["stream_arn"],
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": stream_setup["failures_arn"]}},
    )

    [failure] = receive_all(sqs, stream_setup["failures_url"], 1)

    batches = _batches(sqs, stream_setup["results_url"], 2)
    assert [_keys(batch) for batch in batches] == [
        ["ok-1", "poison-2", "ok-3"],
        ["poison-2", "ok-3"],
    ]
    info = json.loads(failure["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2
    assert info["startSequenceNumber"] == batches[1][0]["dynamodb"]["SequenceNumber"]
    assert "functionError" not in json.loads(failure["Body"])["responseContext"]


def test_bisecting_isolates_the_failing_record(
    sqs: Any,
    endpoint_url: str,
    stream_setup: dict[str, str],
    deploy_function: DeployFunction,
    create_mapping: CreateMapping,
) -> None:
    _put(endpoint_url, stream_setup["table"], "ok-1", "poison-2", "ok-3", "ok-4")
    spec = deploy_function(
        CONSUMER, environment={"RESULTS_URL": stream_setup["results_url"], "MODE": "raise"}
    )
    create_mapping(
        FunctionName=spec.name,
        EventSourceArn=stream_setup["stream_arn"],
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=0,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": stream_setup["failures_arn"]}},
    )

    [failure] = receive_all(sqs, stream_setup["failures_url"], 1)

    batches = _batches(sqs, stream_setup["results_url"], 5)
    assert [_keys(batch) for batch in batches] == [
        ["ok-1", "poison-2", "ok-3", "ok-4"],
        ["ok-1", "poison-2"],
        ["ok-1"],
        ["poison-2"],
        ["ok-3", "ok-4"],
    ]
    assert json.loads(failure["Body"])["DDBStreamBatchInfo"]["batchSize"] == 1


def test_latest_skips_what_was_written_before_the_mapping(
    endpoint_url: str,
    stream_setup: dict[str, str],
    deploy_function: DeployFunction,
    create_mapping: CreateMapping,
    pollers: Any,
) -> None:
    _put(endpoint_url, stream_setup["table"], "before")
    spec = deploy_function(CONSUMER, environment={"RESULTS_URL": stream_setup["results_url"]})
    mapping = create_mapping(
        FunctionName=spec.name,
        EventSourceArn=stream_setup["stream_arn"],
        StartingPosition="LATEST",
    )
    assert pollers.poller(mapping).ready.wait(5)
    _put(endpoint_url, stream_setup["table"], "after")

    batches = _batches(client("sqs", endpoint_url), stream_setup["results_url"], 1)

    assert [_keys(batch) for batch in batches] == [["after"]]


def _change(record: DynamoDBRecord) -> StreamRecord:
    change = record.dynamodb
    assert change is not None
    return change


def _record(sequence: str) -> dict[str, Any]:
    return {"dynamodb": {"SequenceNumber": sequence}}


@pytest.mark.parametrize(
    ("result", "resume_at"),
    [
        (InvocationResult(None, None, 1.0), None),
        (InvocationResult({"batchItemFailures": []}, None, 1.0), None),
        (InvocationResult({"batchItemFailures": [{"itemIdentifier": "3"}]}, None, 1.0), 2),
        (
            InvocationResult(
                {"batchItemFailures": [{"itemIdentifier": "3"}, {"itemIdentifier": "2"}]},
                None,
                1.0,
            ),
            1,
        ),
        (InvocationResult({"batchItemFailures": [{"itemIdentifier": "9"}]}, None, 1.0), 0),
        (InvocationResult(None, {"errorType": "ValueError"}, 1.0), 0),
    ],
)
def test_checkpoint_rules(result: InvocationResult, resume_at: int | None) -> None:
    records = [_record("1"), _record("2"), _record("3")]

    assert first_failed_index(records, result) == resume_at
