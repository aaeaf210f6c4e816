"""One load run, start to finish: find (or start) the target, create the run's users and
products, run the Locust users headless for the run time, let the saga drain, check the
invariants, write the figures, remove what the run created. Exit status 0 when every check
holds, 1 when one does not, 2 when the run could not start (bad settings, no target)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
import gevent
import requests
from locust.env import Environment
from locust.html import get_html_report
from locust.log import setup_logging
from locust.stats import stats_history

from load import checks, report
from load.ledger import Ledger
from load.limiter import TokenBucket
from load.local_cloud import ResourceSampler, StartedCloud, running_endpoints
from load.prepare import Fixtures, clean_up, prepare
from load.scenarios import USER_CLASSES, RunContext, ShopUser
from load.settings import Settings, SettingsError, from_arguments
from tests.e2e.endpoints import Endpoints, load

AWS_EMAIL_NOTE = (
    "not checked on AWS: SES delivers (to the mailbox simulator); see the account's SES "
    "sending statistics and the notifications DLQ alarms"
)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = from_arguments(argv)
    except SettingsError as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    cloud: StartedCloud | None = None
    if settings.target == "local" and running_endpoints() is None:
        print(
            "load: no local cloud answers; starting one for this run "
            "(log: .local/logs/load-up.log)",
            flush=True,
        )
        cloud = StartedCloud()
    try:
        if cloud is not None:
            cloud.wait_ready()
        try:
            endpoints = load(settings.target)
        except Exception as error:  # any reason the target cannot be read
            print(f"load: cannot read the {settings.target} endpoints: {error}", file=sys.stderr)
            return 2
        return run(settings, endpoints)
    finally:
        if cloud is not None:
            print("load: stopping the local cloud this run started", flush=True)
            cloud.stop()


def run(settings: Settings, endpoints: Endpoints) -> int:
    if endpoints.aws_endpoint_url:  # an emulator: any credentials will do
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    def client(service: str) -> Any:
        return boto3.client(service, **endpoints.client_kwargs())  # type: ignore[call-overload]

    session = requests.Session()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    print(
        f"load: {settings.target} at {endpoints.rest_url}: {settings.users} users, "
        f"{settings.max_rps:g} requests/s at most, {settings.run_time} s",
        flush=True,
    )
    fixtures = prepare(
        endpoints,
        client,
        session,
        customers=settings.customers,
        products=settings.products,
        stock=settings.stock,
    )
    try:
        return _measure_and_check(settings, endpoints, fixtures, stamp, client)
    finally:
        if not settings.keep_data:
            for problem in clean_up(endpoints, client, session, fixtures):
                print(f"load: clean-up: {problem}", file=sys.stderr)


def _measure_and_check(
    settings: Settings,
    endpoints: Endpoints,
    fixtures: Fixtures,
    stamp: str,
    client: Callable[[str], Any],
) -> int:
    ledger = Ledger()
    ShopUser.shop = RunContext(
        fixtures, ledger, TokenBucket(settings.max_rps, burst=max(1.0, settings.max_rps / 10))
    )
    pids = endpoints.raw.get("pids") if endpoints.target == "local" else None
    sampler = ResourceSampler([int(p) for p in pids.values()]) if pids else None
    setup_logging("WARNING")  # type: ignore[no-untyped-call]
    environment = Environment(
        user_classes=list(USER_CLASSES),
        host=endpoints.rest_url,
        stop_timeout=10,
        locustfile="bench/load/scenarios.py",
    )
    runner = environment.create_local_runner()
    if sampler:
        sampler.start()
    history = gevent.spawn(stats_history, runner)
    started = time.monotonic()
    runner.start(settings.users, spawn_rate=settings.spawn_rate)
    gevent.spawn_later(settings.run_time, runner.quit)
    runner.greenlet.join()
    seconds = time.monotonic() - started
    history.kill()
    resources = sampler.stop() if sampler else None
    html: str = get_html_report(environment, show_download_link=False)  # type: ignore[no-untyped-call]
    print(
        f"load: ran {seconds:.0f} s; waiting up to {settings.drain_timeout} s for every "
        "order to settle, then checking",
        flush=True,
    )

    observer = checks.Observer(endpoints, fixtures, sqs=client("sqs"))
    results, seen, drained = checks.settle(observer, fixtures, ledger, settings.drain_timeout)
    total = environment.stats.total
    failures = [
        f"{e.method} {e.name}: {e.error} ({e.occurrences}x)"
        for e in environment.stats.errors.values()
    ]
    failures += [
        f"exception in a user: {e['msg']} ({e['count']}x)" for e in runner.exceptions.values()
    ]
    error_rate = total.fail_ratio
    results.append(
        checks.CheckResult(
            "error-rate",
            error_rate <= settings.max_error_rate and not runner.exceptions,
            total.num_requests,
            failures if error_rate > settings.max_error_rate or runner.exceptions else [],
            f"{error_rate:.2%} failed, at most {settings.max_error_rate:.2%} allowed",
        )
    )
    if seen.emails is None:
        results.append(checks.CheckResult("one-email-per-outcome", True, 0, [], AWS_EMAIL_NOTE))

    summary: dict[str, Any] = {
        "target": endpoints.target,
        "rest_url": endpoints.rest_url,
        "run_id": fixtures.run_id,
        "started_at": stamp,
        "settings": settings.as_json(),
        "seconds": round(seconds, 1),
        "drain_seconds": round(drained, 1),
        "requests": {
            "total": total.num_requests,
            "failures": total.num_failures,
            "error_rate": round(error_rate, 4),
            "rps": round(total.num_requests / seconds, 2),
            "failure_examples": failures[:20],
        },
        "endpoints": report.endpoint_figures(environment.stats, seconds),
        "orders": report.order_figures(ledger, seen, seconds),
        "local_cloud": resources,
        "checks": {
            "passed": all(r.passed for r in results),
            "results": [r.as_json() for r in results],
        },
    }
    json_path, html_path = report.write(summary, html, settings.results_dir, stamp)
    print(report.printable(summary, results))
    print(f"load: {json_path} and {html_path} (also load-latest.json/.html)")
    if not summary["checks"]["passed"]:
        print("load: FAILED: see the checks above", file=sys.stderr)
        return 1
    return 0
