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
    StockLine,
    Trigger,
    WriteConflict,
    shortages,
)
from shared.events.envelope import utc_now
from shared.observability import logger


class StockRepository(Protocol):
    def reservation(self, order_id: str) -> Reservation | None: ...

    def stock_levels(self, product_ids: Sequence[str]) -> dict[str, int | None]: ...

    def reserve(self, reservation: Reservation, trigger: Trigger) -> None: ...

    def add(self, reservation: Reservation, trigger: Trigger) -> None: ...

    def release(
        self, released: Reservation, trigger: Trigger, skip: Iterable[str] = ()
    ) -> None: ...


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
        """Reserves every line of the order or none; records why when it cannot."""
        wanted = tuple(lines)
        for attempt in self._attempts(order_id):
            reservation = Reservation.reserved(order_id, wanted, self._clock())
            try:
                self._repository.reserve(reservation, trigger)
                return Outcome.RESERVED
            except ReservationExists:
                return Outcome.NOTHING_TO_DO
            except WriteConflict:
                self._back_off(attempt)
                continue
            except StockCheckFailed:
                pass
            levels = self._repository.stock_levels(reservation.product_ids)
            found = shortages(reservation.lines, levels)
            if not found:
                continue  # stock was put back between the transaction and the read
            try:
                self._repository.add(reservation.failed(found), trigger)
                return Outcome.FAILED
            except ReservationExists:
                return Outcome.NOTHING_TO_DO
            except WriteConflict:
                self._back_off(attempt)
        raise StockContention(f"order {order_id}: reservation kept conflicting")

    def release(self, order_id: str, lines: Iterable[StockLine], trigger: Trigger) -> Outcome:
        """Puts a RESERVED order's stock back, once. Without a reservation yet, leaves a
        CANCELLED one (``lines`` for the record), so a late OrderPlaced reserves nothing.
        A product deleted meanwhile is skipped; the reservation is released all the same."""
        cancelled_lines = tuple(lines)
        deleted: set[str] = set()
        for attempt in self._attempts(order_id):
            current = self._repository.reservation(order_id)
            try:
                if current is None:
                    tombstone = Reservation.cancelled(order_id, cancelled_lines, self._clock())
                    self._repository.add(tombstone, trigger)
                    return Outcome.CANCELLED_FIRST
                if current.status is not ReservationStatus.RESERVED:
                    return Outcome.NOTHING_TO_DO
                self._repository.release(current.released(self._clock()), trigger, deleted)
            except (ReservationExists, ReservationChanged):
                continue  # another delivery got there first: look again
            except ProductsMissing as missing:
                deleted.update(missing.product_ids)
                continue
            except WriteConflict:
                self._back_off(attempt)
                continue
            if deleted:
                logger.warning(
                    "Released a reservation without restocking deleted products",
                    order_id=order_id,
                    product_ids=sorted(deleted),
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
