"""Products in DynamoDB (single table: see docs/conventions.md).

- ``pk=PRODUCT#<id>, sk=PRODUCT``: the product, listed newest first through ``gsi1``
  (``gsi1pk=PRODUCT``, ``gsi1sk=<createdAt>#<id>``);
- ``pk=SKU#<sku>, sk=SKU``: the SKU's uniqueness guard, written in the same transaction;
- ``pk=STOCK#<id>#<n>, sk=STOCK`` (n = 0..``stockShards``-1): the product's stock shards,
  each holding part of its stock (``stock``), each on its own partition key so that a
  sale of one product spreads its writes over ``stockShards`` items and partitions. The
  product's stock is their sum; its item's ``stock`` records the total as of its last
  write through the API (what ``Product*`` events carry). Each shard also counts the
  reservations and releases that changed it since an admin last set the stock
  (``moves``, absent: 0); the product's ``version`` as read is its item's ``version`` plus
  those moves, so a sale between an admin's read and write makes the write a 409, as it
  did when sales wrote the product's item (else the write would put back the units sold).
  A product without ``stockShards`` (stored before sharding) keeps its stock on its own
  item until an admin next sets its stock, which moves it into shards.

Every product item also holds ``nameSearch``, its name normalized by
``products.search.normalize`` (rewritten with the item on every update, so it never lags
the name); ``list_page(..., name_contains=...)`` filters the listing index on it.

Writes are conditional on the version read (optimistic concurrency). Each product item
also stores the correlation id of the request that last wrote it, for the stream
publisher to carry into the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from products.domain import ConcurrentWrite, DuplicateSku, Product, ProductNotFound, StaleVersion
from products.search import normalize
from products.stock import StockLevels, spread
from shared.money import Money
from shared.tracing import trace_item_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

PRODUCT_SK = "PRODUCT"
SKU_SK = "SKU"
STOCK_SK = "STOCK"
SHARD_WRITE_ATTEMPTS = 5
"""Tries of an admin's stock change while orders keep moving the shards under it."""
BATCH_GET_LIMIT = 100
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


def shard_key(product_id: str, shard: int) -> dict[str, Any]:
    return {"pk": {"S": f"STOCK#{product_id}#{shard}"}, "sk": {"S": STOCK_SK}}


def shards_of(item: Item) -> int:
    """The product item's ``stockShards`` (0: stock on the item itself)."""
    return int(item.get("stockShards", {}).get("N", "0"))


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
        "version": {"N": str(product.stored_version)},
        "createdAt": {"S": product.created_at},
        "updatedAt": {"S": product.updated_at},
    }
    if product.stock_shards:
        item["stockShards"] = {"N": str(product.stock_shards)}
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
        stock_shards=shards_of(item),
    )


def shard_moves(item: Item) -> int:
    """A stock shard's ``moves``: reservations and releases since its stock was last set."""
    return int(item.get("moves", {}).get("N", "0"))


