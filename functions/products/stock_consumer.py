"""The stock side of the order saga (``products.stock_consumer.handler``, SQS).

Subscribed to the orders topic for ``OrderPlaced.v1`` (reserve the order's lines, all or
none) and ``OrderCancelled.v1`` (release them). Every message is validated against its
contract first; a violation goes to the DLQ of the queue it came from
(``DEAD_LETTER_QUEUES``, see ``shared.events.consumer``) and is not retried.

No per-event-id deduplication is needed: each order has exactly one reservation item,
written conditionally in the same transaction as the stock it takes, so a redelivered,
duplicated or late event finds it and changes nothing. The outcome reaches the saga
through the products stream (``StockReserved``, ``StockReservationFailed``,
``StockReleased``), never from here.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from products.stock import StockLine, Trigger
from products.stock_repository import DynamoDBStockRepository
from products.stock_service import StockService
from shared import aws
from shared.events.consumer import EventConsumer, consumer_handler
from shared.events.envelope import Event, event_type
from shared.observability import logger, metrics

TABLE_ENV = "PRODUCTS_TABLE_NAME"
ORDER_PLACED = event_type("orders", "OrderPlaced")
ORDER_CANCELLED = event_type("orders", "OrderCancelled")


@cache
def service() -> StockService:
    return StockService(DynamoDBStockRepository(os.environ[TABLE_ENV], aws.dynamodb()))


def lines_of(data: dict[str, Any]) -> list[StockLine]:
    return [StockLine(line["productId"], line["quantity"]) for line in data["lines"]]


def on_event(event: Event) -> None:
    data = event["data"]
    trigger = Trigger(event_id=event["id"], correlation_id=event["correlationid"])
    if event["type"] == ORDER_PLACED:
        outcome = service().reserve(data["orderId"], lines_of(data), trigger)
    elif event["type"] == ORDER_CANCELLED:
        outcome = service().release(data["orderId"], lines_of(data), trigger)
    else:  # outside the subscription's filter policy: nothing of ours to do
        logger.warning("Ignoring an event type the stock consumer does not handle")
        return
    logger.info("Stock updated", order_id=data["orderId"], outcome=outcome.value)
    metric = "Stock" + outcome.name.title().replace("_", "")  # StockReserved, StockFailed...
    metrics.add_metric(name=metric, unit="Count", value=1)


@cache
def consumer() -> EventConsumer:
    return EventConsumer(on_event)


handler = consumer_handler(consumer)
