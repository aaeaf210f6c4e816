"""Stock reservations for orders, in plain Python (no AWS).

An order reserves all its lines or none. Each order has exactly one reservation, whose
status only moves forward::

    (none) --OrderPlaced--> RESERVED --OrderCancelled--> RELEASED
    (none) --OrderPlaced--> FAILED            (stock untouched; nothing to release)
    (none) --OrderCancelled--> CANCELLED      (the cancel overtook the placement: a later
                                               OrderPlaced reserves nothing)

Once a reservation exists, a redelivered or late event for the same order changes
nothing: that is what makes the consumer exactly-once per order.

Where the units come from: a product's stock is split over ``shards`` stock items
(``spread``), so a sale of one product is not capped by the write rate of one item. An
order takes each line from the shard its id hashes to (``preferred_shard``); when that
shard is short it takes from the others too (``plan_takes``), largest first, and is
refused only when the product's total cannot cover the line. The reservation records
every ``Take`` so a release puts the units back where they came from. A product stored
before sharding keeps its stock on its own item (``Take.shard`` None) until an admin next
sets its stock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

MAX_LINES = 50
"""OrderPlaced carries at most 50 lines: one transaction (<= 100 items) reserves them all."""
MAX_TAKES = 99
"""Stock items one reservation may touch: a transaction holds at most 100 actions, one of
them the reservation itself."""
MAX_STOCK_SHARDS = 32
DEFAULT_STOCK_SHARDS = 4
"""Stock items per product (see docs/capacity.md for the figures behind the choice)."""


class ReservationStatus(StrEnum):
    RESERVED = "RESERVED"
    FAILED = "FAILED"
    RELEASED = "RELEASED"
    CANCELLED = "CANCELLED"


class ShortageCode(StrEnum):
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"


@dataclass(frozen=True)
class StockLine:
    product_id: str
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError("a reserved quantity is at least 1")


@dataclass(frozen=True)
class Take:
    """``quantity`` units of a product taken from (or put back into) one stock item: shard
    ``shard``, or, for a product stored before sharding (``shard`` None), its own item."""

    product_id: str
    shard: int | None
    quantity: int

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError("a take is at least 1 unit")
        if self.shard is not None and not 0 <= self.shard < MAX_STOCK_SHARDS:
            raise ValueError(f"stock shards are 0..{MAX_STOCK_SHARDS - 1}")


@dataclass(frozen=True)
class StockLevels:
    """A product's units on hand: one figure per shard, or (``sharded`` False) the single
    figure on the product's own item."""

    units: tuple[int, ...]
    sharded: bool

    @property
    def total(self) -> int:
        return sum(self.units)


def spread(total: int, shards: int) -> tuple[int, ...]:
    """``total`` units over ``shards`` stock items, as evenly as whole units allow (the
    first ``total % shards`` get one more): what an admin's "stock = total" writes."""
    if not 1 <= shards <= MAX_STOCK_SHARDS:
        raise ValueError(f"a product has 1..{MAX_STOCK_SHARDS} stock shards")
    if total < 0:
        raise ValueError("stock cannot be negative")
    share, rest = divmod(total, shards)
    return tuple(share + (1 if index < rest else 0) for index in range(shards))


