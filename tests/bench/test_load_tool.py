"""The load tool's own logic, without a cloud: its rate ceiling, its bounds and the
invariant checks it runs after every load run (bench/load)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from load.checks import Observation, evaluate
from load.ledger import Ledger, PlacedOrder
from load.limiter import TokenBucket
from load.prepare import Fixtures, Product, User
from load.report import latency_ms, percentile
from load.settings import SettingsError, from_arguments, parse_duration


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_token_bucket_never_lets_more_than_its_rate_through() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=5, burst=1, clock=clock)
    for _ in range(50):
        bucket.acquire(sleep=clock.sleep)
    # the first token is free, the other 49 arrive at 5 a second
    assert clock.now == pytest.approx(49 / 5)


def test_the_token_bucket_allows_its_burst_after_an_idle_spell() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=4, clock=clock)
    clock.now = 100.0
    assert [bucket.reserve() for _ in range(5)] == [0, 0, 0, 0, pytest.approx(0.5)]


def test_the_token_bucket_refuses_a_rate_of_zero() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        TokenBucket(rate=0)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("2m", 120), ("1h2m3s", 3723)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_defaults_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TARGET", "LOAD_USERS", "LOAD_RUN_TIME", "LOAD_MAX_RPS", "CONFIRM_AWS_LOAD"):
        monkeypatch.delenv(name, raising=False)
    settings = from_arguments([])
    assert (settings.target, settings.users, settings.run_time, settings.max_rps) == (
        "local",
        10,
        60,
        20.0,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--users", "5000"], "users 5000 is out of bounds: 3..500"),
        (["--run-time", "forever"], "run time 'forever'"),
        (["--run-time", "5h"], "run time 18000 is out of bounds"),
        (["--max-rps", "0"], "max rps 0.0 is out of bounds"),
    ],
)
def test_out_of_bounds_settings_are_refused(argv: list[str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        from_arguments(argv)


def test_aws_needs_its_confirmation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFIRM_AWS_LOAD", raising=False)
    with pytest.raises(SettingsError, match="CONFIRM_AWS_LOAD=yes"):
        from_arguments(["--target", "aws"])
    monkeypatch.setenv("CONFIRM_AWS_LOAD", "yes")
    assert from_arguments(["--target", "aws"]).target == "aws"


def test_the_environment_sets_what_the_command_line_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOAD_USERS", "25")
    monkeypatch.setenv("LOAD_RUN_TIME", "2m")
    settings = from_arguments(["--users", "30"])
    assert (settings.users, settings.run_time) == (30, 120)


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (
        50,
        95,
        99,
    )
    assert latency_ms([]) == {"count": 0, "p50": None, "p95": None, "p99": None}


# --- the invariant checks ---------------------------------------------------------------

A, B = "product-a", "product-b"
CUSTOMER = User("c@example.com", ("customer",), "token")
FIXTURES = Fixtures(
    run_id="r",
    customers=[CUSTOMER],
    admin=User("a@example.com", ("admin",), "token"),
    products=[Product(A, "Load A", 10), Product(B, "Load B", 10)],
)


def order(
    order_id: str, status: str, lines: list[tuple[str, int]], confirmed: bool | None = None
) -> dict[str, Any]:
    ever_confirmed = status == "CONFIRMED" if confirmed is None else confirmed
    return {
        "id": order_id,
        "status": status,
        "lines": [{"productId": p, "quantity": q} for p, q in lines],
        "placedAt": "2026-12-06T00:00:00.000Z",
        "confirmedAt": "2026-12-06T00:00:00.400Z" if ever_confirmed else None,
        "customer": CUSTOMER.username,
    }


def ledger_for(*order_ids: str, restocked: dict[str, int] | None = None) -> Ledger:
    ledger = Ledger()
    for order_id in order_ids:
        ledger.placed[order_id] = PlacedOrder(order_id, CUSTOMER.username, "key", 0.0)
    ledger.restocked.update(restocked or {})
    return ledger


def healthy() -> tuple[Ledger, Observation]:
    orders = {
        "o1": order("o1", "CONFIRMED", [(A, 3), (B, 1)]),
        "o2": order("o2", "REJECTED", [(A, 20)]),
        "o3": order("o3", "CANCELLED", [(B, 2)], confirmed=True),  # released its stock
        "o4": order("o4", "CANCELLED", [(A, 1)]),  # cancelled while PENDING
    }
    seen = Observation(
        orders=orders,
        stock={A: 10 + 5 - 3, B: 10 - 1},
        invoices={"o1": 1, "o3": 1},
        emails={
            "o1": Counter(confirmation=1),
            "o2": Counter(rejection=1),
            "o3": Counter(confirmation=1),
        },
    )
    return ledger_for("o1", "o2", "o3", "o4", restocked={A: 5}), seen


def failed(ledger: Ledger, seen: Observation) -> dict[str, list[str]]:
    return {r.name: r.problems for r in evaluate(FIXTURES, ledger, seen) if not r.passed}


def test_a_healthy_run_passes_every_check() -> None:
    ledger, seen = healthy()
    results = evaluate(FIXTURES, ledger, seen)
    assert [r.name for r in results] == [
        "orders-not-lost",
        "orders-settled",
        "idempotent-replays",
        "no-oversell",
        "one-invoice-per-confirmed-order",
        "one-email-per-outcome",
    ]
    assert all(r.passed for r in results), [r.problems for r in results]


def test_an_acknowledged_order_that_is_gone_is_lost() -> None:
    ledger, seen = healthy()
    ledger.placed["o9"] = PlacedOrder("o9", CUSTOMER.username, "k", 0.0)
    assert failed(ledger, seen) == {
        "orders-not-lost": ["order o9 (201 to c@example.com) is missing"]
    }


def test_a_pending_order_fails() -> None:
    ledger, seen = healthy()
    seen.orders["o5"] = order("o5", "PENDING", [(A, 1)])
    assert list(failed(ledger, seen)) == ["orders-settled"]


def test_more_units_confirmed_than_stock_consumed_is_an_oversell() -> None:
    ledger, seen = healthy()
    seen.stock[A] += 1  # one unit came back although a confirmed order holds it
    problems = failed(ledger, seen)["no-oversell"]
    assert len(problems) == 1
    assert "OVERSOLD: confirmed orders hold 3 units, stock consumed 2" in problems[0]


def test_stock_consumed_by_no_confirmed_order_is_a_leak() -> None:
    ledger, seen = healthy()
    seen.stock[B] -= 2  # the cancelled order's units never came back
    (problem,) = failed(ledger, seen)["no-oversell"]
    assert "2 units consumed but held by no confirmed order" in problem


def test_a_restock_the_ledger_missed_shows_as_an_oversell() -> None:
    ledger, seen = healthy()
    ledger.restocked[A] = 0
    assert "OVERSOLD" in failed(ledger, seen)["no-oversell"][0]


def test_a_second_invoice_or_one_for_a_rejected_order_fails() -> None:
    ledger, seen = healthy()
    assert seen.invoices is not None
    seen.invoices.update({"o1": 2, "o2": 1})
    assert failed(ledger, seen) == {
        "one-invoice-per-confirmed-order": [
            "order o1 (CONFIRMED): 2 invoices, expected 1",
            "order o2 (REJECTED): 1 invoices, expected 0",
        ]
    }


def test_a_missing_or_duplicate_email_fails() -> None:
    ledger, seen = healthy()
    assert seen.emails is not None
    seen.emails["o1"] = Counter(confirmation=2)
    seen.emails["o2"] = Counter()
    problems = failed(ledger, seen)["one-email-per-outcome"]
    assert problems == [
        "order o1 (CONFIRMED): e-mails {'confirmation': 2}, expected {'confirmation': 1}",
        "order o2 (REJECTED): e-mails none, expected {'rejection': 1}",
    ]


def test_a_replay_naming_another_order_fails() -> None:
    ledger, seen = healthy()
    ledger.replays = 1
    ledger.replay_mismatches.append("key k: o1 then o7")
    assert failed(ledger, seen) == {"idempotent-replays": ["key k: o1 then o7"]}


def test_a_parked_message_about_the_run_fails() -> None:
    ledger, seen = healthy()
    seen.parked = []
    assert "nothing-parked" not in failed(ledger, seen)
    seen.parked = ["invoices-generator: message m1 names o1"]
    assert failed(ledger, seen) == {"nothing-parked": ["invoices-generator: message m1 names o1"]}


def test_without_a_mailbox_the_email_check_is_left_out() -> None:
    ledger, seen = healthy()
    seen.emails = None
    assert "one-email-per-outcome" not in [r.name for r in evaluate(FIXTURES, ledger, seen)]


def test_the_sampler_counts_the_cpu_and_memory_of_a_process_tree() -> None:
    import subprocess
    import sys

    from load.local_cloud import ResourceSampler

    # a parent that starts a busy child: the child is found as a descendant, by its role
    script = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time\\nend = time.process_time() + 0.6\\nwhile time.process_time() < end: pass'])"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    sampler = ResourceSampler([parent.pid], interval_s=0.05)
    sampler.start()
    parent.wait(timeout=60)
    figures = sampler.stop()
    assert figures["processes"] >= 2
    assert figures["rss_mb_peak"] > 1
    assert figures["cpu_seconds"] >= 0.3
    assert figures["busiest"][0]["cpu_seconds"] >= 0.3
