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
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
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


def product_seen(event: Event) -> ProductSeen:
    data = event["data"]
    return ProductSeen(
        product_id=data["productId"],
        version=data["version"],
        sku=data["sku"],
        name=data["name"],
        price=Money.from_json(data["price"]),
        changed_at=data["updatedAt"],
    )


def product_gone(event: Event) -> ProductGone:
    data = event["data"]
    return ProductGone(
        product_id=data["productId"],
        version=data["version"],
        sku=data["sku"],
        changed_at=data["deletedAt"],
    )


def project(change: ProductChange) -> None:
    if catalog().apply(change):
        logger.info("Product projected", product_id=change.product_id, version=change.version)
        metrics.add_metric(name="ProductsProjected", unit="Count", value=1)
    else:
        logger.info("Stale product event ignored", product_id=change.product_id)


HANDLERS: DispatchTable = {
    PRODUCT_CREATED: lambda event: project(product_seen(event)),
    PRODUCT_UPDATED: lambda event: project(product_seen(event)),
    PRODUCT_DELETED: lambda event: project(product_gone(event)),
}


@cache
def consumer() -> EventConsumer:
    return EventConsumer(dispatch(HANDLERS))


handler = consumer_handler(consumer)
