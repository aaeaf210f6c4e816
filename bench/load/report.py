"""The figures of a run: from Locust's statistics, the ledger and the final observation,
into the summary JSON (and Locust's own HTML report beside it)."""

from __future__ import annotations

import json
import math
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from load.checks import CheckResult, Observation
from load.ledger import Ledger


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest rank (the value at or below which `fraction` of them lie)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def latency_ms(values: list[float]) -> dict[str, Any]:
    def ms(fraction: float) -> int | None:
        found = percentile(values, fraction)
        return None if found is None else round(found * 1000)

    return {"count": len(values), "p50": ms(0.5), "p95": ms(0.95), "p99": ms(0.99)}


def endpoint_figures(stats: Any, seconds: float) -> list[dict[str, Any]]:
    """One row per request name and method, and `Aggregated` last."""
    rows = []
    entries = sorted(stats.entries.values(), key=lambda e: (e.name, e.method))
    for entry in [*entries, stats.total]:
        rows.append(
            {
                "name": entry.name,
                "method": entry.method or "",
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": round(entry.num_requests / seconds, 2) if seconds else None,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
                "p99_ms": entry.get_response_time_percentile(0.99),
                "max_ms": round(entry.max_response_time or 0),
            }
        )
    return rows


def _seconds(earlier: str, later: str) -> float:
    def parse(moment: str) -> datetime:
        return datetime.fromisoformat(moment.replace("Z", "+00:00"))

    return (parse(later) - parse(earlier)).total_seconds()


def order_figures(ledger: Ledger, seen: Observation, seconds: float) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for order in seen.orders.values():
        statuses[order["status"]] = statuses.get(order["status"], 0) + 1
    confirmed = [o for o in seen.orders.values() if o.get("confirmedAt")]
    server = [_seconds(o["placedAt"], o["confirmedAt"]) for o in confirmed]
    return {
        "acknowledged": len(ledger.placed),
        "unacknowledged_posts": len(ledger.unacknowledged_keys),
        "found": len(seen.orders),
        "final_status": statuses,
        "ever_confirmed": len(confirmed),
        "confirmed_per_second": round(len(confirmed) / seconds, 2) if seconds else None,
        "post_to_confirmed_ms": {
            "observed": latency_ms(ledger.observed_latencies("CONFIRMED")),
            "server": latency_ms(server),
        },
        "cancel_requests": ledger.cancel_requests,
        "idempotent_replays": ledger.replays,
        "restocks": {
            "units": sum(ledger.restocked.values()),
            "stale_version_409": ledger.stale_restocks,
        },
    }


def write(summary: dict[str, Any], html: str, results_dir: Path, stamp: str) -> tuple[Path, Path]:
    """`load-<stamp>.json/.html` and copies as `load-latest.json/.html`."""
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"load-{stamp}.json"
    html_path = results_dir / f"load-{stamp}.html"
    summary["html_report"] = html_path.name
    json_path.write_text(json.dumps(summary, indent=2) + "\n")
    html_path.write_text(html)
    shutil.copyfile(json_path, results_dir / "load-latest.json")
    shutil.copyfile(html_path, results_dir / "load-latest.html")
    return json_path, html_path


def printable(summary: dict[str, Any], checks: list[CheckResult]) -> str:
    lines = [
        f"{'endpoint':<28} {'reqs':>6} {'fail':>5} {'rps':>6} {'p50':>6} {'p95':>6} "
        f"{'p99':>6}  (ms)"
    ]
    for row in summary["endpoints"]:
        lines.append(
            f"{(row['method'] + ' ' + row['name']).strip():<28.28} {row['requests']:>6} "
            f"{row['failures']:>5} {row['rps'] or 0:>6} {row['p50_ms']:>6} {row['p95_ms']:>6} "
            f"{row['p99_ms']:>6}"
        )
    orders = summary["orders"]
    latency = orders["post_to_confirmed_ms"]
    lines.append(
        f"orders: {orders['acknowledged']} placed, {orders['final_status']}, "
        f"{orders['confirmed_per_second']} confirmed/s; POST->CONFIRMED p50/p95/p99 "
        f"observed {latency['observed']['p50']}/{latency['observed']['p95']}/"
        f"{latency['observed']['p99']} ms, server {latency['server']['p50']}/"
        f"{latency['server']['p95']}/{latency['server']['p99']} ms"
    )
    if summary.get("local_cloud"):
        cloud = summary["local_cloud"]
        lines.append(
            f"local cloud: {cloud['cpu_cores_average']} cores average, "
            f"{cloud['cpu_cores_peak']} peak, {cloud['rss_mb_peak']} MB peak RSS, "
            f"{cloud['processes']} processes"
        )
        lines.append(
            "  busiest (CPU s): "
            + ", ".join(f"{b['role']} {b['cpu_seconds']}" for b in cloud.get("busiest", []))
        )
    for check in checks:
        mark = "ok  " if check.passed else "FAIL"
        note = f" {check.note}" if check.note else ""
        lines.append(f"  [{mark}] {check.name} ({check.checked} checked){note}")
        lines += [f"         {problem}" for problem in check.problems[:10]]
    return "\n".join(lines)
