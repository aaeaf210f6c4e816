"""Lambda's DynamoDB Streams event source: in-order batches per shard, checkpointed.

A batch is retried until it succeeds, up to MaximumRetryAttempts (bisecting it on
errors when BisectBatchOnFunctionError is set; with ReportBatchItemFailures, retrying
from the first failed sequence number). When retries run out or records grow older
than MaximumRecordAgeInSeconds, the batch's metadata goes to the on-failure destination
(SQS queue or SNS topic) and the shard moves on, as Lambda does.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from localcloud.deployment import StreamMapping
from localcloud.invocation import InvocationResult, Invoker

_log = logging.getLogger(__name__)

MAX_RECORDS_PER_GET = 1000
MAX_RETRY_DELAY_S = 2.0
STREAM_RECORD_VERSION = "1.1"
"""The record format version Lambda's DynamoDB events carry (moto's GetRecords says 1.0;
see tests/fixtures/aws_events/dynamodb_stream.json)."""


def _jsonable(value: Any) -> Any:
    """Binary attribute values (bytes from botocore) back to base64, as in Lambda events."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | set | tuple):
        return [_jsonable(item) for item in value]
    return value


def stream_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One GetRecords record as a Lambda DynamoDB stream event record."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    shaped = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": STREAM_RECORD_VERSION,
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": _jsonable(change),
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in record:
        shaped["userIdentity"] = record["userIdentity"]
    return shaped


def first_failed_index(records: list[dict[str, Any]], result: InvocationResult) -> int | None:
    """With ReportBatchItemFailures: where to resume (None: all done; 0: all failed).

    Lambda checkpoints at the lowest reported sequence number; an identifier that is
    empty or not in the batch fails the whole batch.
    """
    if not result.ok:
        return 0
    payload = result.payload
    failures = payload.get("batchItemFailures") if isinstance(payload, dict) else None
    if not failures:
        return None
    if not isinstance(failures, list):
        return 0
    positions = {record["dynamodb"]["SequenceNumber"]: i for i, record in enumerate(records)}
    indexes = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if identifier not in positions:
            return 0
        indexes.append(positions[identifier])
    return min(indexes)


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None


@dataclass
class _Attempt:
    """How a batch fared so far (for retries and the on-failure record)."""

    invocations: int = 0
    last: InvocationResult | None = None
    started: float = field(default_factory=time.monotonic)


