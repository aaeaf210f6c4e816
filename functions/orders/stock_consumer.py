"""Applies the stock saga's results to orders (``orders.stock_consumer.handler``, the
``orders-stock-results`` queue).

StockReserved confirms a PENDING order, StockReservationFailed rejects it with the
reasons; an order decided or cancelled meanwhile stays as it is (products releases the
stock of a cancelled order on OrderCancelled). Each event is applied once: its
deduplication marker commits in the same transaction as the order's change.
"""

from __future__ import annotations

import os
from functools import cache

from orders.catalog import DynamoDBCatalog
from orders.domain import RejectionReason
from orders.repository import DynamoDBOrderRepository
from orders.service import OrderService, StockReservationFailed, StockReserved, StockResult
from shared import aws
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
from shared.events.deduplication import DynamoDBDeduplicator
from shared.events.envelope import Event, event_type
from shared.observability import logger, metrics

TABLE_ENV = "ORDERS_TABLE_NAME"
CONSUMER = "orders-stock-results"
STOCK_RESERVED = event_type("products", "StockReserved")
STOCK_RESERVATION_FAILED = event_type("products", "StockReservationFailed")


@cache
def service() -> OrderService:
    table, client = os.environ[TABLE_ENV], aws.dynamodb()
    return OrderService(DynamoDBOrderRepository(table, client), DynamoDBCatalog(table, client))


@cache
def deduplicator() -> DynamoDBDeduplicator:
    return DynamoDBDeduplicator(
        os.environ[TABLE_ENV], CONSUMER, client=aws.dynamodb(), records_in_handler=True
    )


def stock_reserved(event: Event) -> StockReserved:
    return StockReserved(event["data"]["orderId"])


def stock_reservation_failed(event: Event) -> StockReservationFailed:
    data = event["data"]
    reasons = [
        RejectionReason(r["productId"], r["code"], r["requested"], r["available"])
        for r in data["reasons"]
    ]
    return StockReservationFailed(data["orderId"], reasons)


def record(event: Event, result: StockResult) -> None:
    order = service().record_stock_result(
        result, event["correlationid"], marker=deduplicator().marker(event)
    )
    if order is not None:
        logger.info("Order decided", order_id=order.id, status=order.status.value)
        metrics.add_metric(name=f"Orders{order.status.value.title()}", unit="Count", value=1)


HANDLERS: DispatchTable = {
    STOCK_RESERVED: lambda event: record(event, stock_reserved(event)),
    STOCK_RESERVATION_FAILED: lambda event: record(event, stock_reservation_failed(event)),
}


@cache
def consumer() -> EventConsumer:
    return EventConsumer(dispatch(HANDLERS), deduplicator=deduplicator())


handler = consumer_handler(consumer)
