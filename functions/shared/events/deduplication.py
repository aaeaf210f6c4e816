"""Handling each event once per consumer, with markers in the consuming service's own table.

A marker is the item ``pk=EVENT#<event id>, sk=<consumer>``; the table's TTL attribute
(``expiresAt``) removes it after ``retention``, which outlives any redelivery (SQS keeps a
message at most 14 days, in its queue or its DLQ).

:class:`DynamoDBDeduplicator` implements ``shared.events.consumer.Deduplicator``, two ways:

- **marker after the handler** (default): ``run_once`` skips an event whose marker exists,
  runs the handler, then writes the marker. A crash between the two re-runs the handler on
  redelivery, so the handler's writes must tolerate a repeat (conditional writes do).
- **marker in the handler's transaction** (``records_in_handler=True``): the handler adds
  :meth:`DynamoDBDeduplicator.marker` to the transaction that changes its state, so the
  change and the marker commit together or not at all. When the marker's condition cancels
  that transaction (a concurrent duplicate got there first), the handler raises
  :class:`DuplicateEvent` (see :func:`cancelled_by_marker`) and ``run_once`` treats the
  event as handled. A handler that decides to change nothing writes no marker: running it
  again changes nothing either.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shared.events.envelope import Event
from shared.observability import logger, metrics

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from shared.events.consumer import EventHandler

MARKER_PREFIX = "EVENT#"
TTL_ATTRIBUTE = "expiresAt"
DEFAULT_RETENTION = timedelta(days=15)
_CONDITION_FAILED = "ConditionalCheckFailed"


class DuplicateEvent(Exception):
    """The event's marker already exists: another delivery of it was handled."""

    def __init__(self, event_id: str | None = None) -> None:
        super().__init__(f"event {event_id or '(this one)'} was already handled")
        self.event_id = event_id


def is_marker_key(key: Mapping[str, Any]) -> bool:
    """Whether a table key (AttributeValue form, e.g. a stream record's ``Keys``) is a
    marker's; stream publishers use it to skip markers."""
    return str(key.get("pk", {}).get("S", "")).startswith(MARKER_PREFIX)


def cancelled_by_marker(response: Mapping[str, Any], index: int) -> bool:
    """Whether a ``TransactionCanceledException`` response was caused by the marker at
    ``index`` of the transaction's items (its ``attribute_not_exists`` condition)."""
    reasons = response.get("CancellationReasons") or []
    return index < len(reasons) and reasons[index].get("Code") == _CONDITION_FAILED


class DynamoDBDeduplicator:
    def __init__(
        self,
        table_name: str,
        consumer: str,
        *,
        client: DynamoDBClient | None = None,
        records_in_handler: bool = False,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not consumer:
            raise ValueError("name the consumer: markers are per consumer")
        self._table = table_name
        self._consumer = consumer
        self._client = client
        self._records_in_handler = records_in_handler
        self._retention = int(retention.total_seconds())
        self._clock = clock

    def run_once(self, event: Event, handle: EventHandler) -> None:
        event_id = str(event["id"])
        if self.already_handled(event_id):
            self._skip(event, "marker found")
            return
        try:
            handle(event)
        except DuplicateEvent:
            self._skip(event, "a concurrent delivery committed first")
            return
        if not self._records_in_handler:
            self.remember(event)

    def key(self, event_id: str) -> dict[str, AttributeValueTypeDef]:
        return {"pk": {"S": f"{MARKER_PREFIX}{event_id}"}, "sk": {"S": self._consumer}}

    def marker(self, event: Event) -> TransactWriteItemTypeDef:
        """The marker's conditional put, to add to the handler's own transaction."""
        item: dict[str, AttributeValueTypeDef] = {
            **self.key(str(event["id"])),
            "eventType": {"S": str(event["type"])},
            TTL_ATTRIBUTE: {"N": str(int(self._clock()) + self._retention)},
        }
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def already_handled(self, event_id: str) -> bool:
        response = self._dynamodb().get_item(
            TableName=self._table,
            Key=self.key(event_id),
            ConsistentRead=True,
            ProjectionExpression="pk",
        )
        return "Item" in response

    def remember(self, event: Event) -> bool:
        """Writes the marker; False when it was already there (a concurrent duplicate)."""
        put = self.marker(event)["Put"]
        client = self._dynamodb()
        try:
            client.put_item(
                TableName=put["TableName"],
                Item=put["Item"],
                ConditionExpression=put["ConditionExpression"],
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _skip(self, event: Event, why: str) -> None:
        logger.info("Duplicate event skipped", event_id=event["id"], why=why)
        metrics.add_metric(name="DuplicateEvents", unit="Count", value=1)

    def _dynamodb(self) -> DynamoDBClient:
        if self._client is None:
            from shared import aws

            self._client = aws.dynamodb()
        return self._client
