"""Stock reservations for orders, in plain Python (no AWS).

An order reserves all its lines or none. Each order has exactly one reservation, whose
status only moves forward::

    (none) --OrderPlaced--> RESERVED --OrderCancelled--> RELEASED
    (none) --OrderPlaced--> FAILED            (stock untouched; nothing to release)
    (none) --OrderCancelled--> CANCELLED      (the cancel overtook the placement: a later
                                               OrderPlaced reserves nothing)

Once a reservation exists, a redelivered or late event for the same order changes
nothing: that is what makes the consumer exactly-once per order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

MAX_LINES = 50
"""OrderPlaced carries at most 50 lines: one transaction (<= 100 items) reserves them all."""


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

    @classmethod
    def reserved(cls, order_id: str, lines: Iterable[StockLine], now: str) -> Reservation:
        merged = merge_lines(lines)
        if not merged:
            raise ValueError("an order reserves at least one line")
        if len(merged) > MAX_LINES:
            raise ValueError(f"an order reserves at most {MAX_LINES} products")
        return cls(order_id, ReservationStatus.RESERVED, merged, now)

    def failed(self, shortages: Iterable[Shortage]) -> Reservation:
        """This attempt, refused for ``shortages`` (at least one)."""
        reasons = tuple(shortages)
        if not reasons:
            raise ValueError("a failed reservation names at least one shortage")
        return replace(self, status=ReservationStatus.FAILED, shortages=reasons)

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


def shortages(lines: Iterable[StockLine], stock: Mapping[str, int | None]) -> list[Shortage]:
    """The lines ``stock`` (product id -> units on hand, None: no such product) cannot
    cover; empty when all of them can."""
    found: list[Shortage] = []
    for line in lines:
        available = stock.get(line.product_id)
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
