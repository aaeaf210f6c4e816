"""Keeps the orders service's product projection up to date
(``orders.projection_consumer.handler``, the ``orders-product-projection`` queue).

ProductCreated/ProductUpdated/ProductDeleted.v1 become version-guarded writes
(``orders.catalog``): repeated and out-of-order deliveries are harmless by construction,
so no per-event deduplication is needed.
"""

from __future__ import annotations

import os
from functools import cache

from orders.catalog import DynamoDBCatalog, ProductChange, ProductGone, ProductSeen
from shared import aws
from shared.events.consumer import EventConsumer, consumer_handler
from shared.events.envelope import Event, event_type
from shared.money import Money
from shared.observability import logger, metrics

TABLE_ENV = "ORDERS_TABLE_NAME"
PRODUCT_CREATED = event_type("products", "ProductCreated")
PRODUCT_UPDATED = event_type("products", "ProductUpdated")
PRODUCT_DELETED = event_type("products", "ProductDeleted")


@cache
def catalog() -> DynamoDBCatalog:
    return DynamoDBCatalog(os.environ[TABLE_ENV], aws.dynamodb())


def product_change(event: Event) -> ProductChange | None:
    data = event["data"]
    if event["type"] in (PRODUCT_CREATED, PRODUCT_UPDATED):
        return ProductSeen(
            product_id=data["productId"],
            version=data["version"],
            sku=data["sku"],
            name=data["name"],
            price=Money.from_json(data["price"]),
            changed_at=data["updatedAt"],
        )
    if event["type"] == PRODUCT_DELETED:
        return ProductGone(
            product_id=data["productId"],
            version=data["version"],
            sku=data["sku"],
            changed_at=data["deletedAt"],
        )
    return None


def on_event(event: Event) -> None:
    change = product_change(event)
    if change is None:
        logger.warning("Event type not projected", event_type=event["type"])
        return
    if catalog().apply(change):
        logger.info("Product projected", product_id=change.product_id, version=change.version)
        metrics.add_metric(name="ProductsProjected", unit="Count", value=1)
    else:
        logger.info("Stale product event ignored", product_id=change.product_id)


@cache
def consumer() -> EventConsumer:
    return EventConsumer(on_event)


handler = consumer_handler(consumer)
