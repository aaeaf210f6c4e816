"""The orders service's own view of the catalog: a projection of the product events.

Orders never reads the products table; ``orders.projection_consumer`` keeps one item per
product (``pk=PRODUCT#<id>, sk=PROJECTION``) with what the newest event said. Every write
is conditional on the product's ``version``, so a late or repeated event never moves the
projection backwards, whatever order the events arrive in. A deletion leaves a tombstone
that no created/updated event of the same or an older version can overwrite (products
never revive a deleted product, so the tombstone is final).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orders.domain import CatalogProduct
from orders.items import (
    catalog_product_from_item,
    product_id_of_item,
    projection_item,
    projection_key,
)
from shared.money import Money

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100
BATCH_GET_ATTEMPTS = 5


@dataclass(frozen=True)
class ProductSeen:
    """A ProductCreated or ProductUpdated: the product as of ``version``."""

    product_id: str
    version: int
    sku: str
    name: str
    price: Money
    changed_at: str


@dataclass(frozen=True)
class ProductGone:
    """A ProductDeleted: the product was removed at ``version``."""

    product_id: str
    version: int
    sku: str
    changed_at: str


ProductChange = ProductSeen | ProductGone


@dataclass(frozen=True)
class CatalogMatch:
    """What the projection knows of the products asked for: the orderable ones, and those
    it holds a deletion's tombstone for. An id in neither was never seen (yet)."""

    products: dict[str, CatalogProduct]
    removed: frozenset[str]


class DynamoDBCatalog:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def find(self, product_ids: Iterable[str]) -> CatalogMatch:
        """The orderable products among ``product_ids`` and the deleted ones (tombstones);
        unknown ids are in neither."""
        wanted = list(dict.fromkeys(product_ids))
        found: dict[str, CatalogProduct] = {}
        removed: set[str] = set()
        for start in range(0, len(wanted), BATCH_GET_LIMIT):
            keys = [projection_key(pid) for pid in wanted[start : start + BATCH_GET_LIMIT]]
            for item in self._batch_get(keys):
                product = catalog_product_from_item(item)
                if product is not None:
                    found[product.product_id] = product
                else:
                    removed.add(product_id_of_item(item))
        return CatalogMatch(found, frozenset(removed))

    def apply(self, change: ProductChange) -> bool:
        """Records ``change`` unless the projection already holds a newer one (or the same
        one); returns whether it was recorded."""
        if isinstance(change, ProductSeen):
            item = projection_item(
                change.product_id,
                change.version,
                sku=change.sku,
                name=change.name,
                price=change.price,
                changed_at=change.changed_at,
            )
            condition = "attribute_not_exists(pk) OR (#version < :version AND deleted = :no)"
            values: dict[str, Any] = {
                ":version": {"N": str(change.version)},
                ":no": {"BOOL": False},
            }
        else:
            item = projection_item(
                change.product_id,
                change.version,
                sku=change.sku,
                deleted=True,
                changed_at=change.changed_at,
            )
            # A deletion wins over anything up to its version (a repeat rewrites the same).
            condition = "attribute_not_exists(pk) OR #version <= :version"
            values = {":version": {"N": str(change.version)}}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=values,
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {self._table: {"Keys": keys}}
        for attempt in range(BATCH_GET_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            items += response.get("Responses", {}).get(self._table, [])
            request = dict(response.get("UnprocessedKeys") or {})
            if not request:
                return items
            time.sleep(0.05 * 2**attempt)  # throttled: back off, then ask for the rest
        raise RuntimeError(f"the catalog projection did not answer for {len(keys)} products")
