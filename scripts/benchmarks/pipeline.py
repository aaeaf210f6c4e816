"""The whole saga on the local cloud: a burst of orders, each followed until it is
confirmed, invoiced and e-mailed.

Reads `.local/endpoints.json` (written by `make up`), signs the demo customer in, picks
products from `GET /products`, sends N `POST /orders` from a few threads, then polls
`GET /orders/{id}` until every order is CONFIRMED (or REJECTED, or the timeout), then
`GET /invoices?orderId=` until its invoice exists, while a watcher reads the emulator's
mailbox. Reports orders/s, median and p95 latency (POST sent -> CONFIRMED seen), the time
from confirmation to the invoice (server timestamps `confirmedAt` -> `issuedAt`) and to
the e-mail (seen in the mailbox), and the peak resident memory of the local cloud's
processes (the `pids` of endpoints.json and their children). Skips with a reason when no
local cloud answers.
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
    mailbox = _MailboxWatcher(endpoints["aws_endpoint_url"])
    mailbox.start()
    confirmed_at: dict[str, float] = {}
    invoice_delays: list[float] = []

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
            order = session.get(f"{base}/orders/{order_id}", timeout=30).json()
            if order.get("status") in FINAL:
                latency = time.perf_counter() - started
                if order["status"] == "CONFIRMED":
                    confirmed_at[order_id] = time.perf_counter()
                    mailbox.want(order_id)
                    _follow_invoice(order)
                return order["status"], latency
            time.sleep(POLL_SECONDS)
        return "TIMEOUT", None

    def _follow_invoice(order: dict[str, Any]) -> None:
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            response = session.get(f"{base}/invoices", params={"orderId": order["id"]}, timeout=30)
            items = response.json().get("items", []) if response.ok else []
            if items:
                invoice_delays.append(_seconds_between(order["confirmedAt"], items[0]["issuedAt"]))
                return
            time.sleep(POLL_SECONDS)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(place_and_follow, range(orders)))
    elapsed = time.perf_counter() - started
    mailbox.wait(timeout_s)
    mailbox.stop()
    memory.stop()
    email_delays = sorted(
        mailbox.seen[order] - confirmed
        for order, confirmed in confirmed_at.items()
        if order in mailbox.seen
    )
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
        "confirmed_to_invoice_ms_median": _median_ms(invoice_delays),
        "confirmed_to_invoice_ms_p95": _p95_ms(invoice_delays),
        "invoices_seen": len(invoice_delays),
        "confirmed_to_email_ms_median": _median_ms(email_delays),
        "confirmed_to_email_ms_p95": _p95_ms(email_delays),
        "emails_seen": len(email_delays),
        "peak_rss_mb": memory.peak_mb,
    }


def _seconds_between(earlier: str, later: str) -> float:
    from datetime import datetime

    def parse(moment: str) -> datetime:
        return datetime.fromisoformat(moment.replace("Z", "+00:00"))

    return (parse(later) - parse(earlier)).total_seconds()


def _median_ms(values: list[float]) -> int | None:
    return round(statistics.median(values) * 1000) if values else None


def _p95_ms(values: list[float]) -> int | None:
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)] * 1000) if ordered else None


def _raw_text(raw: str) -> str:
    """The decoded text parts of a raw MIME message (SendRawEmail: the confirmation)."""
    from email import message_from_string
    from email.policy import default

    message = message_from_string(raw, policy=default)
    return "\n".join(
        str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"
    )


class _MailboxWatcher(threading.Thread):
    """Notes when an e-mail naming each order first shows in the emulator's mailbox."""

    def __init__(self, emulator_url: str) -> None:
        super().__init__(daemon=True)
        self._url = f"{emulator_url}/moto-api/data.json?service=ses"
        self._done = threading.Event()
        self.seen: dict[str, float] = {}
        self._wanted: set[str] = set()

    def run(self) -> None:
        import requests

        while not self._done.is_set():
            try:
                models = requests.get(self._url, timeout=10).json()["ses"]
            except (requests.RequestException, KeyError, ValueError):
                models = {}
            now = time.perf_counter()
            text = "\n".join(
                [str(m.get("body", "")) for m in models.get("Message", [])]
                + [_raw_text(m.get("raw_data", "")) for m in models.get("RawMessage", [])]
            )
            for order in self._wanted - set(self.seen):
                if order in text:
                    self.seen[order] = now
            self._done.wait(0.5)

    def want(self, order_id: str) -> None:
        self._wanted = self._wanted | {order_id}

    def wait(self, timeout_s: float) -> None:
        deadline = time.perf_counter() + timeout_s
        while set(self.seen) < self._wanted and time.perf_counter() < deadline:
            time.sleep(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join()


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
