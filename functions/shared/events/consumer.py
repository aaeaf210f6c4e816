"""Consuming events from an SQS queue (raw delivery: each body is one CloudEvent).

Each record is parsed and validated against its contract, then handed to the service's
handler. The outcomes:

- handled: the record is deleted from the queue;
- contract violation (not JSON, unknown type, invalid envelope or data): retrying cannot
  fix it, so it is logged with its reason, sent straight to the DLQ of the queue it came
  from (``DEAD_LETTER_QUEUES``: a JSON object, source queue ARN -> DLQ URL, so a consumer
  fed by several queues parks each message next to its own queue) with message
  attributes naming the reason, and counted as handled;
- any other exception: reported as a partial batch failure, so SQS redelivers that record
  alone (and its redrive policy moves it to the DLQ after ``maxReceiveCount`` attempts).

Delivery is at least once: handlers must be idempotent. The ``Deduplicator`` seam runs a
handler at most once per event id (e.g. with Powertools Idempotency on a DynamoDB table).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from shared.contracts import ContractViolation, validate_event
from shared.events.envelope import Event
from shared.json_text import parse_json
from shared.observability import lambda_handler, logger, metrics, set_correlation_id
from shared.tracing import set_event_traceparent

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageAttributeValueTypeDef

DEAD_LETTER_QUEUES_ENV = "DEAD_LETTER_QUEUES"
_MAX_ATTRIBUTE_LENGTH = 1024

EventHandler = Callable[[Event], None]
DispatchTable = Mapping[str, EventHandler]
"""Event type (``ecommerce.<producer>.<Name>.v<major>``) -> its handler: what a consumer
handles. Its keys are the consumer's subscriptions, declared in ``schemas/consumers.json``
(a contract test keeps the two equal)."""
ConsumerHandler = Callable[[dict[str, Any], "LambdaContext"], "PartialItemFailureResponse"]


class Deduplicator(Protocol):
    """Runs ``handle(event)`` unless an event with the same id was already handled."""

    def run_once(self, event: Event, handle: EventHandler) -> None: ...


@runtime_checkable
class ContextAware(Protocol):
    """A deduplicator that wants each invocation's Lambda context (e.g. to let a claim
    lapse at the invocation's deadline)."""

    def register_lambda_context(self, context: LambdaContext) -> None: ...


class NoDeduplication:
    """For handlers that are naturally idempotent (conditional writes, upserts by version)."""

    def run_once(self, event: Event, handle: EventHandler) -> None:
        handle(event)


def dispatch(handlers: DispatchTable) -> EventHandler:
    """One event handler calling the handler of each event's type. A type outside the
    table (outside the subscription's filter policy, so never expected) is logged and
    dropped: it is not ours, and retrying cannot change that."""

    def handle(event: Event) -> None:
        handler = handlers.get(event["type"])
        if handler is None:
            logger.warning(
                "Ignoring an event type this consumer does not handle", event_type=event["type"]
            )
            return
        handler(event)

    return handle


