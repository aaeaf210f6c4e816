"""The transactional outbox relay: a table's DynamoDB stream, published as events.

A service writes its state change and nothing else; this relay turns each stream record
into the event it stands for (through the service's own mapping) and publishes it,
validated, to the service's topic. Records are published one by one; a record that
cannot be published is a partial batch failure, so Lambda retries from it (later
records may be announced twice, with the same event ids: consumers deduplicate by id).

A stream carries no trace header, so the write stores its trace context on the item
(``shared.tracing.TRACEPARENT_ATTRIBUTE``); the relay puts it in the event
(``traceparent``) and the publisher sends the event under that trace, record by record:
each event continues the trace of the request or event that caused it, not the relay's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from shared.events.publisher import EventPublisher
from shared.observability import logger, metrics, set_correlation_id
from shared.tracing import traceparent_of_image

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.typing import LambdaContext

EventForRecord = Callable[[dict[str, Any]], dict[str, Any] | None]
"""A service's mapping from a raw stream record to its event (None: nothing to announce)."""


class OutboxRelay:
    """Publishes the events a service's stream records stand for."""

    def __init__(self, event_for_record: EventForRecord) -> None:
        self.event_for_record = event_for_record
        self.processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
        # created on first use, once per execution environment
        self.publisher: Callable[[], EventPublisher] = cache(EventPublisher.from_environment)

    def publish_record(self, record: DynamoDBRecord) -> None:
        event = self.event_for_record(record.raw_event)
        if event is None:
            return
        traceparent = traceparent_of_image(record.raw_event["dynamodb"].get("NewImage"))
        if traceparent:
            event = {**event, "traceparent": traceparent}
        set_correlation_id(event["correlationid"])
        self.publisher().publish(event)
        # debug, not info: a log line per record costs more than the publish itself
        logger.debug("Event published", event_id=event["id"], event_type=event["type"])
        metrics.add_metric(name="EventsPublished", unit="Count", value=1)

    def handle(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        result = process_partial_response(
            event=event,
            record_handler=self.publish_record,
            processor=self.processor,
            context=context,
        )
        set_correlation_id(None)  # the batch line belongs to no single event's journey
        logger.info(
            "Stream batch relayed",
            records=len(event.get("Records", [])),
            failures=len(result.get("batchItemFailures", [])),
        )
        return result
