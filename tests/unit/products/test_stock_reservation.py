"""Reserving and releasing stock against DynamoDB (moto): all or nothing, exactly once,
never oversold; over a product's stock shards, and on the own item of a product stored
before sharding ("legacy")."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from products import stock_consumer
from products.domain import ProductChanges, StaleVersion
from products.repository import DynamoDBProductRepository, product_key, shard_key
from products.service import NewProduct, ProductService
from products.stock import StockContention, StockLine, Trigger, preferred_shard
from products.stock_repository import DynamoDBStockRepository, reservation_key
from products.stock_service import Outcome, RetryPolicy, StockService
from shared.money import Money

TABLE = "ecommerce-test-products"
PLACED = Trigger(event_id="7e1d0c4b-2a3f-4b5c-8d6e-9f0a1b2c3d4e", correlation_id="flow-order")
CANCELLED = Trigger(event_id="8f2e1d5c-3b4a-4c6d-9e7f-0a1b2c3d4e5f", correlation_id="flow-cancel")


@dataclass
class Shop:
    """The products table with a catalog to reserve from, and the stock service over it."""

    client: Any
    service: StockService

    def add_product(self, stock: int, sku: str | None = None, shards: int = 4) -> str:
        catalog = ProductService(DynamoDBProductRepository(TABLE, self.client), stock_shards=shards)
        draft = NewProduct(
            sku=sku or f"SKU-{uuid.uuid4().hex[:8]}",
            name="Mug",
            description="",
            price=Money(1290, "EUR"),
            stock=stock,
        )
        return catalog.create(draft).id

    def add_legacy_product(self, stock: int) -> str:
        """A product as stored before sharding: its stock on its own item, no shards."""
        product_id = self.add_product(stock, shards=1)
        item = self.product(product_id)
        del item["stockShards"]
        self.client.put_item(TableName=TABLE, Item=item)
        self.client.delete_item(TableName=TABLE, Key=shard_key(product_id, 0))
        return product_id

    def shards_of(self, product_id: str) -> list[int | None]:
        """What each stock shard holds (None: no shard item)."""
        count = int(self.product(product_id).get("stockShards", {}).get("N", "0"))
        found: list[int | None] = []
        for index in range(count):
            item = self.client.get_item(TableName=TABLE, Key=shard_key(product_id, index))
            found.append(int(item["Item"]["stock"]["N"]) if "Item" in item else None)
        return found

    def product(self, product_id: str) -> dict[str, Any]:
        return dict(self.client.get_item(TableName=TABLE, Key=product_key(product_id))["Item"])

    def stock_of(self, product_id: str) -> int:
        """The product's stock as GET shows it: the sum of its shards."""
        product = DynamoDBProductRepository(TABLE, self.client).get(product_id)
        assert product is not None
        return product.stock

    def reservation(self, order_id: str) -> dict[str, Any] | None:
        response = self.client.get_item(TableName=TABLE, Key=reservation_key(order_id))
        item = response.get("Item")
        return dict(item) if item else None

    def status_of(self, order_id: str) -> str | None:
        item = self.reservation(order_id)
        return item["status"]["S"] if item else None

    def delete_product(self, product_id: str) -> None:
        ProductService(DynamoDBProductRepository(TABLE, self.client)).delete(product_id)


def no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
def shop(products_table: dict[str, Any]) -> Iterator[Shop]:  # noqa: ARG001 (creates it)
    stock_consumer.service.cache_clear()
    stock_consumer.consumer.cache_clear()
    client = boto3.client("dynamodb")
    yield Shop(client, StockService(DynamoDBStockRepository(TABLE, client), sleep=no_sleep))
    stock_consumer.service.cache_clear()
    stock_consumer.consumer.cache_clear()


def new_order() -> str:
    return str(uuid.uuid4())


def test_every_line_is_reserved_in_one_go(shop: Shop) -> None:
    mug, cup = shop.add_product(stock=5), shop.add_product(stock=3)
    order = new_order()

    outcome = shop.service.reserve(
        order, [StockLine(mug, 2), StockLine(cup, 3), StockLine(mug, 1)], PLACED
    )

    assert outcome is Outcome.RESERVED
    assert (shop.stock_of(mug), shop.stock_of(cup)) == (2, 0)
    item = shop.reservation(order)
    assert item is not None
    assert item["status"] == {"S": "RESERVED"}
    assert [
        (line["M"]["productId"]["S"], line["M"]["quantity"]["N"]) for line in item["lines"]["L"]
    ] == [
        (mug, "3"),
        (cup, "3"),
    ]
    assert item["lastCorrelationId"] == {"S": "flow-order"}
    assert item["causationId"] == {"S": PLACED.event_id}
    assert "expiresAt" not in item  # a live reservation must stay until it is released


