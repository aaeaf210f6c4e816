"""At most one e-mail per event, also when SQS delivers it twice at the same time.

``shared.events.deduplication.DynamoDBDeduplicator`` writes its marker after the handler
(or inside the handler's DynamoDB transaction). Sending mail is neither: two concurrent
deliveries would both find no marker and both send. Powertools Idempotency claims the
event **before** sending instead, in the notifications table:

1. a conditional put of ``pk=IDEMPOTENCY#email, sk=email#<md5 of the event id>`` as
   ``INPROGRESS`` until the invocation's deadline (the registered Lambda context's
   remaining time), on condition that no record exists, or that it expired, or that a
   previous claim's deadline passed (its Lambda died mid-way);
2. the send; if it raises, the record is deleted, so a retry sends;
3. the record becomes ``COMPLETED``, kept ``RETENTION`` (15 days: longer than SQS keeps a
   message) through the table's TTL attribute ``expiresAt``.

A delivery that finds ``COMPLETED`` is a duplicate: skipped (logged and counted as
``DuplicateEvents``). One that finds a live claim raises :class:`EventInFlight`: the
message is retried after its visibility timeout (six times the function's), by when the
claim is ``COMPLETED`` (skip) or past its deadline (send). The one remaining window, a
crash after SES accepted the mail but before step 3, sends the mail again after the
deadline: a duplicate is the lesser harm than a lost mail.

All records share the partition ``IDEMPOTENCY#email`` (Powertools keys a table with a
sort key that way): two writes per e-mail, far below one partition's 1,000 writes/s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
)

from shared.events.consumer import EventHandler
from shared.events.deduplication import DEFAULT_RETENTION, TTL_ATTRIBUTE
from shared.events.envelope import Event
from shared.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

PARTITION_PREFIX = "IDEMPOTENCY#"
RETENTION = DEFAULT_RETENTION


class EventInFlight(Exception):
    """Another delivery of the event holds a live claim; retry later."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"event {event_id} is being handled by another delivery")


def _duplicate_skipped(response: Any, idempotent_data: DataRecord) -> Any:
    logger.info("Duplicate event skipped", idempotency_key=idempotent_data.idempotency_key)
    metrics.add_metric(name="DuplicateEvents", unit="Count", value=1)
    return response


class SendOnce:
    """A ``shared.events.consumer.Deduplicator`` for side effects outside DynamoDB, on
    Powertools Idempotency. Each invocation's context must be registered
    (:meth:`register_lambda_context`; ``EventConsumer`` does it): without it a dead claim
    would hold until its record expires."""

    def __init__(self, table_name: str, consumer: str, *, client: Any = None) -> None:
        self.config = IdempotencyConfig(
            event_key_jmespath="id",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=int(RETENTION.total_seconds()),
            response_hook=_duplicate_skipped,
        )
        self.persistence = DynamoDBPersistenceLayer(
            table_name=table_name,
            key_attr="pk",
            sort_key_attr="sk",
            static_pk_value=f"{PARTITION_PREFIX}{consumer}",
            expiry_attr=TTL_ATTRIBUTE,
            boto3_client=client,
        )
        self._call: Callable[..., None] = idempotent_function(
            _handle,
            data_keyword_argument="event",
            persistence_store=self.persistence,
            config=self.config,
            key_prefix=consumer,
        )

    def register_lambda_context(self, context: LambdaContext) -> None:
        """A claim of this invocation lapses at its deadline, not after ``RETENTION``."""
        self.config.register_lambda_context(context)

    def run_once(self, event: Event, handle: EventHandler) -> None:
        try:
            self._call(event=event, handle=handle)
        except IdempotencyAlreadyInProgressError as error:
            raise EventInFlight(str(event["id"])) from error


def _handle(*, event: Event, handle: EventHandler) -> None:
    handle(event)
