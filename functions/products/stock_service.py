"""The stock saga's use cases: reserve an order's lines, release them when it is cancelled.

Both are safe under at-least-once delivery in any order (see ``products.stock``), and
under concurrency: a transaction cancelled by a concurrent write on the same items
(``TransactionConflict``) is retried with jittered exponential backoff, never reported as
a shortage. When the attempts run out, StockContention is raised and the queue redelivers
the message later.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from products.stock import (
    ProductsMissing,
    Reservation,
    ReservationChanged,
    ReservationExists,
    ReservationStatus,
    StockCheckFailed,
    StockContention,
    StockLevels,
    StockLine,
    Take,
    Trigger,
    WriteConflict,
    first_takes,
    plan_takes,
    restock_takes,
    shortages,
)
from shared.events.envelope import utc_now
from shared.observability import logger


class StockRepository(Protocol):
    def reservation(self, order_id: str) -> Reservation | None: ...

    def stock_levels(self, product_ids: Sequence[str]) -> dict[str, StockLevels | None]: ...

    def shard_counts(
        self, product_ids: Sequence[str], *, consistent: bool = False
    ) -> dict[str, int | None]: ...

    def reserve(self, reservation: Reservation, trigger: Trigger) -> None: ...

    def add(self, reservation: Reservation, trigger: Trigger) -> None: ...

    def release(self, released: Reservation, restock: Iterable[Take], trigger: Trigger) -> None: ...


class Outcome(StrEnum):
    RESERVED = "reserved"
    FAILED = "failed"
    RELEASED = "released"
    CANCELLED_FIRST = "cancelled-before-placement"
    NOTHING_TO_DO = "nothing-to-do"
    """A duplicate, a late event, or a cancel of a failed reservation."""


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per message, with "full jitter" backoff between conflicting ones."""

    attempts: int = 8
    base_delay: float = 0.02
    max_delay: float = 0.5

    def delay(self, attempt: int, draw: Callable[[], float] = random.random) -> float:
        ceiling: float = min(self.max_delay, self.base_delay * 2**attempt)
        return draw() * ceiling


class StockService:
    def __init__(
        self,
        repository: StockRepository,
        *,
        clock: Callable[[], str] = utc_now,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def reserve(self, order_id: str, lines: Iterable[StockLine], trigger: Trigger) -> Outcome:
        """Reserves every line of the order or none; records why when it cannot.

        The first try takes each line whole from its preferred shard without reading any
        stock; when a shard is short, the stock is read and the units are taken from the
        other shards too, so the order is refused only when a product's total is short."""
        wanted = tuple(lines)
        takes: tuple[Take, ...] | None = None
        for attempt in self._attempts(order_id):
            reservation = Reservation.reserved(order_id, wanted, self._clock())
            if takes is None:
                counts = self._repository.shard_counts(reservation.product_ids)
                known = {pid: n for pid, n in counts.items() if n is not None}
                if len(known) == len(counts):
                    takes = first_takes(order_id, reservation.lines, known)
            if takes is not None:
                try:
                    self._repository.reserve(reservation.taking(takes), trigger)
                    return Outcome.RESERVED
                except ReservationExists:
                    return Outcome.NOTHING_TO_DO
                except WriteConflict:
                    self._back_off(attempt)
                    continue
                except StockCheckFailed:
                    pass
            levels = self._repository.stock_levels(reservation.product_ids)
            takes = plan_takes(order_id, reservation.lines, levels)
            if takes is not None:
                continue  # enough stock, spread over other shards (or it came back)
            found = shortages(reservation.lines, levels)
            if not found:
                raise StockContention(f"order {order_id}: its takes do not fit one transaction")
            try:
                self._repository.add(reservation.failed(found), trigger)
                return Outcome.FAILED
            except ReservationExists:
                return Outcome.NOTHING_TO_DO
            except WriteConflict:
                self._back_off(attempt)
        raise StockContention(f"order {order_id}: reservation kept conflicting")

    def release(self, order_id: str, lines: Iterable[StockLine], trigger: Trigger) -> Outcome:
        """Puts a RESERVED order's stock back, once, into the stock items it came from.
        Without a reservation yet, leaves a CANCELLED one (``lines`` for the record), so
        a late OrderPlaced reserves nothing. A product deleted meanwhile is skipped; the
        reservation is released all the same."""
        cancelled_lines = tuple(lines)
        for attempt in self._attempts(order_id):
            current = self._repository.reservation(order_id)
            deleted: list[str] = []
            try:
                if current is None:
                    tombstone = Reservation.cancelled(order_id, cancelled_lines, self._clock())
                    self._repository.add(tombstone, trigger)
                    return Outcome.CANCELLED_FIRST
                if current.status is not ReservationStatus.RESERVED:
                    return Outcome.NOTHING_TO_DO
                counts = self._repository.shard_counts(current.product_ids, consistent=True)
                deleted = sorted(pid for pid, n in counts.items() if n is None)
                restock = restock_takes(order_id, current.taken(), counts)
                self._repository.release(current.released(self._clock()), restock, trigger)
            except (ReservationExists, ReservationChanged):
                continue  # another delivery got there first: look again
            except ProductsMissing:
                continue  # deleted or moved into shards since the read: read again
            except WriteConflict:
                self._back_off(attempt)
                continue
            if deleted:
                logger.warning(
                    "Released a reservation without restocking deleted products",
                    order_id=order_id,
                    product_ids=deleted,
                )
            return Outcome.RELEASED
        raise StockContention(f"order {order_id}: release kept conflicting")

    def _attempts(self, order_id: str) -> Iterator[int]:
        for attempt in range(self._retry.attempts):
            if attempt:
                logger.debug("Retrying", order_id=order_id, attempt=attempt + 1)
            yield attempt

    def _back_off(self, attempt: int) -> None:
        self._sleep(self._retry.delay(attempt))
