"""Lambda's SQS event source: long-poll a queue, invoke with batches, delete what succeeded.

Failed messages are simply not deleted: they reappear after the queue's visibility
timeout, and SQS's own redrive (RedrivePolicy, which moto implements on receive)
moves a message to the dead-letter queue once it was received maxReceiveCount times.
"""

from __future__ import annotations

import base64
import logging
import math
import threading
import time
from typing import Any

from localcloud.deployment import QueueSettings, SqsMapping
from localcloud.invocation import InvocationResult, Invoker

_log = logging.getLogger(__name__)

MAX_MESSAGES_PER_RECEIVE = 10


def _attribute_in_lambda_shape(attribute: dict[str, Any]) -> dict[str, Any]:
    """SQS API message attribute -> the camelCase shape Lambda puts in the event."""
    shaped: dict[str, Any] = {
        "stringListValues": attribute.get("StringListValues", []),
        "binaryListValues": [
            base64.b64encode(value).decode() for value in attribute.get("BinaryListValues", [])
        ],
        "dataType": attribute["DataType"],
    }
    if "StringValue" in attribute:
        shaped["stringValue"] = attribute["StringValue"]
    if "BinaryValue" in attribute:
        shaped["binaryValue"] = base64.b64encode(attribute["BinaryValue"]).decode()
    return shaped


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One received message as a Lambda SQS event record."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _attribute_in_lambda_shape(attribute)
            for name, attribute in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def succeeded_message_ids(records: list[dict[str, Any]], result: InvocationResult) -> set[str]:
    """Which messages may be deleted, following ReportBatchItemFailures' rules.

    An invalid response (not a list of known, non-empty itemIdentifiers) fails the whole
    batch, as Lambda does.
    """
    all_ids = {record["messageId"] for record in records}
    if not result.ok:
        return set()
    payload = result.payload
    failures = payload.get("batchItemFailures") if isinstance(payload, dict) else None
    if not failures:
        return all_ids
    if not isinstance(failures, list):
        return set()
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in all_ids:
            return set()
        failed.add(identifier)
    return all_ids - failed


class SqsPoller:
    """Polls one queue for one event source mapping on a background thread."""

    def __init__(
        self,
        mapping: SqsMapping,
        *,
        queue: QueueSettings,
        sqs_client: Any,
        invoker: Invoker,
        region: str,
        wait_time_s: int = 1,
    ) -> None:
        self.mapping = mapping
        self.queue = queue
        self._sqs = sqs_client
        self._invoker = invoker
        self._region = region
        self._wait_time_s = wait_time_s
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"sqs-poller-{mapping.uuid[:8]}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def update(self, mapping: SqsMapping) -> None:
        """Takes a changed configuration (enabled state, batch size, window)."""
        self.mapping = mapping

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def poll_once(self) -> int:
        """Receives one batch, invokes, deletes the successes; returns the batch size."""
        messages = self._receive_batch()
        if not messages:
            return 0
        mapping = self.mapping
        records = [sqs_record(message, mapping.queue_arn, self._region) for message in messages]
        result = self._invoker.invoke(mapping.function_arn, {"Records": records})
        if not mapping.report_batch_item_failures:
            done = {record["messageId"] for record in records} if result.ok else set()
        else:
            done = succeeded_message_ids(records, result)
        if not result.ok:
            _log.warning(
                "%s failed on %d messages from %s: %s",
                mapping.function_arn,
                len(records),
                mapping.queue_arn,
                result.error,
            )
        self._delete([record for record in records if record["messageId"] in done])
        return len(records)

    def _receive_batch(self) -> list[dict[str, Any]]:
        mapping = self.mapping
        batch: list[dict[str, Any]] = []
        window_ends: float | None = None
        while len(batch) < mapping.batch_size and not self._stopping.is_set():
            if window_ends is None:
                wait_s = self._wait_time_s
            else:
                remaining_s = math.ceil(window_ends - time.monotonic())
                wait_s = min(self._wait_time_s, max(1, remaining_s))
            response = self._sqs.receive_message(
                QueueUrl=self.queue.url,
                MaxNumberOfMessages=min(MAX_MESSAGES_PER_RECEIVE, mapping.batch_size - len(batch)),
                WaitTimeSeconds=wait_s,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            batch.extend(response.get("Messages", []))
            if not batch:
                return batch
            if window_ends is None:
                window_ends = time.monotonic() + mapping.batching_window_s
            if time.monotonic() >= window_ends:
                break
        return batch

    def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), MAX_MESSAGES_PER_RECEIVE):
            chunk = records[start : start + MAX_MESSAGES_PER_RECEIVE]
            response = self._sqs.delete_message_batch(
                QueueUrl=self.queue.url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": record["receiptHandle"]}
                    for index, record in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                _log.warning("could not delete a message from %s: %s", self.queue.arn, failure)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self.mapping.enabled:
                self._stopping.wait(0.2)
                continue
            try:
                self.poll_once()
            except Exception:
                if self._stopping.is_set():
                    return  # stopped mid-poll (the emulator may be gone already)
                _log.exception("SQS poller for %s failed; retrying", self.mapping.queue_arn)
                self._stopping.wait(1.0)
