"""EventBridge schedules for the local cloud: moto stores rules and targets but never
fires them, so this scheduler does.

Every ``rescan_interval_s`` it lists the default bus's enabled rules with a
``rate(<n> minute[s]|hour[s]|day[s])`` ScheduleExpression (``cron(...)`` is not
emulated) and invokes each Lambda target with EventBridge's "Scheduled Event" shape
(asynchronously, like EventBridge: errors are logged, not retried). ``interval_cap_s``
lets a schedule fire more often than its rate, so that local timeouts show within
seconds; None keeps the real rate.

Public API::

    scheduler = Scheduler(events_client, invoker, interval_cap_s=5.0).start()
    scheduler.fire_due()   # one pass (tests)
    scheduler.stop()
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from localcloud.invocation import Invoker

_log = logging.getLogger(__name__)
_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int | None:
    """Seconds between runs of a ``rate(...)`` expression; None for anything else."""
    match = _RATE.match(expression.strip())
    if not match:
        return None
    return int(match.group(1)) * _UNIT_S[match.group(2).rstrip("s")]


def scheduled_event(rule_arn: str, region: str, account: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Scheduler:
    def __init__(
        self,
        events_client: Any,
        invoker: Invoker,
        *,
        interval_cap_s: float | None = None,
        rescan_interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._events = events_client
        self._invoker = invoker
        self._cap = interval_cap_s
        self._rescan = rescan_interval_s
        self._clock = clock
        self._last_fired: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Scheduler:
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=10)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._rescan):
            try:
                self.fire_due()
            except Exception:
                _log.exception("scheduler pass failed")

    def fire_due(self) -> list[str]:
        """Invokes the targets of every schedule that is due; returns the rule names."""
        fired = []
        now = self._clock()
        for rule in self._scheduled_rules():
            rate = rate_seconds(rule.get("ScheduleExpression", ""))
            if rate is None:
                continue
            interval = float(rate) if self._cap is None else min(float(rate), self._cap)
            name = rule["Name"]
            last = self._last_fired.setdefault(name, now)  # first run one interval later
            if now - last < interval:
                continue
            self._last_fired[name] = now
            fired.append(name)
            self._fire(rule)
        return fired

    def _scheduled_rules(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = self._events.list_rules(**({"NextToken": token} if token else {}))
            rules.extend(
                rule
                for rule in page.get("Rules", [])
                if rule.get("State") == "ENABLED" and rule.get("ScheduleExpression")
            )
            token = page.get("NextToken")
            if not token:
                return rules

    def _fire(self, rule: dict[str, Any]) -> None:
        arn = rule["Arn"]
        _, _, _, region, account, _ = arn.split(":", 5)
        targets = self._events.list_targets_by_rule(Rule=rule["Name"]).get("Targets", [])
        for target in targets:
            if ":lambda:" not in target["Arn"]:
                continue
            event = scheduled_event(arn, region, account)
            threading.Thread(target=self._invoke, args=(target["Arn"], event), daemon=True).start()

    def _invoke(self, function_arn: str, event: dict[str, Any]) -> None:
        result = self._invoker.invoke(function_arn, event)
        if result.error:
            _log.warning("scheduled %s failed: %s", function_arn, result.error)
