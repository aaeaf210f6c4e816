"""The whole saga on the local cloud: a burst of orders, each followed until CONFIRMED.

Reads `.local/endpoints.json` (written by `make up`), signs the demo customer in, picks
products from `GET /products`, sends N `POST /orders` from a few threads, then polls
`GET /orders/{id}` until every order is CONFIRMED (or REJECTED, or the timeout). Reports
orders/s, median and p95 latency (POST sent -> CONFIRMED seen) and the peak resident
memory of the local cloud's processes (the `pids` of endpoints.json and their children).
Skips with a reason when no local cloud answers.
"""

from __future__ import annotations

import json
import math
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ENDPOINTS = Path(__file__).resolve().parents[2] / ".local" / "endpoints.json"
FINAL = {"CONFIRMED", "REJECTED", "CANCELLED"}
POLL_SECONDS = 0.1
ADDRESS = {
    "name": "Bench Customer",
    "line1": "1 Load Street",
    "postalCode": "75001",
    "city": "Paris",
    "country": "FR",
}


def measure(orders: int, concurrency: int = 8, timeout_s: float = 120.0) -> dict[str, Any]:
    endpoints = _running_cloud()
    if isinstance(endpoints, str):
        return {"skipped": endpoints}
    import requests

    session = requests.Session()
    session.headers["Authorization"] = _customer_token(endpoints)
    base = endpoints["rest_url"].rstrip("/")
    products = session.get(f"{base}/products", params={"limit": 20}, timeout=10).json()["items"]
    in_stock = [p["id"] for p in products if p.get("stock", 0) > 0]
    if not in_stock:
        return {"skipped": "no product in stock on the local cloud"}
    memory = _MemorySampler(endpoints.get("pids", {}))
    memory.start()

    def place_and_follow(number: int) -> tuple[str, float | None]:
        started = time.perf_counter()
        body: dict[str, Any] = {
            "lines": [{"productId": in_stock[number % len(in_stock)], "quantity": 1}],
            "shippingAddress": ADDRESS,
        }
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        response = session.post(f"{base}/orders", json=body, headers=headers, timeout=30)
        if response.status_code != 201:
            return f"POST {response.status_code}", None
        order_id = response.json()["id"]
        while time.perf_counter() - started < timeout_s:
            status = session.get(f"{base}/orders/{order_id}", timeout=30).json().get("status")
            if status in FINAL:
                return status, time.perf_counter() - started
            time.sleep(POLL_SECONDS)
        return "TIMEOUT", None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(place_and_follow, range(orders)))
    elapsed = time.perf_counter() - started
    memory.stop()
    latencies = sorted(s for status, s in outcomes if status == "CONFIRMED" and s is not None)
    counts: dict[str, int] = {}
    for status, _ in outcomes:
        counts[status] = counts.get(status, 0) + 1
    return {
        "orders": orders,
        "concurrency": concurrency,
        "outcomes": counts,
        "confirmed_per_second": round(len(latencies) / elapsed, 2),
        "latency_ms_median": round(statistics.median(latencies) * 1000) if latencies else None,
        "latency_ms_p95": (
            round(latencies[max(0, math.ceil(len(latencies) * 0.95) - 1)] * 1000)
            if latencies
            else None
        ),
        "peak_rss_mb": memory.peak_mb,
    }


def _running_cloud() -> dict[str, Any] | str:
    if not ENDPOINTS.is_file():
        return f"no local cloud: {ENDPOINTS} is missing (start one with `make up`)"
    endpoints = json.loads(ENDPOINTS.read_text())
    import requests

    try:
        requests.get(endpoints["rest_url"], timeout=3)
    except (requests.RequestException, KeyError) as error:
        return f"no local cloud answers at {endpoints.get('rest_url')}: {error}"
    return dict(endpoints)


def _customer_token(endpoints: dict[str, Any]) -> str:
    import boto3

    customer = next(u for u in endpoints["demo_users"] if "customer" in u["groups"])
    cognito = boto3.client(
        "cognito-idp",
        endpoint_url=endpoints["aws_endpoint_url"],
        region_name=endpoints["region"],
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    result = cognito.initiate_auth(
        ClientId=endpoints["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": customer["username"], "PASSWORD": customer["password"]},
    )
    return str(result["AuthenticationResult"]["IdToken"])


class _MemorySampler(threading.Thread):
    """Samples the resident memory of the given processes and their descendants."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self._roots = [int(pid) for pid in pids.values()]
        self._done = threading.Event()
        self.peak_mb = 0.0

    def run(self) -> None:
        while not self._done.is_set():
            total_kb = sum(_rss_kb(pid) for pid in _descendants(self._roots))
            self.peak_mb = max(self.peak_mb, round(total_kb / 1024, 1))
            self._done.wait(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _descendants(roots: list[int]) -> set[int]:
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    found, pending = set(), list(roots)
    while pending:
        pid = pending.pop()
        if pid not in found:
            found.add(pid)
            pending += children.get(pid, [])
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
