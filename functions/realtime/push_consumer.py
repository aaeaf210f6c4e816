"""Pushes order, invoice and invoice import events to the WebSocket connections they
concern (``realtime.push_consumer.handler``, SQS).

Subscribed (``schemas/consumers.json``) to ``OrderPlaced``, ``OrderConfirmed``,
``OrderRejected``, ``OrderCancelled`` (orders topic), ``InvoiceGenerated`` and
``InvoiceImportStatusChanged`` (invoices topic). Each event becomes one message
(``realtime.frames``): an order's or invoice's is posted to every connection of
``data.customerId`` at once, an import's to the connection that asked for the import
(``data.connectionId``); nobody else receives it. Each event is pushed once per consumer
(``DynamoDBDeduplicator``, marker ``pk=EVENT#<id>, sk=push``); a customer without open
connections simply misses the push (the REST API has the state).

Environment: ``CONNECTIONS_TABLE_NAME``, ``CONNECTIONS_ENDPOINT_URL`` (see
``realtime.pusher``), ``DEAD_LETTER_QUEUES`` (see ``shared.events.consumer``).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache

from realtime.connections import ConnectionStore
from realtime.frames import PUSHED_EVENT_TYPES, push_for
from realtime.pusher import Pusher, management_client
from shared import aws
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
from shared.events.deduplication import DynamoDBDeduplicator
from shared.events.envelope import Event
from shared.observability import logger, metrics

TABLE_ENV = "CONNECTIONS_TABLE_NAME"
CONSUMER = "push"


@cache
def connections() -> ConnectionStore:
    return ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def pusher() -> Pusher:
    return Pusher(management_client(), connections().remove)


def push(event: Event) -> None:
    addressed = push_for(event)
    if addressed is None:
        return
    if addressed.connection_id is not None:
        connection_ids = [addressed.connection_id]
    else:
        connection_ids = connections().of_user(str(addressed.user_id))
    report = pusher().push(connection_ids, addressed.message)
    lag_ms = _lag_ms(str(event["time"]))
    logger.info(
        "Pushed",
        event_type=event["type"],
        event_id=event["id"],
        connections=len(connection_ids),
        sent=len(report.sent),
        gone=len(report.gone),
        failed=len(report.failed),
        lag_ms=lag_ms,
    )
    metrics.add_metric(name="PushesSent", unit="Count", value=len(report.sent))
    metrics.add_metric(name="PushesFailed", unit="Count", value=len(report.failed))
    if lag_ms is not None:
        metrics.add_metric(name="PushLag", unit="Milliseconds", value=lag_ms)


def _lag_ms(event_time: str) -> float | None:
    try:
        occurred = datetime.fromisoformat(event_time.replace("Z", "+00:00"))
    except ValueError:
        return None
    return round((datetime.now(UTC) - occurred).total_seconds() * 1000, 1)


HANDLERS: DispatchTable = dict.fromkeys(PUSHED_EVENT_TYPES, push)


@cache
def consumer() -> EventConsumer:
    deduplicator = DynamoDBDeduplicator(os.environ[TABLE_ENV], CONSUMER)
    return EventConsumer(dispatch(HANDLERS), deduplicator=deduplicator)


handler = consumer_handler(consumer)