def preferred_shard(order_id: str, product_id: str, shards: int) -> int:
    """The shard an order takes a product from first: a stable hash (the same in every
    process), so concurrent orders spread evenly over the shards."""
    digest = hashlib.sha256(f"{order_id}/{product_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards


def first_takes(
    order_id: str, lines: Iterable[StockLine], shard_counts: Mapping[str, int]
) -> tuple[Take, ...]:
    """The optimistic plan, made without reading any stock: each line whole from its
    preferred shard (``shard_counts``: product id -> shards, 0 for an unsharded product)."""
    takes = []
    for line in lines:
        shards = shard_counts[line.product_id]
        shard = preferred_shard(order_id, line.product_id, shards) if shards else None
        takes.append(Take(line.product_id, shard, line.quantity))
    return tuple(takes)


def plan_takes(
    order_id: str, lines: Iterable[StockLine], levels: Mapping[str, StockLevels | None]
) -> tuple[Take, ...] | None:
    """Where each line's units come from, given ``levels`` read: the preferred shard
    first, then the others from the fullest down. None when some line cannot be covered
    (see ``shortages``) or the plan would not fit one transaction."""
    takes: list[Take] = []
    for line in lines:
        found = levels.get(line.product_id)
        if found is None or found.total < line.quantity:
            return None
        if not found.sharded:
            takes.append(Take(line.product_id, None, line.quantity))
            continue
        first = preferred_shard(order_id, line.product_id, len(found.units))
        others = sorted(
            (index for index in range(len(found.units)) if index != first),
            key=lambda index: (-found.units[index], index),
        )
        remaining = line.quantity
        for index in [first, *others]:
            taken = min(found.units[index], remaining)
            if taken:
                takes.append(Take(line.product_id, index, taken))
                remaining -= taken
            if not remaining:
                break
    return tuple(takes) if len(takes) <= MAX_TAKES else None


def restock_takes(
    order_id: str, takes: Sequence[Take], shard_counts: Mapping[str, int | None]
) -> tuple[Take, ...]:
    """Where a release puts ``takes`` back, given each product's shards now (None: the
    product is gone; it gets nothing back): each take to the shard it came from; units
    taken from an unsharded product's own item go to its preferred shard if the product
    has been sharded since."""
    back: list[Take] = []
    for take in takes:
        shards = shard_counts.get(take.product_id)
        if shards is None:
            continue
        if take.shard is None and shards:
            back.append(
                Take(
                    take.product_id,
                    preferred_shard(order_id, take.product_id, shards),
                    take.quantity,
                )
            )
        else:
            back.append(take)
    return tuple(back)


@dataclass(frozen=True)
class Shortage:
    """Why one product cannot be reserved: ``available`` is 0 for an unknown product."""

    product_id: str
    code: ShortageCode
    requested: int
    available: int


@dataclass(frozen=True)
class Reservation:
    order_id: str
    status: ReservationStatus
    lines: tuple[StockLine, ...]
    created_at: str
    shortages: tuple[Shortage, ...] = ()
    released_at: str | None = None
    takes: tuple[Take, ...] = field(default=())
    """Where the reserved units were taken from (empty for a reservation recorded before
    shards existed: its lines came whole from the products' own items)."""

    @classmethod
    def reserved(cls, order_id: str, lines: Iterable[StockLine], now: str) -> Reservation:
        merged = merge_lines(lines)
        if not merged:
            raise ValueError("an order reserves at least one line")
        if len(merged) > MAX_LINES:
            raise ValueError(f"an order reserves at most {MAX_LINES} products")
        return cls(order_id, ReservationStatus.RESERVED, merged, now)

    def taking(self, takes: Iterable[Take]) -> Reservation:
        """This reservation, taking its units as ``takes`` say (they must add up to the
        lines exactly)."""
        planned = tuple(takes)
        totals: dict[str, int] = {}
        for take in planned:
            totals[take.product_id] = totals.get(take.product_id, 0) + take.quantity
        if totals != {line.product_id: line.quantity for line in self.lines}:
            raise ValueError("the takes do not add up to the reserved lines")
        return replace(self, takes=planned)

    def taken(self) -> tuple[Take, ...]:
        """Where the units of this reservation came from."""
        if self.takes:
            return self.takes
        return tuple(Take(line.product_id, None, line.quantity) for line in self.lines)

    def failed(self, shortages: Iterable[Shortage]) -> Reservation:
        """This attempt, refused for ``shortages`` (at least one)."""
        reasons = tuple(shortages)
        if not reasons:
            raise ValueError("a failed reservation names at least one shortage")
        return replace(self, status=ReservationStatus.FAILED, shortages=reasons, takes=())

    @classmethod
    def cancelled(cls, order_id: str, lines: Iterable[StockLine], now: str) -> Reservation:
        """The tombstone of an order cancelled before its placement was handled."""
        return cls(order_id, ReservationStatus.CANCELLED, merge_lines(lines), now)

    def released(self, now: str) -> Reservation:
        if self.status is not ReservationStatus.RESERVED:
            raise ValueError(f"only a RESERVED reservation can be released, not {self.status}")
        return replace(self, status=ReservationStatus.RELEASED, released_at=now)

    @property
    def product_ids(self) -> list[str]:
        return [line.product_id for line in self.lines]


def merge_lines(lines: Iterable[StockLine]) -> tuple[StockLine, ...]:
    """One line per product (quantities added up), in order of first appearance: a
    transaction may touch each item only once."""
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.product_id] = totals.get(line.product_id, 0) + line.quantity
    return tuple(StockLine(product_id, quantity) for product_id, quantity in totals.items())


def shortages(
    lines: Iterable[StockLine], stock: Mapping[str, StockLevels | int | None]
) -> list[Shortage]:
    """The lines ``stock`` (product id -> units on hand, None: no such product) cannot
    cover; empty when all of them can."""
    found: list[Shortage] = []
    for line in lines:
        level = stock.get(line.product_id)
        available = level.total if isinstance(level, StockLevels) else level
        if available is None:
            found.append(Shortage(line.product_id, ShortageCode.UNKNOWN_PRODUCT, line.quantity, 0))
        elif available < line.quantity:
            found.append(
                Shortage(line.product_id, ShortageCode.INSUFFICIENT_STOCK, line.quantity, available)
            )
    return found


@dataclass(frozen=True)
class Trigger:
    """The event that causes a change: stored on the items it writes, so the events those
    changes produce carry its correlation id (and its id as their causation id)."""

    event_id: str
    correlation_id: str


class ReservationExists(Exception):
    """The order already has a reservation (this event is a duplicate or came late)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} already has a reservation")
        self.order_id = order_id


class ReservationChanged(Exception):
    """The reservation is no longer in the state the write expected."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"the reservation of order {order_id} changed meanwhile")
        self.order_id = order_id


class StockCheckFailed(Exception):
    """A line's product is missing or short of stock: nothing was reserved."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id}: not every line can be reserved")
        self.order_id = order_id


class ProductsMissing(Exception):
    """Products a write expected no longer exist (deleted meanwhile)."""

    def __init__(self, product_ids: list[str]) -> None:
        super().__init__(f"no longer in the catalog: {', '.join(product_ids)}")
        self.product_ids = product_ids


class WriteConflict(Exception):
    """A concurrent transaction touched the same items: retry."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id}: conflicting concurrent write; retry")
        self.order_id = order_id


class StockContention(Exception):
    """Still conflicting after every attempt; the message is retried by its queue."""