class RejectedMessage(Exception):
    """A message that breaks its contract; carries what the DLQ attributes report."""

    def __init__(self, reason: str, *, event_type: str | None = None, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.event_type = event_type
        self.field = field


def parse_event(body: str) -> Event:
    """An SQS body as a validated CloudEvent; raises RejectedMessage when it breaks its
    contract."""
    try:
        event = parse_json(body)
    except ValueError as error:
        raise RejectedMessage(f"body is not JSON: {error}") from error
    if not isinstance(event, dict):
        raise RejectedMessage("body is not a JSON object")
    try:
        validated: Event = validate_event(event)
    except ContractViolation as violation:
        raise RejectedMessage(
            violation.reason, event_type=violation.event_type, field=violation.field
        ) from violation
    return validated


class EventConsumer:
    """Handles the batches of one SQS consumer. Every consumer module wires it the same
    way (see :func:`consumer_handler`)::

        HANDLERS: DispatchTable = {ORDER_PLACED: reserve, ORDER_CANCELLED: release}


        @cache
        def consumer() -> EventConsumer:
            return EventConsumer(dispatch(HANDLERS), deduplicator=...)  # deduplicator: optional


        handler = consumer_handler(consumer)
    """

    def __init__(
        self,
        handle: EventHandler,
        *,
        dead_letter_queues: Mapping[str, str] | None = None,
        sqs_client: SQSClient | None = None,
        deduplicator: Deduplicator | None = None,
    ) -> None:
        self._handle = handle
        self._dead_letter_queues = dead_letter_queues
        self._sqs = sqs_client
        self._deduplicator = deduplicator or NoDeduplication()
        self._processor = BatchProcessor(event_type=EventType.SQS)

    def __call__(
        self, event: Mapping[str, Any], context: LambdaContext | None = None
    ) -> PartialItemFailureResponse:
        if context is not None and isinstance(self._deduplicator, ContextAware):
            self._deduplicator.register_lambda_context(context)
        try:
            return process_partial_response(
                event=dict(event),
                record_handler=self.process_record,
                processor=self._processor,
                context=context,
            )
        finally:
            set_event_traceparent(None)  # the next invocation starts from its own trace

    def process_record(self, record: SQSRecord) -> None:
        set_correlation_id(None)
        set_event_traceparent(None)
        try:
            event = parse_event(record.body)
        except RejectedMessage as rejected:
            self._reject(record, rejected)
            return
        set_correlation_id(str(event["correlationid"]))
        # what this record's writes store for the outbox: the event's trace, not the batch's
        set_event_traceparent(event.get("traceparent"))
        logger.debug("Handling event", event_id=event["id"], event_type=event["type"])
        self._deduplicator.run_once(event, self._handle)

    def _reject(self, record: SQSRecord, rejected: RejectedMessage) -> None:
        logger.error(
            "Contract violation: message sent to the DLQ",
            reason=rejected.reason,
            event_type=rejected.event_type,
            field=rejected.field,
            message_id=record.message_id,
        )
        attributes: dict[str, MessageAttributeValueTypeDef] = {
            "errorType": _string_attribute("ContractViolation"),
            "reason": _string_attribute(rejected.reason),
            "sourceMessageId": _string_attribute(record.message_id),
        }
        if rejected.event_type:
            attributes["eventType"] = _string_attribute(rejected.event_type)
        if rejected.field:
            attributes["field"] = _string_attribute(rejected.field)
        self._sqs_client().send_message(
            QueueUrl=self._dead_letter_queue_url(record.event_source_arn),
            MessageBody=record.body or "(empty)",
            MessageAttributes=attributes,
        )
        metrics.add_metric(name="ContractViolations", unit="Count", value=1)

    def _dead_letter_queue_url(self, source_queue_arn: str) -> str:
        if self._dead_letter_queues is None:
            self._dead_letter_queues = json.loads(os.environ.get(DEAD_LETTER_QUEUES_ENV, "{}"))
        url = self._dead_letter_queues.get(source_queue_arn)
        if not url:
            # The record fails instead: its queue's redrive policy still parks it.
            raise RuntimeError(
                f"{DEAD_LETTER_QUEUES_ENV} names no DLQ for {source_queue_arn}: "
                "cannot park a rejected message"
            )
        return url

    def _sqs_client(self) -> SQSClient:
        if self._sqs is None:
            from shared import aws

            self._sqs = aws.sqs()
        return self._sqs


def consumer_handler(consumer: Callable[[], EventConsumer]) -> ConsumerHandler:
    """The Lambda entry point of an SQS consumer, behind ``shared.observability.lambda_handler``.
    ``consumer`` is called per invocation: cache it (``functools.cache``), so it is built on
    first use (it may read the environment, e.g. a deduplicator's table) and kept for the
    container's life; tests reset it with ``consumer.cache_clear()``."""

    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return consumer()(event, context)

    return lambda_handler(handler)


def _string_attribute(value: str) -> MessageAttributeValueTypeDef:
    return {"DataType": "String", "StringValue": value[:_MAX_ATTRIBUTE_LENGTH] or "-"}
