"""One order, one trace: every invocation of an order's journey is reachable from the
``X-Amzn-Trace-Id`` of its ``POST /orders`` response, and nothing of another order is.

Local target only: it reads the local runtime's record of every invocation's trace
(``trace_log`` in endpoints.json, written by ``localcloud.traces``), which X-Ray holds on
AWS. Reachable means: the invocation continues a reachable trace, or is linked to one (an
SQS-triggered invocation is a new trace linked to each message's ``AWSTraceHeader``).
Two orders are placed at the same time so consumer batches may mix them: an invocation
that handled both orders' events is linked to both, and is the only thing they share.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from websockets.sync.client import connect

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import sent_emails
from tests.e2e.saga import ADDRESS, create_product, eventually, wait_for_final

pytestmark = pytest.mark.e2e

JOURNEY = (
    "orders-api",
    "products-stock-consumer",
    "orders-stock-consumer",
    "invoices-generator",
    "notifications-email",
    "websocket-push",
)
"""The roles (keys of the ``function_names`` output) every confirmed order passes through."""

Invocation = dict[str, Any]


@pytest.fixture(scope="module")
def trace_log(endpoints: Endpoints) -> Path:
    if endpoints.target != "local" or not endpoints.raw.get("trace_log"):
        pytest.skip("the invocations' traces are read from the local runtime's trace log")
    return Path(endpoints.raw["trace_log"])


def read_invocations(path: Path) -> list[Invocation]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue  # a line being written
    return entries


def post_order(api: Api, customer: User, product_id: str) -> tuple[dict[str, Any], str]:
    """POST /orders (retried while the projection catches up); the order and the trace
    header of the response."""
    body = {"lines": [{"productId": product_id, "quantity": 1}], "shippingAddress": ADDRESS}
    headers = {"Idempotency-Key": str(uuid.uuid4())}

    def attempt() -> tuple[dict[str, Any], str] | None:
        response = api.request("POST", "/orders", customer, json=body, headers=headers)
        if response.status_code == 409:
            return None
        assert response.status_code == 201, response.text
        return dict(response.json()), response.headers["X-Amzn-Trace-Id"]

    placed: tuple[dict[str, Any], str] = eventually(attempt, timeout=30, interval=0.3)
    return placed


def root_of(header: str) -> str:
    fields = dict(part.partition("=")[::2] for part in header.split(";"))
    return fields["Root"]


def reachable(invocations: list[Invocation], root: str) -> tuple[list[Invocation], set[str]]:
    """The invocations reachable from trace ``root`` through continuations and links, and
    the traces they make up."""
    traces = {root}
    found: dict[str, Invocation] = {}
    grew = True
    while grew:
        grew = False
        for invocation in invocations:
            if invocation["requestId"] in found:
                continue
            linked = {link["traceId"] for link in invocation["links"]}
            if invocation["traceId"] in traces or linked & traces:
                found[invocation["requestId"]] = invocation
                traces.add(invocation["traceId"])
                grew = True
    return sorted(found.values(), key=lambda i: str(i["time"])), traces


def graph(root: str, invocations: list[Invocation], roles: dict[str, str]) -> str:
    lines = [f"trace {root}"]
    for invocation in invocations:
        role = roles.get(invocation["function"], invocation["function"])
        if invocation["traceId"] == root:
            how = "continues it"
        else:
            queues = sorted(
                {
                    str(link["eventSourceARN"]).rsplit(":", 1)[-1]
                    for link in invocation["links"]
                    if link["traceId"] == root
                }
            )
            others = len({link["traceId"] for link in invocation["links"]} - {root})
            how = f"own trace {invocation['traceId']}, linked via {', '.join(queues)}"
            if others:
                how += f" (+ links to {others} other trace(s): a shared batch)"
        lines.append(f"  {invocation['time']}  {role:<24} {invocation['requestId'][:8]}  {how}")
    return "\n".join(lines)


def test_each_orders_journey_is_one_trace_and_no_other_orders(
    trace_log: Path,
    endpoints: Endpoints,
    api: Api,
    admin: User,
    make_user: Callable[..., User],
) -> None:
    roles = {name: role for role, name in endpoints.raw["function_names"].items()}
    buyers = [make_user("customer"), make_user("customer")]
    product = create_product(api, admin, stock=10)
    with ExitStack() as stack:
        sockets = [
            stack.enter_context(
                connect(
                    f"{endpoints.raw['websocket_url']}?token={quote(b.id_token)}",
                    open_timeout=15,
                )
            )
            for b in buyers
        ]
        with ThreadPoolExecutor(2) as pool:
            placed = list(pool.map(lambda b: post_order(api, b, product["id"]), buyers))
        orders = [order for order, _ in placed]
        for buyer, order in zip(buyers, orders, strict=True):
            assert wait_for_final(api, buyer, order["id"]) == "CONFIRMED"
        for ws, order in zip(sockets, orders, strict=True):  # the push
            deadline = time.monotonic() + 60
            while True:
                message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if message.get("type") == "invoice.generated":
                    assert message["orderId"] == order["id"]
                    break
    for buyer, order in zip(buyers, orders, strict=True):  # the e-mail
        eventually(
            lambda b=buyer, o=order: [
                m
                for m in (sent_emails(endpoints) or [])
                if b.username in m.recipients and o["id"] in m.body
            ],
            timeout=60,
            interval=1.0,
        )
    time.sleep(1.0)  # the push and e-mail invocations have returned: their lines are written

    invocations = read_invocations(trace_log)
    roots = [root_of(header) for _, header in placed]
    assert roots[0] != roots[1]
    journeys = [reachable(invocations, root) for root in roots]

    for root, (journey, _) in zip(roots, journeys, strict=True):
        print("\n" + graph(root, journey, roles))
        reached = {roles.get(i["function"]) for i in journey}
        assert set(JOURNEY) <= reached, f"missing from {root}: {set(JOURNEY) - reached}"
        for invocation in journey:
            # one trace per order: everything continues it or is linked to it directly
            linked = {link["traceId"] for link in invocation["links"]}
            assert invocation["traceId"] == root or root in linked, invocation
        [api_call] = [i for i in journey if i["traceId"] == root]
        assert roles[api_call["function"]] == "orders-api"
        assert api_call["continued"]

    (first, first_traces), (second, second_traces) = journeys
    shared = {i["requestId"] for i in first} & {i["requestId"] for i in second}
    for invocation in first:
        if invocation["requestId"] in shared:
            # a batch that held both orders' events: linked to both, and to nothing else
            linked = {link["traceId"] for link in invocation["links"]}
            assert set(roots) <= linked, invocation
    assert roots[1] not in first_traces
    assert roots[0] not in second_traces
    print(f"\nshared batch invocations: {len(shared)}")