def test_a_reservation_of_a_legacy_product_is_a_new_version_of_it(shop: Shop) -> None:
    mug = shop.add_legacy_product(stock=5)
    before = shop.product(mug)

    shop.service.reserve(new_order(), [StockLine(mug, 2)], PLACED)

    after = shop.product(mug)
    assert after["version"] == {"N": "2"}
    assert after["updatedAt"]["S"] > before["updatedAt"]["S"]
    assert after["lastCorrelationId"] == {"S": "flow-order"}  # ProductUpdated joins the flow
    assert {
        k: v
        for k, v in after.items()
        if k not in {"stock", "version", "updatedAt", "lastCorrelationId"}
    } == {
        k: v
        for k, v in before.items()
        if k not in {"stock", "version", "updatedAt", "lastCorrelationId"}
    }


def test_one_short_line_reserves_nothing_and_says_why(shop: Shop) -> None:
    mug, cup = shop.add_product(stock=5), shop.add_product(stock=1)
    missing = str(uuid.uuid4())
    order = new_order()

    outcome = shop.service.reserve(
        order, [StockLine(mug, 2), StockLine(cup, 3), StockLine(missing, 1)], PLACED
    )

    assert outcome is Outcome.FAILED
    assert (shop.stock_of(mug), shop.stock_of(cup)) == (5, 1)  # untouched
    assert shop.product(mug)["version"] == {"N": "1"}
    item = shop.reservation(order)
    assert item is not None
    assert item["status"] == {"S": "FAILED"}
    reasons = [
        {name: next(iter(value.values())) for name, value in reason["M"].items()}
        for reason in item["reasons"]["L"]
    ]
    assert reasons == [
        {"productId": cup, "code": "INSUFFICIENT_STOCK", "requested": "3", "available": "1"},
        {"productId": missing, "code": "UNKNOWN_PRODUCT", "requested": "1", "available": "0"},
    ]
    assert "expiresAt" in item


def test_an_unknown_product_alone_fails_the_order(shop: Shop) -> None:
    order = new_order()

    assert shop.service.reserve(order, [StockLine(str(uuid.uuid4()), 1)], PLACED) is Outcome.FAILED
    assert shop.status_of(order) == "FAILED"


@pytest.mark.parametrize("legacy", [False, True])
def test_a_redelivered_order_is_reserved_once(shop: Shop, legacy: bool) -> None:
    mug = shop.add_legacy_product(stock=5) if legacy else shop.add_product(stock=5)
    order = new_order()

    first = shop.service.reserve(order, [StockLine(mug, 2)], PLACED)
    again = shop.service.reserve(order, [StockLine(mug, 2)], PLACED)

    assert (first, again) == (Outcome.RESERVED, Outcome.NOTHING_TO_DO)
    assert shop.stock_of(mug) == 3
    assert shop.product(mug)["version"] == {"N": "2" if legacy else "1"}


def test_a_redelivered_failed_order_stays_failed_even_when_stock_arrives(shop: Shop) -> None:
    mug = shop.add_product(stock=1)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 2)], PLACED)
    ProductService(DynamoDBProductRepository(TABLE, shop.client)).update(
        mug, 1, ProductChanges(stock=10)
    )

    assert shop.service.reserve(order, [StockLine(mug, 2)], PLACED) is Outcome.NOTHING_TO_DO
    assert shop.status_of(order) == "FAILED"
    assert shop.stock_of(mug) == 10


