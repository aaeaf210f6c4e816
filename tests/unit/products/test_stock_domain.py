"""The reservation rules, without AWS."""

from __future__ import annotations

import pytest

from products.stock import (
    MAX_LINES,
    Reservation,
    ReservationStatus,
    Shortage,
    ShortageCode,
    StockLine,
    merge_lines,
    shortages,
)
from products.stock_service import RetryPolicy

NOW = "2025-04-01T08:00:00.000Z"


def test_lines_of_one_product_are_added_up_in_order_of_appearance() -> None:
    lines = [StockLine("b", 1), StockLine("a", 2), StockLine("b", 3)]

    assert merge_lines(lines) == (StockLine("b", 4), StockLine("a", 2))


def test_shortages_name_every_line_that_cannot_be_covered() -> None:
    lines = [StockLine("enough", 2), StockLine("short", 5), StockLine("gone", 1)]
    stock: dict[str, int | None] = {"enough": 2, "short": 3, "gone": None}

    assert shortages(lines, stock) == [
        Shortage("short", ShortageCode.INSUFFICIENT_STOCK, requested=5, available=3),
        Shortage("gone", ShortageCode.UNKNOWN_PRODUCT, requested=1, available=0),
    ]
    assert shortages(lines[:1], stock) == []


def test_a_reservation_moves_only_forward() -> None:
    reserved = Reservation.reserved("o", [StockLine("p", 1)], NOW)

    released = reserved.released("later")

    assert (released.status, released.released_at) == (ReservationStatus.RELEASED, "later")
    with pytest.raises(ValueError, match="only a RESERVED"):
        released.released("again")
    failed = reserved.failed([Shortage("p", ShortageCode.UNKNOWN_PRODUCT, 1, 0)])
    with pytest.raises(ValueError, match="only a RESERVED"):
        failed.released("later")
    with pytest.raises(ValueError, match="at least one shortage"):
        reserved.failed([])


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "at least one line"),
        ([StockLine(f"p{i}", 1) for i in range(MAX_LINES + 1)], "at most 50"),
    ],
)
def test_a_reservation_fits_one_transaction(lines: list[StockLine], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Reservation.reserved("o", lines, NOW)


def test_a_line_reserves_at_least_one_unit() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        StockLine("p", 0)


def test_backoff_grows_with_full_jitter_up_to_a_cap() -> None:
    policy = RetryPolicy(attempts=8, base_delay=0.02, max_delay=0.5)

    assert [policy.delay(n, draw=lambda: 1.0) for n in range(6)] == [
        0.02,
        0.04,
        0.08,
        0.16,
        0.32,
        0.5,
    ]
    assert policy.delay(3, draw=lambda: 0.5) == pytest.approx(0.08)