def with_shards(product: Product, shards: Sequence[tuple[int, int]]) -> Product:
    """``product`` as its stock shards (units, moves) show it: their total stock, their
    moves counted in its version."""
    moves = sum(moves for _, moves in shards)
    return replace(
        product,
        stock=sum(units for units, _ in shards),
        version=product.stored_version + moves,
        stock_moves=moves,
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
        if not item:
            return None
        [product] = self._with_live_stock([product_from_item(item)], consistent=True)
        return product

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
        products = self._with_live_stock(found[:limit], consistent=False)
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

    def shard_levels(
        self, products: Sequence[tuple[str, int]], *, consistent: bool
    ) -> dict[str, tuple[int, ...]]:
        """The units in each shard of ``products`` (id, shards); a missing shard item (its
        product deleted meanwhile) counts 0."""
        return {
            pid: tuple(units for units, _ in shards)
            for pid, shards in self._shards(products, consistent=consistent).items()
        }

    def _shards(
        self, products: Sequence[tuple[str, int]], *, consistent: bool
    ) -> dict[str, tuple[tuple[int, int], ...]]:
        """(units, moves) of each shard of ``products`` (id, shards); a missing shard item
        counts (0, 0)."""
        keys = [(pid, index) for pid, shards in products for index in range(shards)]
        found = dict.fromkeys(keys, (0, 0))
        for item in self._batch_get([shard_key(pid, i) for pid, i in keys], consistent):
            pid, _, index = item["pk"]["S"].removeprefix("STOCK#").rpartition("#")
            found[(pid, int(index))] = (int(item["stock"]["N"]), shard_moves(item))
        return {
            pid: tuple(found[(pid, index)] for index in range(shards)) for pid, shards in products
        }

    def stock_levels(self, product_ids: Sequence[str]) -> dict[str, StockLevels | None]:
        """Units on hand per product, per shard (None: no such product), read consistently."""
        levels: dict[str, StockLevels | None] = dict.fromkeys(product_ids)
        sharded: list[tuple[str, int]] = []
        for item in self._batch_get([product_key(pid) for pid in product_ids], True):
            if shards := shards_of(item):
                sharded.append((item["id"]["S"], shards))
            else:
                levels[item["id"]["S"]] = StockLevels((int(item["stock"]["N"]),), sharded=False)
        for pid, units in self.shard_levels(sharded, consistent=True).items():
            levels[pid] = StockLevels(units, sharded=True)
        return levels

    def shard_counts(
        self, product_ids: Sequence[str], *, consistent: bool = False
    ) -> dict[str, int | None]:
        """Each product's number of stock shards (0: unsharded; None: no such product). An
        eventually consistent read serves to plan a reservation (the count changes only
        when a product moves into shards, and a write planned on a stale count fails its
        condition and is planned again); a release reads consistently, since it takes a
        missing product for a deleted one."""
        counts: dict[str, int | None] = dict.fromkeys(product_ids)
        for item in self._batch_get([product_key(pid) for pid in product_ids], consistent):
            counts[item["id"]["S"]] = shards_of(item)
        return counts

    def _with_live_stock(self, products: list[Product], *, consistent: bool) -> list[Product]:
        """``products`` with the stock of the sharded ones summed from their shards, and
        the shards' moves added to their version."""
        sharded = [(p.id, p.stock_shards) for p in products if p.stock_shards]
        if not sharded:
            return products
        shards = self._shards(sharded, consistent=consistent)
        return [with_shards(p, shards[p.id]) if p.stock_shards else p for p in products]

    def _batch_get(self, keys: list[dict[str, Any]], consistent: bool) -> Iterable[Item]:
        for start in range(0, len(keys), BATCH_GET_LIMIT):
            request: Mapping[str, Any] = {
                self._table: {
                    "Keys": keys[start : start + BATCH_GET_LIMIT],
                    "ConsistentRead": consistent,
                }
            }
            while request:
                response = self._client.batch_get_item(RequestItems=request)
                yield from response.get("Responses", {}).get(self._table, [])
                request = response.get("UnprocessedKeys") or {}

    def add(self, product: Product, correlation_id: str | None = None) -> None:
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {**product_to_item(product, correlation_id), **trace_item_attributes()},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            self._claim_sku(product),
        ]
        if product.stock_shards:
            seen = dict.fromkeys(range(product.stock_shards))  # none exists yet
            writes += self._set_shards(product, seen)
        self._transact(product, writes)

    def replace(self, current: Product, revised: Product, correlation_id: str | None) -> None:
        """Writes ``revised`` if the stored product is still at ``current.version``. When
        its stock changes (or it moves into shards), the shards are set to spread the new
        total, each on condition that it still holds what was read; the shards start
        counting moves again. An order that moved the stock since ``current`` was read
        makes it stale (StaleVersion): the total was decided on units that are gone. A
        transaction conflict is tried again (``SHARD_WRITE_ATTEMPTS`` times, then
        ConcurrentWrite)."""
        resharding = revised.stock_shards and (
            revised.stock != current.stock or not current.stock_shards
        )
        for _ in range(SHARD_WRITE_ATTEMPTS if resharding else 1):
            writes: list[TransactWriteItemTypeDef] = [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            **product_to_item(revised, correlation_id),
                            **trace_item_attributes(),
                        },
                        "ConditionExpression": "version = :expected",
                        "ExpressionAttributeValues": {
                            ":expected": {"N": str(current.stored_version)}
                        },
                    }
                }
            ]
            if revised.sku != current.sku:
                writes += [self._claim_sku(revised), self._release_sku(current)]
            if resharding:
                seen = self._seen_shards(current)
                if sum(shard[1] for shard in seen.values() if shard) != current.stock_moves:
                    # an order moved the stock since ``current`` was read: the new total was
                    # decided on a stock that is gone
                    raise StaleVersion(current.id, current.version)
                units = {index: shard and shard[0] for index, shard in seen.items()}
                writes += self._set_shards(revised, units)
            try:
                self._transact(revised, writes, expected_version=current.version)
                return
            except ConcurrentWrite:
                if not resharding:
                    raise
        raise ConcurrentWrite(revised.id)

    def remove(self, product: Product) -> None:
        """Deletes ``product`` (and its stock shards) if the stored one is still at
        ``product.version``."""
        writes: list[TransactWriteItemTypeDef] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": product_key(product.id),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": {":expected": {"N": str(product.stored_version)}},
                }
            },
            self._release_sku(product),
        ]
        writes += [
            {"Delete": {"TableName": self._table, "Key": shard_key(product.id, index)}}
            for index in range(product.stock_shards)
        ]
        self._transact(product, writes, expected_version=product.version)

    def _seen_shards(self, product: Product) -> dict[int, tuple[int, int] | None]:
        """What each shard of ``product`` holds now, and its moves (None: no item yet)."""
        if not product.stock_shards:
            return {}
        found = {
            int(item["pk"]["S"].rpartition("#")[2]): (int(item["stock"]["N"]), shard_moves(item))
            for item in self._batch_get(
                [shard_key(product.id, i) for i in range(product.stock_shards)], True
            )
        }
        return {index: found.get(index) for index in range(product.stock_shards)}

    def _set_shards(
        self, product: Product, seen: Mapping[int, int | None]
    ) -> list[TransactWriteItemTypeDef]:
        """Puts ``product.stock`` spread over its shards, each on condition that it still
        holds what ``seen`` says (None, or absent: that it does not exist)."""
        writes: list[TransactWriteItemTypeDef] = []
        for index, units in enumerate(spread(product.stock, product.stock_shards)):
            before = seen.get(index)
            put: dict[str, Any] = {
                "TableName": self._table,
                "Item": {
                    **shard_key(product.id, index),
                    "stock": {"N": str(units)},
                    "updatedAt": {"S": product.updated_at},
                },
            }
            if before is None:
                put["ConditionExpression"] = "attribute_not_exists(pk)"
            else:
                put["ConditionExpression"] = "#stock = :seen"
                put["ExpressionAttributeNames"] = {"#stock": "stock"}
                put["ExpressionAttributeValues"] = {":seen": {"N": str(before)}}
            writes.append({"Put": put})  # type: ignore[typeddict-item]
        return writes

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
            if failed and _is_shard(writes[failed[0]]):
                raise ConcurrentWrite(product.id) from error  # an order moved a shard
            if "TransactionConflict" in reasons:
                raise ConcurrentWrite(product.id) from error
            raise


def _is_shard(write: TransactWriteItemTypeDef) -> bool:
    item: Mapping[str, Any] = write.get("Put", {}).get("Item", {})
    return bool(item.get("sk", {}).get("S") == STOCK_SK)