@pytest.mark.parametrize("legacy", [False, True])
def test_a_cancelled_order_gets_its_stock_back_exactly_once(shop: Shop, legacy: bool) -> None:
    add = shop.add_legacy_product if legacy else shop.add_product
    mug, cup = add(5), add(3)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 2), StockLine(cup, 1)], PLACED)

    first = shop.service.release(order, [StockLine(mug, 2), StockLine(cup, 1)], CANCELLED)
    again = shop.service.release(order, [StockLine(mug, 2), StockLine(cup, 1)], CANCELLED)
    placed_again = shop.service.reserve(order, [StockLine(mug, 2)], PLACED)

    assert (first, again, placed_again) == (
        Outcome.RELEASED,
        Outcome.NOTHING_TO_DO,
        Outcome.NOTHING_TO_DO,
    )
    assert (shop.stock_of(mug), shop.stock_of(cup)) == (5, 3)
    # a legacy product: reserved, then released; shards carry no product version
    assert shop.product(mug)["version"] == {"N": "3" if legacy else "1"}
    item = shop.reservation(order)
    assert item is not None
    assert item["status"] == {"S": "RELEASED"}
    assert item["lastCorrelationId"] == {"S": "flow-cancel"}
    assert item["causationId"] == {"S": CANCELLED.event_id}
    assert "releasedAt" in item
    assert "expiresAt" in item


def test_a_cancel_that_overtakes_its_order_blocks_the_reservation(shop: Shop) -> None:
    mug = shop.add_product(stock=5)
    order = new_order()

    cancelled = shop.service.release(order, [StockLine(mug, 2)], CANCELLED)
    placed = shop.service.reserve(order, [StockLine(mug, 2)], PLACED)

    assert (cancelled, placed) == (Outcome.CANCELLED_FIRST, Outcome.NOTHING_TO_DO)
    assert shop.stock_of(mug) == 5
    assert shop.status_of(order) == "CANCELLED"
    assert shop.service.release(order, [], CANCELLED) is Outcome.NOTHING_TO_DO


def test_cancelling_a_failed_reservation_releases_nothing(shop: Shop) -> None:
    mug = shop.add_product(stock=1)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 2)], PLACED)

    assert shop.service.release(order, [StockLine(mug, 2)], CANCELLED) is Outcome.NOTHING_TO_DO
    assert shop.stock_of(mug) == 1
    assert shop.status_of(order) == "FAILED"


def test_a_product_deleted_meanwhile_is_skipped_but_the_rest_is_released(shop: Shop) -> None:
    mug, cup = shop.add_product(stock=5), shop.add_product(stock=3)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 2), StockLine(cup, 1)], PLACED)
    shop.delete_product(mug)

    outcome = shop.service.release(order, [], CANCELLED)

    assert outcome is Outcome.RELEASED
    assert shop.stock_of(cup) == 3
    assert shop.client.get_item(TableName=TABLE, Key=product_key(mug)).get("Item") is None
    assert shop.status_of(order) == "RELEASED"


def conflict(client: Any, writes: int) -> Exception:
    exception: Exception = client.exceptions.TransactionCanceledException(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": [{"Code": "TransactionConflict"}]
            + [{"Code": "None"}] * (writes - 1),
        },
        "TransactWriteItems",
    )
    return exception


