"""At most one e-mail per event, also when SQS delivers it twice at the same time.

``shared.events.deduplication.DynamoDBDeduplicator`` writes its marker after the handler
(or inside the handler's DynamoDB transaction). Sending mail is neither: two concurrent
deliveries would both find no marker and both send. So this deduplicator **claims** the
event first, with a lease, and sends only if the claim succeeds:

1. put the marker ``pk=EVENT#<id>, sk=<consumer>`` as ``CLAIMED`` until now + lease, on
   condition that no marker exists, or that a previous claim's lease ran out (its Lambda
   died mid-way);
2. run the handler (send); if it raises, delete the claim, so a retry can send;
3. mark the marker ``DONE``.

A delivery that finds a ``DONE`` marker is a duplicate: skipped. One that finds a live
claim raises :class:`EventInFlight`: the message is retried after its visibility
timeout, by when the claim is ``DONE`` (skip) or expired (send). The lease must outlive
the function's timeout. Markers expire through the table's TTL (``expiresAt``).
The one remaining window, a crash after SES accepted the mail but before step 3, sends
the mail again after the lease: a duplicate is the lesser harm than a lost mail.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from shared.events.consumer import EventHandler
from shared.events.deduplication import DEFAULT_RETENTION, MARKER_PREFIX, TTL_ATTRIBUTE
from shared.events.envelope import Event
from shared.observability import logger, metrics

CLAIMED = "CLAIMED"
DONE = "DONE"
DEFAULT_LEASE = timedelta(minutes=2)


class EventInFlight(Exception):
    """Another delivery of the event holds a live claim; retry later."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id} is being handled by another delivery")


class SendOnce:
    """A ``shared.events.consumer.Deduplicator`` for side effects outside DynamoDB."""

    def __init__(
        self,
        table_name: str,
        consumer: str,
        *,
        client: Any = None,
        lease: timedelta = DEFAULT_LEASE,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table_name
        self._consumer = consumer
        self._client = client
        self._lease = lease.total_seconds()
        self._retention = int(retention.total_seconds())
        self._clock = clock

    def run_once(self, event: Event, handle: EventHandler) -> None:
        event_id = str(event["id"])
        token = str(uuid.uuid4())
        if not self._claim(event, token):
            logger.info("Duplicate event skipped", event_id=event_id)
            metrics.add_metric(name="DuplicateEvents", unit="Count", value=1)
            return
        try:
            handle(event)
        except BaseException:
            self._release(event_id, token)
            raise
        self._complete(event_id, token)

    def key(self, event_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"{MARKER_PREFIX}{event_id}"}, "sk": {"S": self._consumer}}

    def _claim(self, event: Event, token: str) -> bool:
        """True when this delivery now holds the claim; False for a finished duplicate."""
        client = self._dynamodb()
        now = self._clock()
        event_id = str(event["id"])
        try:
            client.put_item(
                TableName=self._table,
                Item={
                    **self.key(event_id),
                    "eventType": {"S": str(event["type"])},
                    "state": {"S": CLAIMED},
                    "claimToken": {"S": token},
                    "leaseUntil": {"N": str(now + self._lease)},
                    TTL_ATTRIBUTE: {"N": str(int(now) + self._retention)},
                },
                ConditionExpression=(
                    "attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)"
                ),
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":claimed": {"S": CLAIMED}, ":now": {"N": str(now)}},
            )
        except client.exceptions.ConditionalCheckFailedException:
            marker = client.get_item(
                TableName=self._table, Key=self.key(event_id), ConsistentRead=True
            ).get("Item", {})
            if marker.get("state", {}).get("S") == DONE:
                return False
            raise EventInFlight(event_id) from None
        return True

    def _complete(self, event_id: str, token: str) -> None:
        self._dynamodb().update_item(
            TableName=self._table,
            Key=self.key(event_id),
            UpdateExpression="SET #state = :done REMOVE leaseUntil",
            ConditionExpression="claimToken = :token",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":done": {"S": DONE}, ":token": {"S": token}},
        )

    def _release(self, event_id: str, token: str) -> None:
        client = self._dynamodb()
        # When the condition fails, our lease ran out and another delivery took over.
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.delete_item(
                TableName=self._table,
                Key=self.key(event_id),
                ConditionExpression="claimToken = :token",
                ExpressionAttributeValues={":token": {"S": token}},
            )

    def _dynamodb(self) -> Any:
        if self._client is None:
            from shared import aws

            self._client = aws.dynamodb()
        return self._client
