"""Products in DynamoDB (single table: see docs/conventions.md).

- ``pk=PRODUCT#<id>, sk=PRODUCT``: the product, listed newest first through ``gsi1``
  (``gsi1pk=PRODUCT``, ``gsi1sk=<createdAt>#<id>``);
- ``pk=SKU#<sku>, sk=SKU``: the SKU's uniqueness guard, written in the same transaction.

Every product item also holds ``nameSearch``, its name normalized by
``products.search.normalize`` (rewritten with the item on every update, so it never lags
the name); ``list_page(..., name_contains=...)`` filters the listing index on it.

Writes are conditional on the version read (optimistic concurrency). Each product item
also stores the correlation id of the request that last wrote it, for the stream
publisher to carry into the event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from products.domain import ConcurrentWrite, DuplicateSku, Product, ProductNotFound, StaleVersion
from products.search import normalize
from shared.money import Money
from shared.tracing import trace_item_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

PRODUCT_SK = "PRODUCT"
SKU_SK = "SKU"
LIST_PARTITION = "PRODUCT"
LIST_INDEX = "gsi1"
SEARCH_ATTRIBUTE = "nameSearch"
SEARCH_READ_SIZE = 100
"""Index items evaluated per Query while filtering by name (the Query's ``Limit``)."""
SEARCH_MAX_READS = 10
"""Queries one filtered page may spend; past that it returns short, with a next token."""

Item = Mapping[str, Any]
"""A DynamoDB item in AttributeValue form, as the low-level client and streams carry it."""


def product_key(product_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": PRODUCT_SK}}


def sku_key(sku: str) -> dict[str, Any]:
    return {"pk": {"S": f"SKU#{sku}"}, "sk": {"S": SKU_SK}}


def list_cursor(product: Product) -> str:
    return f"{product.created_at}#{product.id}"


def product_to_item(product: Product, correlation_id: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        **product_key(product.id),
        "gsi1pk": {"S": LIST_PARTITION},
        "gsi1sk": {"S": list_cursor(product)},
        "id": {"S": product.id},
        "sku": {"S": product.sku},
        "name": {"S": product.name},
        SEARCH_ATTRIBUTE: {"S": normalize(product.name)},
        "description": {"S": product.description},
        "price": product.price.to_attribute(),
        "stock": {"N": str(product.stock)},
        "version": {"N": str(product.version)},
        "createdAt": {"S": product.created_at},
        "updatedAt": {"S": product.updated_at},
    }
    if correlation_id:
        item["lastCorrelationId"] = {"S": correlation_id}
    return item


def is_product_item(item: Item) -> bool:
    return bool(item.get("sk", {}).get("S") == PRODUCT_SK)


def product_from_item(item: Item) -> Product:
    return Product(
        id=item["id"]["S"],
        sku=item["sku"]["S"],
        name=item["name"]["S"],
        description=item.get("description", {}).get("S", ""),
        price=Money.from_attribute(item["price"]),
        stock=int(item["stock"]["N"]),
        version=int(item["version"]["N"]),
        created_at=item["createdAt"]["S"],
        updated_at=item["updatedAt"]["S"],
    )


def correlation_id_of(item: Item) -> str | None:
    value = item.get("lastCorrelationId", {}).get("S")
    return str(value) if value else None


class DynamoDBProductRepository:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def get(self, product_id: str) -> Product | None:
        response = self._client.get_item(
            TableName=self._table, Key=product_key(product_id), ConsistentRead=True
        )
        item = response.get("Item")
        return product_from_item(item) if item else None

    def list_page(
        self, limit: int, after: str | None = None, name_contains: str | None = None
    ) -> tuple[list[Product], str | None]:
        """Up to ``limit`` products, newest first, after the cursor ``after``; returns the
        page and the cursor of the next one (None on the last page).

        With ``name_contains`` (already normalized) only products whose ``nameSearch``
        contains it: the index is read ``SEARCH_READ_SIZE`` items at a time with a
        FilterExpression, for at most ``SEARCH_MAX_READS`` reads; a page that runs out of
        reads comes back short (even empty) with the cursor where reading stopped."""
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": LIST_INDEX,
            "KeyConditionExpression": "gsi1pk = :partition",
            "ExpressionAttributeValues": {":partition": {"S": LIST_PARTITION}},
            "ScanIndexForward": False,
        }
        if name_contains:
            query["FilterExpression"] = f"contains({SEARCH_ATTRIBUTE}, :q)"
            query["ExpressionAttributeValues"][":q"] = {"S": name_contains}
        start = self._start_key(after) if after else None
        found: list[Product] = []
        for _ in range(SEARCH_MAX_READS if name_contains else 1):
            wanted = limit + 1 - len(found)  # one more tells whether a next page exists
            read = {**query, "Limit": SEARCH_READ_SIZE if name_contains else wanted}
            if start:
                read["ExclusiveStartKey"] = start
            response = self._client.query(**read)
            found += [product_from_item(item) for item in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if len(found) > limit or not start:
                break
        products = found[:limit]
        if len(found) > limit:
            return products, list_cursor(products[-1])
        if start:  # out of reads (or DynamoDB's 1 MB page): resume where reading stopped
            return products, str(start["gsi1sk"]["S"])
        return products, None

    @staticmethod
    def _start_key(cursor: str) -> dict[str, Any]:
        product_id = cursor.rpartition("#")[2]
        return {
            **product_key(product_id),
            "gsi1pk": {"S": LIST_PARTITION},
            "gsi1sk": {"S": cursor},
        }

    def add(self, product: Product, correlation_id: str | None = None) -> None:
        self._transact(
            product,
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **product_to_item(product, correlation_id),
                            **trace_item_attributes(),
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                self._claim_sku(product),
            ],
        )

    def replace(self, current: Product, revised: Product, correlation_id: str | None) -> None:
        """Writes ``revised`` if the stored product is still at ``current.version``."""
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {**product_to_item(revised, correlation_id), **trace_item_attributes()},
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": {":expected": {"N": str(current.version)}},
                }
            }
        ]
        if revised.sku != current.sku:
            writes += [self._claim_sku(revised), self._release_sku(current)]
        self._transact(revised, writes, expected_version=current.version)

    def remove(self, product: Product) -> None:
        """Deletes ``product`` if the stored one is still at ``product.version``."""
        self._transact(
            product,
            [
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": product_key(product.id),
                        "ConditionExpression": "version = :expected",
                        "ExpressionAttributeValues": {":expected": {"N": str(product.version)}},
                    }
                },
                self._release_sku(product),
            ],
            expected_version=product.version,
        )

    def _claim_sku(self, product: Product) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {**sku_key(product.sku), "productId": {"S": product.id}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _release_sku(self, product: Product) -> TransactWriteItemTypeDef:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": sku_key(product.sku),
                "ConditionExpression": "productId = :id",
                "ExpressionAttributeValues": {":id": {"S": product.id}},
            }
        }

    def _transact(
        self,
        product: Product,
        writes: list[TransactWriteItemTypeDef],
        expected_version: int | None = None,
    ) -> None:
        """Runs ``writes`` (the product first, then SKU guards) as one transaction and
        turns a failed condition into the domain error it means."""
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            failed = [i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed"]
            if failed and failed[0] == 0 and expected_version is not None:
                if self.get(product.id) is None:
                    raise ProductNotFound(product.id) from error
                raise StaleVersion(product.id, expected_version) from error
            if failed and writes[failed[0]].get("Put", {}).get("Item", {}).get("productId"):
                raise DuplicateSku(product.sku) from error
            if "TransactionConflict" in reasons:
                raise ConcurrentWrite(product.id) from error
            raise
