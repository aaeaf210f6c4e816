"""The reservation rules, without AWS."""

from __future__ import annotations

import pytest

from products.stock import (
    MAX_LINES,
    Reservation,
    ReservationStatus,
    Shortage,
    ShortageCode,
    StockLevels,
    StockLine,
    Take,
    first_takes,
    merge_lines,
    plan_takes,
    preferred_shard,
    restock_takes,
    shortages,
    spread,
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


def test_a_total_is_spread_evenly_over_the_shards() -> None:
    assert spread(10, 4) == (3, 3, 2, 2)
    assert spread(3, 4) == (1, 1, 1, 0)
    assert spread(0, 2) == (0, 0)
    assert sum(spread(1_000_000_007, 32)) == 1_000_000_007
    with pytest.raises(ValueError, match=r"1\.\.32"):
        spread(1, 0)


def test_orders_prefer_shards_evenly_and_always_the_same_one() -> None:
    picks = [preferred_shard(f"order-{n}", "mug", 4) for n in range(4000)]
    assert picks == [preferred_shard(f"order-{n}", "mug", 4) for n in range(4000)]
    assert all(900 < picks.count(shard) < 1100 for shard in range(4))


def test_the_first_plan_takes_each_line_whole_from_its_preferred_shard() -> None:
    lines = [StockLine("mug", 2), StockLine("old", 1)]
    assert first_takes("o", lines, {"mug": 4, "old": 0}) == (
        Take("mug", preferred_shard("o", "mug", 4), 2),
        Take("old", None, 1),
    )


def test_a_plan_falls_over_to_the_fullest_shards_and_refuses_only_a_short_total() -> None:
    first = preferred_shard("o", "mug", 4)
    units = [5, 5, 5, 5]
    units[first] = 1
    units[(first + 1) % 4] = 4
    levels = {"mug": StockLevels(tuple(units), sharded=True)}

    plan = plan_takes("o", [StockLine("mug", 12)], levels)

    assert plan is not None
    assert plan[0] == Take("mug", first, 1)
    assert [take.quantity for take in plan] == [1, 5, 5, 1]  # then the fullest, in order
    assert (first + 1) % 4 == plan[-1].shard
    assert plan_takes("o", [StockLine("mug", 15)], levels) == (
        *plan[:-1],
        Take("mug", (first + 1) % 4, 4),
    )
    assert plan_takes("o", [StockLine("mug", 16)], levels) is None
    assert plan_takes("o", [StockLine("gone", 1)], {"gone": None}) is None
    old = {"old": StockLevels((3,), sharded=False)}
    assert plan_takes("o", [StockLine("old", 3)], old) == (Take("old", None, 3),)


def test_empty_shards_are_skipped_and_a_plan_must_fit_one_transaction() -> None:
    levels = {"mug": StockLevels((0, 0, 3, 0), sharded=True)}
    assert plan_takes("o", [StockLine("mug", 2)], levels) == (Take("mug", 2, 2),)
    many = {f"p{n}": StockLevels((1, 1, 1), sharded=True) for n in range(MAX_LINES)}
    assert plan_takes("o", [StockLine(f"p{n}", 3) for n in range(MAX_LINES)], many) is None


def test_a_release_goes_back_where_the_units_came_from() -> None:
    takes = (Take("mug", 2, 1), Take("mug", 0, 3), Take("old", None, 2), Take("gone", 1, 1))
    back = restock_takes("o", takes, {"mug": 4, "old": 0, "gone": None})
    assert back == (Take("mug", 2, 1), Take("mug", 0, 3), Take("old", None, 2))
    moved = restock_takes("o", takes[2:3], {"old": 4})  # sharded since the reservation
    assert moved == (Take("old", preferred_shard("o", "old", 4), 2),)


def test_takes_must_add_up_to_the_lines() -> None:
    reservation = Reservation.reserved("o", [StockLine("mug", 3)], NOW)
    assert reservation.taking([Take("mug", 0, 1), Take("mug", 1, 2)]).takes
    with pytest.raises(ValueError, match="add up"):
        reservation.taking([Take("mug", 0, 2)])
    assert reservation.taken() == (Take("mug", None, 3),)  # recorded before shards: own item
