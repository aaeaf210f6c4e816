"""Invoicing's transactional outbox: the table's stream, published to the invoices topic
(``invoices.stream_publisher.handler``).

Records are published one by one; a record that cannot be published is reported as a
partial batch failure, so Lambda retries from it (later records may be announced twice,
with the same event ids).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from invoices.events import event_for_record
from shared.events.publisher import EventPublisher
from shared.observability import lambda_handler, logger, metrics, set_correlation_id

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def publisher() -> EventPublisher:
    return EventPublisher.from_environment()


def publish_record(record: DynamoDBRecord) -> None:
    event = event_for_record(record.raw_event)
    if event is None:
        return
    set_correlation_id(event["correlationid"])
    publisher().publish(event)
    logger.info("Event published", event_id=event["id"], event_type=event["type"])
    metrics.add_metric(name="EventsPublished", unit="Count", value=1)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=publish_record, processor=processor, context=context
    )
