"""Discovery through the AWS APIs, and an emulator that leaves the polling to the runtime."""

from __future__ import annotations

import json
from typing import Any

import pytest
from runtime_helpers import DeployFunction, client, unique

from localcloud.deployment import Deployment, FunctionNotFoundError, function_name_of

pytest_plugins = ["runtime_fixtures"]

HANDLER = {"app.py": "def handler(event, context):\n    return event\n"}


@pytest.fixture
def sources(endpoint_url: str) -> dict[str, str]:
    sqs = client("sqs", endpoint_url)
    dynamodb = client("dynamodb", endpoint_url)

    def queue(name: str, **attributes: str) -> tuple[str, str]:
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    _, dlq_arn = queue(unique("dlq"))
    queue_url, queue_arn = queue(
        unique("consumer"),
        VisibilityTimeout="45",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 4}),
    )
    _, failures_arn = queue(unique("stream-failures"))
    table = dynamodb.create_table(
        TableName=unique("table"),
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return {
        "queue_url": queue_url,
        "queue_arn": queue_arn,
        "dlq_arn": dlq_arn,
        "failures_arn": failures_arn,
        "table": table["TableName"],
        "stream_arn": table["LatestStreamArn"],
    }


def test_functions_mappings_and_queues_are_read_from_the_emulator(
    endpoint_url: str, deploy_function: DeployFunction, sources: dict[str, str]
) -> None:
    spec = deploy_function(
        HANDLER,
        timeout=7,
        memory=512,
        environment={"PRODUCTS_TABLE_NAME": "products"},
        reserved_concurrency=2,
    )
    lambda_client = client("lambda", endpoint_url)
    sqs_uuid = lambda_client.create_event_source_mapping(
        FunctionName=spec.name,
        EventSourceArn=sources["queue_arn"],
        BatchSize=25,
        MaximumBatchingWindowInSeconds=3,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        Enabled=False,
    )["UUID"]
    stream_uuid = lambda_client.create_event_source_mapping(
        FunctionName=spec.arn,
        EventSourceArn=sources["stream_arn"],
        StartingPosition="LATEST",
        BatchSize=50,
        MaximumRetryAttempts=3,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": sources["failures_arn"]}},
    )["UUID"]
    deployment = Deployment(endpoint_url)

    try:
        found = deployment.function(spec.arn)
        sqs_mappings, stream_mappings = deployment.event_source_mappings()
        queue = deployment.queue(sources["queue_arn"])
    finally:
        lambda_client.delete_event_source_mapping(UUID=sqs_uuid)
        lambda_client.delete_event_source_mapping(UUID=stream_uuid)

    assert found == spec
    assert found.handler == "app.handler"
    assert found.runtime == "python3.13"
    assert (found.timeout_s, found.memory_mb, found.reserved_concurrency) == (7, 512, 2)
    assert found.environment == {"PRODUCTS_TABLE_NAME": "products"}
    assert found.log_group == f"/aws/lambda/{spec.name}"
    assert found.code_sha256
    assert found in deployment.functions()
    [sqs_mapping] = [m for m in sqs_mappings if m.uuid == sqs_uuid]
    assert sqs_mapping.function_arn == spec.arn
    assert sqs_mapping.queue_arn == sources["queue_arn"]
    assert (sqs_mapping.batch_size, sqs_mapping.batching_window_s) == (25, 3.0)
    assert sqs_mapping.report_batch_item_failures
    assert not sqs_mapping.enabled
    [stream_mapping] = [m for m in stream_mappings if m.uuid == stream_uuid]
    assert stream_mapping.stream_arn == sources["stream_arn"]
    assert stream_mapping.starting_position == "LATEST"
    assert (stream_mapping.batch_size, stream_mapping.max_retry_attempts) == (50, 3)
    assert stream_mapping.bisect_on_error
    assert not stream_mapping.report_batch_item_failures
    assert stream_mapping.on_failure_arn == sources["failures_arn"]
    assert stream_mapping.enabled
    assert queue.url == sources["queue_url"]
    assert queue.visibility_timeout_s == 45
    assert queue.dead_letter_target_arn == sources["dlq_arn"]
    assert queue.max_receive_count == 4


def test_an_unknown_function_is_not_found(endpoint_url: str) -> None:
    with pytest.raises(FunctionNotFoundError):
        Deployment(endpoint_url).function(unique("missing"))


@pytest.mark.parametrize(
    "reference",
    [
        "products-api",
        "arn:aws:lambda:us-east-1:123456789012:function:products-api",
        "arn:aws:lambda:us-east-1:123456789012:function:products-api:$LATEST",
        "products-api:live",
    ],
)
def test_function_name_of(reference: str) -> None:
    assert function_name_of(reference) == "products-api"


def test_the_emulator_leaves_mapped_sources_to_the_runtime(
    endpoint_url: str, deploy_function: DeployFunction, sources: dict[str, str]
) -> None:
    """moto would receive SQS messages and drop stream records itself (via Docker)."""
    spec = deploy_function(HANDLER)
    lambda_client = client("lambda", endpoint_url)
    uuids = [
        lambda_client.create_event_source_mapping(
            FunctionName=spec.name, EventSourceArn=arn, StartingPosition="TRIM_HORIZON"
        )["UUID"]
        for arn in (sources["queue_arn"], sources["stream_arn"])
    ]
    sqs = client("sqs", endpoint_url)
    streams = client("dynamodbstreams", endpoint_url)
    try:
        sqs.send_message(QueueUrl=sources["queue_url"], MessageBody="untouched")
        client("dynamodb", endpoint_url).put_item(
            TableName=sources["table"], Item={"pk": {"S": "kept"}}
        )

        [message] = sqs.receive_message(
            QueueUrl=sources["queue_url"], MessageSystemAttributeNames=["All"]
        )["Messages"]
        records = _stream_records(streams, sources["stream_arn"])
    finally:
        for mapping_uuid in uuids:
            lambda_client.delete_event_source_mapping(UUID=mapping_uuid)

    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert [record["dynamodb"]["Keys"]["pk"]["S"] for record in records] == ["kept"]


def _stream_records(streams: Any, stream_arn: str) -> list[dict[str, Any]]:
    [shard] = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    return records