class StreamPoller:
    """Delivers one DynamoDB stream to one function on a background thread."""

    def __init__(
        self,
        mapping: StreamMapping,
        *,
        streams_client: Any,
        destination_clients: dict[str, Any],
        invoker: Invoker,
        region: str,
        poll_interval_s: float = 0.25,
    ) -> None:
        self.mapping = mapping
        self._streams = streams_client
        self._destinations = destination_clients
        self._invoker = invoker
        self._region = region
        self._poll_interval_s = poll_interval_s
        self._shards: dict[str, _Shard] = {}
        self.ready = threading.Event()
        """Set once every shard has an iterator (LATEST means "from now on")."""
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"stream-poller-{mapping.uuid[:8]}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def update(self, mapping: StreamMapping) -> None:
        self.mapping = mapping

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def poll_once(self) -> int:
        """One round over the shards; returns how many records were delivered or given up."""
        self._discover_shards()
        self.ready.set()
        handled = 0
        for shard in list(self._shards.values()):
            records = self._read_batch(shard)
            if records:
                self._deliver(shard.shard_id, records)
                handled += len(records)
        return handled

    # -- reading --

    def _discover_shards(self) -> None:
        description = self._streams.describe_stream(StreamArn=self.mapping.stream_arn)
        for shard in description["StreamDescription"].get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id in self._shards:
                continue
            first_time = not self._shards and not self.ready.is_set()
            # shards that appear later (splits) are read from their beginning
            position = self.mapping.starting_position if first_time else "TRIM_HORIZON"
            iterator = self._streams.get_shard_iterator(
                StreamArn=self.mapping.stream_arn, ShardId=shard_id, ShardIteratorType=position
            )["ShardIterator"]
            self._shards[shard_id] = _Shard(shard_id, iterator)

    def _read_batch(self, shard: _Shard) -> list[dict[str, Any]]:
        mapping = self.mapping
        batch: list[dict[str, Any]] = []
        window_ends: float | None = None
        while shard.iterator and len(batch) < mapping.batch_size:
            response = self._streams.get_records(
                ShardIterator=shard.iterator,
                Limit=min(MAX_RECORDS_PER_GET, mapping.batch_size - len(batch)),
            )
            shard.iterator = response.get("NextShardIterator")
            batch.extend(response.get("Records", []))
            if not batch:
                break
            if window_ends is None:
                window_ends = time.monotonic() + mapping.batching_window_s
            remaining = window_ends - time.monotonic()
            if remaining <= 0 or self._stopping.is_set():
                break
            if not response.get("Records"):
                self._stopping.wait(min(self._poll_interval_s, remaining))
        if shard.iterator is None:
            _log.info("shard %s of %s is closed", shard.shard_id, mapping.stream_arn)
        return batch

    # -- delivering --

    def _deliver(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        pending = [records]
        while pending and not self._stopping.is_set():
            batch = pending.pop(0)
            attempt = _Attempt()
            while batch and not self._stopping.is_set():
                if self._too_old(batch):
                    self._give_up(shard_id, batch, attempt, "RecordAgeExceeded")
                    break
                result = self._invoke(batch)
                attempt.invocations += 1
                attempt.last = result
                if self.mapping.report_batch_item_failures:
                    resume_at = first_failed_index(batch, result)
                else:
                    resume_at = None if result.ok else 0
                if resume_at is None:
                    break
                if not result.ok and self.mapping.bisect_on_error and len(batch) > 1:
                    # splitting does not count against the retry quota
                    middle = len(batch) // 2
                    pending[:0] = [batch[:middle], batch[middle:]]
                    break
                batch = batch[resume_at:]
                retries = attempt.invocations - 1
                if 0 <= self.mapping.max_retry_attempts <= retries:
                    self._give_up(shard_id, batch, attempt, "RetryAttemptsExhausted")
                    break
                self._stopping.wait(min(MAX_RETRY_DELAY_S, 0.1 * 2**retries))

    def _invoke(self, batch: list[dict[str, Any]]) -> InvocationResult:
        mapping = self.mapping
        event = {"Records": [stream_record(r, mapping.stream_arn, self._region) for r in batch]}
        result = self._invoker.invoke(mapping.function_arn, event)
        if not result.ok:
            _log.warning(
                "%s failed on %d stream records: %s", mapping.function_arn, len(batch), result.error
            )
        return result

    def _too_old(self, batch: list[dict[str, Any]]) -> bool:
        limit = self.mapping.max_record_age_s
        created = batch[0]["dynamodb"].get("ApproximateCreationDateTime")
        if limit < 0 or not isinstance(created, datetime):
            return False
        return (datetime.now(UTC) - created).total_seconds() > limit

    def _give_up(
        self, shard_id: str, batch: list[dict[str, Any]], attempt: _Attempt, condition: str
    ) -> None:
        destination = self.mapping.on_failure_arn
        _log.warning(
            "%s: giving up on %d records of %s (%s); on-failure destination: %s",
            self.mapping.function_arn,
            len(batch),
            shard_id,
            condition,
            destination,
        )
        if destination:
            document = self.failure_record(shard_id, batch, attempt, condition)
            self._send_to_destination(destination, json.dumps(document))

    def failure_record(
        self, shard_id: str, batch: list[dict[str, Any]], attempt: _Attempt, condition: str
    ) -> dict[str, Any]:
        """The invocation record Lambda sends to an on-failure destination for streams."""
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if attempt.last is not None and not attempt.last.ok:
            response_context["functionError"] = "Unhandled"
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.mapping.function_arn,
                "condition": condition,
                "approximateInvokeCount": attempt.invocations,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": _iso(datetime.now(UTC)),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
                "batchSize": len(batch),
                "streamArn": self.mapping.stream_arn,
            },
        }

    def _send_to_destination(self, arn: str, body: str) -> None:
        service = arn.split(":")[2]
        if service == "sqs":
            sqs = self._destinations["sqs"]
            url = sqs.get_queue_url(QueueName=arn.split(":")[5])["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=body)
        elif service == "sns":
            self._destinations["sns"].publish(TopicArn=arn, Message=body)
        else:
            _log.error("unsupported on-failure destination %s", arn)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self.mapping.enabled:
                self._stopping.wait(0.2)
                continue
            try:
                if not self.poll_once():
                    self._stopping.wait(self._poll_interval_s)
            except Exception:
                if self._stopping.is_set():
                    return  # stopped mid-poll (the emulator may be gone already)
                _log.exception("stream poller for %s failed; retrying", self.mapping.stream_arn)
                self._stopping.wait(1.0)


def _iso(moment: Any) -> str | None:
    if not isinstance(moment, datetime):
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
