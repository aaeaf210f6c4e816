"""A request-rate ceiling shared by every simulated user of a run.

Locust bounds each user's pace (`wait_time`), not the rate of the whole run; a token
bucket in front of every request does. Under Locust the clock and the sleep are gevent's
(Locust monkey-patches `time.sleep`), so waiting for a token yields to the other users.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    """At most `rate` acquisitions per second on average, `burst` of them at once.

    `reserve()` takes a token and returns how long the caller must wait before using it
    (0 when one was free): tokens are handed out in order, so waiting callers never
    starve and the long-run rate never exceeds `rate`.
    """

    def __init__(
        self, rate: float, burst: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, not {burst}")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._updated = clock()

    def reserve(self) -> float:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> None:
        delay = self.reserve()
        if delay > 0:
            sleep(delay)
