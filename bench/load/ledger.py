"""What the simulated users did, as the checks after the run need it.

Locust runs every user in one thread (gevent greenlets that switch only on I/O), so plain
containers are safe here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlacedOrder:
    order_id: str
    customer: str
    idempotency_key: str
    sent_at: float  # time.monotonic() when the POST left


@dataclass
class Ledger:
    placed: dict[str, PlacedOrder] = field(default_factory=dict)
    # POSTs that never got a 201 (a failure, a timeout, the run ending): such an order may
    # still exist; the checks find it in its customer's orders.
    unacknowledged_keys: list[str] = field(default_factory=list)
    # order id -> (final status seen, seconds from POST sent to that status seen)
    observed: dict[str, tuple[str, float]] = field(default_factory=dict)
    # product id -> units added by admins (each PUT conditional on the version it read)
    restocked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    stale_restocks: int = 0
    cancel_requests: int = 0
    # a replay of POST /orders with the same Idempotency-Key that named another order
    replay_mismatches: list[str] = field(default_factory=list)
    replays: int = 0

    def observed_latencies(self, status: str) -> list[float]:
        return sorted(seconds for seen, seconds in self.observed.values() if seen == status)
