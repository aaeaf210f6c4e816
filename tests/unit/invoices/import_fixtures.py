"""The invoice import's world in moto: the invoices table (with its stream), the imports
bucket, an admin in Cognito, and the way a status reaches the admin's connection: the
table's stream -> ``invoices.events`` (what the stream publisher announces, validated as it
validates) -> realtime's push consumer -> the fake ``@connections`` API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from invoices import events, import_processor, import_requests, import_sweeper
from realtime import push_consumer
from shared.contracts import validate_event
from shared.events.envelope import Event
from tests.unit.conftest import create_service_table
from tests.unit.helpers import lambda_context, sqs_record
from tests.unit.realtime.fixtures import FakeManagementApi, realtime  # noqa: F401 (fixture)

INVOICES_TABLE = "ecommerce-test-invoices"
IMPORTS_BUCKET = "ecommerce-test-invoice-imports"


class Pushes:
    """What the admins' connections received. Reading ``posted`` first delivers every
    event the invoices table's stream announced since the last read, as the deployed
    pipeline would (stream publisher, invoices topic, realtime's queue and consumer)."""

    def __init__(self, api: FakeManagementApi) -> None:
        self.api = api
        self.announced: list[Event] = []
        self._seen: set[str] = set()

    @property
    def posted(self) -> dict[str, list[dict[str, Any]]]:
        self.deliver()
        return self.api.posted

    @property
    def gone(self) -> set[str]:
        return self.api.gone

    def add_user(self, username: str, *groups: str) -> None:
        self.api.add_user(username, *groups)

    def deliver(self) -> None:
        announced = []
        for record in stream_records(INVOICES_TABLE):
            sequence = record["dynamodb"]["SequenceNumber"]
            if sequence in self._seen:
                continue
            self._seen.add(sequence)
            event = events.event_for_record(record)
            if event is not None:
                announced.append(validate_event(json.loads(json.dumps(event))))
        if not announced:
            return
        self.announced.extend(announced)
        batch = {"Records": [sqs_record(json.dumps(event)) for event in announced]}
        assert push_consumer.handler(batch, lambda_context()) == {"batchItemFailures": []}


def stream_records(table: str) -> list[dict[str, Any]]:
    """Every record of the table's stream so far, in order (moto keeps one shard)."""
    stream_arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"][
        "LatestStreamArn"
    ]
    region = stream_arn.split(":")[3]
    # The classic endpoint: moto does not answer botocore's account-based one.
    streams = boto3.client(
        "dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{region}.amazonaws.com"
    )
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            records.extend(page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def reset_caches() -> None:
    for cached in (
        import_requests.imports,
        import_requests.presigner,
        import_requests.cognito,
        import_processor.imports,
        import_processor.invoices,
        import_sweeper.imports,
    ):
        cached.cache_clear()
    import_requests._groups_cache.clear()


@pytest.fixture
def pushes(
    realtime: FakeManagementApi,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Pushes]:
    create_service_table(INVOICES_TABLE)
    boto3.client("s3").create_bucket(Bucket=IMPORTS_BUCKET)
    for name, value in {
        "INVOICES_TABLE_NAME": INVOICES_TABLE,
        "IMPORTS_BUCKET_NAME": IMPORTS_BUCKET,
        "IMPORT_TIMEOUT_SECONDS": "60",
    }.items():
        monkeypatch.setenv(name, value)
    reset_caches()
    yield Pushes(realtime)
    reset_caches()
