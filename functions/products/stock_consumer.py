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
from products.stock_service import Outcome, StockService
from shared import aws
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
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


def reserve(event: Event) -> None:
    data = event["data"]
    outcome = service().reserve(data["orderId"], lines_of(data), trigger_of(event))
    _record(data["orderId"], outcome)


def release(event: Event) -> None:
    data = event["data"]
    outcome = service().release(data["orderId"], lines_of(data), trigger_of(event))
    _record(data["orderId"], outcome)


def trigger_of(event: Event) -> Trigger:
    return Trigger(event_id=event["id"], correlation_id=event["correlationid"])


def _record(order_id: str, outcome: Outcome) -> None:
    logger.info("Stock updated", order_id=order_id, outcome=outcome.value)
    metric = "Stock" + outcome.name.title().replace("_", "")  # StockReserved, StockFailed...
    metrics.add_metric(name=metric, unit="Count", value=1)


HANDLERS: DispatchTable = {ORDER_PLACED: reserve, ORDER_CANCELLED: release}


@cache
def consumer() -> EventConsumer:
    return EventConsumer(dispatch(HANDLERS))


handler = consumer_handler(consumer)