def test_a_transaction_conflict_is_retried_not_reported_as_a_shortage(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    mug = shop.add_product(stock=8)  # 2 in each shard: the first plan fits
    order = new_order()
    transact = shop.client.transact_write_items
    attempts: list[int] = []
    naps: list[float] = []

    def conflicting_twice(**request: Any) -> Any:
        attempts.append(len(request["TransactItems"]))
        if len(attempts) <= 2:
            raise conflict(shop.client, len(request["TransactItems"]))
        return transact(**request)

    monkeypatch.setattr(shop.client, "transact_write_items", conflicting_twice)
    service = StockService(DynamoDBStockRepository(TABLE, shop.client), sleep=naps.append)

    assert service.reserve(order, [StockLine(mug, 2)], PLACED) is Outcome.RESERVED
    assert service.release(order, [], CANCELLED) is Outcome.RELEASED
    assert len(attempts) == 4
    assert len(naps) == 2
    assert shop.stock_of(mug) == 8


def test_endless_conflicts_give_up_so_the_queue_retries_later(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    mug = shop.add_product(stock=5)

    def always_conflicting(**request: Any) -> Any:
        raise conflict(shop.client, len(request["TransactItems"]))

    monkeypatch.setattr(shop.client, "transact_write_items", always_conflicting)
    service = StockService(
        DynamoDBStockRepository(TABLE, shop.client), retry=RetryPolicy(attempts=3), sleep=no_sleep
    )

    with pytest.raises(StockContention):
        service.reserve(new_order(), [StockLine(mug, 1)], PLACED)
    assert shop.stock_of(mug) == 5


@pytest.fixture
def serializable_dynamodb(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """moto's DynamoDB as the real one behaves under concurrency.

    moto runs each request unsynchronized: concurrent transactions interleave and a
    rolled-back one restores a stale copy of the whole table, losing others' writes.
    Real DynamoDB serializes them, and cancels a transaction that collides with one in
    flight (TransactionConflict). So: one request at a time, and the first transaction
    of every order is cancelled as conflicting, to race the retry path too.
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    call_action = DynamoHandler.call_action
    transact = DynamoDBBackend.transact_write_items
    seen: Counter[str] = Counter()

    def one_at_a_time(self: Any) -> Any:
        with lock:
            return call_action(self)

    def conflicting_first(self: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.exceptions import TransactionCanceledException

        key = next(iter(transact_items[0].values())).get("Item", {}).get("pk", {}).get("S", "")
        if key.startswith("RESERVATION#"):
            seen[key] += 1
        if seen[key] == 1:
            raise TransactionCanceledException(
                [("TransactionConflict", "Transaction is ongoing for the item", None)]
                + [(None, None, None)] * (len(transact_items) - 1)
            )
        transact(self, transact_items)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", conflicting_first)
    return seen


@pytest.mark.parametrize("shards", [0, 1, 4])
def test_racing_orders_never_oversell(
    shop: Shop, serializable_dynamodb: Counter[str], shards: int
) -> None:
    mug = shop.add_product(stock=10, shards=shards) if shards else shop.add_legacy_product(10)
    orders = [new_order() for _ in range(30)]
    service = StockService(DynamoDBStockRepository(TABLE, shop.client))  # real backoff
    start = threading.Barrier(len(orders))
    outcomes: dict[str, Outcome] = {}
    errors: list[BaseException] = []

    def place(order: str) -> None:
        start.wait()
        try:
            outcomes[order] = service.reserve(order, [StockLine(mug, 1)], PLACED)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=place, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Counter(outcomes.values()) == {Outcome.RESERVED: 10, Outcome.FAILED: 20}
    assert Counter(shop.status_of(order) for order in orders) == {"RESERVED": 10, "FAILED": 20}
    assert shop.stock_of(mug) == 0
    assert shop.product(mug)["version"] == {"N": "11" if not shards else "1"}
    assert shop.shards_of(mug) == [0] * shards
    assert all(count >= 2 for count in serializable_dynamodb.values())  # all retried a conflict


def test_racing_orders_and_cancels_over_shards_keep_the_total_right(
    shop: Shop,
    serializable_dynamodb: Counter[str],  # noqa: ARG001 (patches moto)
) -> None:
    """Orders of 1..3 units race over a product's 4 shards (11 units: 3, 3, 3, 2) while
    some of the reserved ones are cancelled: never oversold, nobody refused while the
    total could cover them, and every unit back where it came from."""
    mug = shop.add_product(stock=11, shards=4)
    quantities = {new_order(): 1 + n % 3 for n in range(24)}
    service = StockService(DynamoDBStockRepository(TABLE, shop.client))
    start = threading.Barrier(len(quantities))
    outcomes: dict[str, Outcome] = {}
    released: list[str] = []
    errors: list[BaseException] = []

    def place_and_maybe_cancel(order: str) -> None:
        start.wait()
        try:
            outcomes[order] = service.reserve(order, [StockLine(mug, quantities[order])], PLACED)
            if outcomes[order] is Outcome.RESERVED and quantities[order] == 2:
                assert service.release(order, [], CANCELLED) is Outcome.RELEASED
                released.append(order)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=place_and_maybe_cancel, args=(o,)) for o in quantities]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    held = [o for o, outcome in outcomes.items() if outcome is Outcome.RESERVED]
    kept = sum(quantities[o] for o in held if o not in released)
    assert kept <= 11
    assert shop.stock_of(mug) == 11 - kept
    shards = shop.shards_of(mug)
    assert all(units is not None and units >= 0 for units in shards)
    refused = [o for o, outcome in outcomes.items() if outcome is Outcome.FAILED]
    for order in refused:  # refused only for want of the whole product's stock
        item = shop.reservation(order)
        assert item is not None
        [reason] = item["reasons"]["L"]
        assert int(reason["M"]["available"]["N"]) < quantities[order]
    for order in held:
        item = shop.reservation(order)
        assert item is not None
        takes = [
            (int(t["M"]["shard"]["N"]), int(t["M"]["quantity"]["N"])) for t in item["takes"]["L"]
        ]
        assert sum(quantity for _, quantity in takes) == quantities[order]
        assert len({shard for shard, _ in takes}) == len(takes)


def test_an_order_falls_over_to_other_shards_before_it_is_refused(shop: Shop) -> None:
    mug = shop.add_product(stock=7, shards=4)  # 2, 2, 2, 1
    order = new_order()

    assert shop.service.reserve(order, [StockLine(mug, 6)], PLACED) is Outcome.RESERVED

    assert shop.stock_of(mug) == 1
    item = shop.reservation(order)
    assert item is not None
    takes = [(int(t["M"]["shard"]["N"]), int(t["M"]["quantity"]["N"])) for t in item["takes"]["L"]]
    assert takes[0][0] == preferred_shard(order, mug, 4)  # its own shard first
    assert sum(quantity for _, quantity in takes) == 6
    assert len({shard for shard, _ in takes}) == len(takes)
    too_many = new_order()
    assert shop.service.reserve(too_many, [StockLine(mug, 2)], PLACED) is Outcome.FAILED
    failed = shop.reservation(too_many)
    assert failed is not None
    assert failed["reasons"]["L"][0]["M"]["available"] == {"N": "1"}  # the product's total


def test_a_release_puts_each_unit_back_into_the_shard_it_came_from(shop: Shop) -> None:
    mug = shop.add_product(stock=7, shards=4)
    before = shop.shards_of(mug)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 6)], PLACED)
    during = shop.shards_of(mug)

    assert shop.service.release(order, [], CANCELLED) is Outcome.RELEASED

    assert shop.shards_of(mug) == before
    assert during != before
    assert shop.product(mug)["version"] == {"N": "1"}  # the catalog item is not written


def test_a_legacy_product_moves_into_shards_when_its_stock_is_set(shop: Shop) -> None:
    """A reservation made on the product's own item, released after the product moved
    into shards, goes back to one of its shards: nothing is lost, nothing is doubled."""
    mug = shop.add_legacy_product(stock=5)
    early = new_order()
    shop.service.reserve(early, [StockLine(mug, 2)], PLACED)
    assert shop.stock_of(mug) == 3
    catalog = ProductService(DynamoDBProductRepository(TABLE, shop.client), stock_shards=4)

    moved = catalog.update(mug, 2, ProductChanges(stock=9))

    assert (moved.stock, moved.stock_shards) == (9, 4)
    assert shop.shards_of(mug) == [3, 2, 2, 2]
    assert shop.stock_of(mug) == 9
    late = new_order()
    assert shop.service.reserve(late, [StockLine(mug, 1)], PLACED) is Outcome.RESERVED
    assert shop.product(mug)["stock"] == {"N": "9"}  # its own item is no longer taken from
    assert shop.service.release(early, [], CANCELLED) is Outcome.RELEASED
    assert shop.stock_of(mug) == 9 - 1 + 2


def test_an_admin_sets_the_total_spread_over_the_shards(shop: Shop) -> None:
    mug = shop.add_product(stock=10, shards=4)
    shop.service.reserve(new_order(), [StockLine(mug, 3)], PLACED)
    catalog = ProductService(DynamoDBProductRepository(TABLE, shop.client))
    current = catalog.get(mug)
    assert current.stock == 7
    assert current.version > 1  # the sale (one move per shard it took from) is a new version
    assert shop.product(mug)["version"] == {"N": "1"}  # without writing the product's item

    updated = catalog.update(mug, current.version, ProductChanges(stock=6))

    assert (updated.stock, updated.version) == (6, current.version + 1)
    assert shop.shards_of(mug) == [2, 2, 1, 1]
    assert shop.stock_of(mug) == 6
    assert catalog.get(mug) == updated
    renamed = catalog.update(mug, updated.version, ProductChanges(name="Big mug"))
    assert shop.shards_of(mug) == [2, 2, 1, 1]  # a change without stock leaves the shards
    assert renamed.stock == 6
    shop.service.reserve(new_order(), [StockLine(mug, 1)], PLACED)
    sold = catalog.get(mug)
    assert sold.version == renamed.version + 1
    renamed_again = catalog.update(mug, sold.version, ProductChanges(name="Tall mug"))
    assert (renamed_again.version, renamed_again.stock) == (sold.version + 1, 5)
    assert catalog.get(mug) == renamed_again  # the version a PUT answers is the one read


def test_a_restock_read_before_a_sale_is_stale_and_the_sale_stays_counted(shop: Shop) -> None:
    """The load run's admin: read the product, add to the stock it showed, PUT that with
    the version read. An order that took units in between makes the PUT a 409; else the
    units sold would be back in stock and sold twice."""
    mug = shop.add_product(stock=2, shards=4)
    catalog = ProductService(DynamoDBProductRepository(TABLE, shop.client))
    read = catalog.get(mug)
    assert shop.service.reserve(new_order(), [StockLine(mug, 2)], PLACED) is Outcome.RESERVED

    with pytest.raises(StaleVersion):
        catalog.update(mug, read.version, ProductChanges(stock=read.stock + 3))

    assert shop.stock_of(mug) == 0
    again = catalog.get(mug)
    assert again.version > read.version
    assert catalog.update(mug, again.version, ProductChanges(stock=again.stock + 3)).stock == 3
    assert shop.stock_of(mug) == 3


def test_a_release_read_before_a_restock_makes_it_stale_too(shop: Shop) -> None:
    mug = shop.add_product(stock=4, shards=4)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 2)], PLACED)
    catalog = ProductService(DynamoDBProductRepository(TABLE, shop.client))
    read = catalog.get(mug)
    assert shop.service.release(order, [], CANCELLED) is Outcome.RELEASED

    with pytest.raises(StaleVersion):
        catalog.update(mug, read.version, ProductChanges(stock=read.stock + 1))

    assert shop.stock_of(mug) == 4


def test_an_admin_stock_change_racing_an_order_is_stale(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An order takes a unit between the admin's read of the shards and the write: the
    write's conditions fail, the shards are read again, show the order's move, and the
    change is refused as stale (the total was decided on a unit that is gone)."""
    mug = shop.add_product(stock=8, shards=4)
    repository = DynamoDBProductRepository(TABLE, shop.client)
    transact = shop.client.transact_write_items
    raced: list[bool] = []

    def order_sneaks_in(**request: Any) -> Any:
        if not raced:
            raced.append(True)
            shop.service.reserve(new_order(), [StockLine(mug, 1)], PLACED)
        return transact(**request)

    monkeypatch.setattr(shop.client, "transact_write_items", order_sneaks_in)
    with pytest.raises(StaleVersion):
        ProductService(repository).update(mug, 1, ProductChanges(stock=20))
    monkeypatch.undo()

    assert shop.stock_of(mug) == 7
    assert sorted(shop.shards_of(mug)) == [1, 2, 2, 2]


def test_an_admin_stock_change_after_a_transaction_conflict_is_tried_again(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conflict that moved no stock (another transaction on a shard) does not make the
    admin's change stale: it is written on the next try."""
    mug = shop.add_product(stock=8, shards=4)
    repository = DynamoDBProductRepository(TABLE, shop.client)
    transact = shop.client.transact_write_items
    tries: list[int] = []

    def conflict_once(**request: Any) -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise shop.client.exceptions.TransactionCanceledException(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                    "CancellationReasons": [{"Code": "None"}]
                    + [{"Code": "TransactionConflict"}] * 4,
                },
                "TransactWriteItems",
            )
        return transact(**request)

    monkeypatch.setattr(shop.client, "transact_write_items", conflict_once)
    updated = ProductService(repository).update(mug, 1, ProductChanges(stock=20))
    monkeypatch.undo()

    assert (updated.stock, len(tries)) == (20, 2)
    assert shop.shards_of(mug) == [5, 5, 5, 5]


def test_deleting_a_product_deletes_its_shards(shop: Shop) -> None:
    mug = shop.add_product(stock=8, shards=4)
    order = new_order()
    shop.service.reserve(order, [StockLine(mug, 1)], PLACED)

    shop.delete_product(mug)

    for index in range(4):
        assert "Item" not in shop.client.get_item(TableName=TABLE, Key=shard_key(mug, index))
    assert shop.service.release(order, [], CANCELLED) is Outcome.RELEASED
    assert shop.service.reserve(new_order(), [StockLine(mug, 1)], PLACED) is Outcome.FAILED
