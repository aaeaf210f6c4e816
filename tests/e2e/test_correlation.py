"""One order's journey, read back from CloudWatch Logs: every log line of every function
that names the order or its invoice carries the correlation id the client sent with
``POST /orders``, and every service that worked on the order wrote such lines.

The stream publishers log each event at debug level only (INFO is the deployed level):
their lines join the journey when POWERTOOLS_LOG_LEVEL is DEBUG.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.saga import create_product, eventually, place_order, wait_for_final
from tests.e2e.test_invoices import invoice_of

pytestmark = pytest.mark.e2e

CORRELATION_ID_HEADER = "X-Correlation-Id"
# Functions that log at INFO for each event of an order they handle.
JOURNEY = {
    "orders-api",
    "products-stock-consumer",
    "orders-stock-consumer",
    "invoices-generator",
    "notifications-email",
    "websocket-push",
}


def structured_lines(aws: Callable[[str], Any], function_name: str, since_ms: int) -> list[Any]:
    """The function's JSON log lines since ``since_ms`` (the runtime's own START/END/REPORT
    lines are plain text: skipped)."""
    logs = aws("logs")
    lines = []
    try:
        for page in logs.get_paginator("filter_log_events").paginate(
            logGroupName=f"/aws/lambda/{function_name}", startTime=since_ms
        ):
            for event in page["events"]:
                try:
                    line = json.loads(event["message"])
                except ValueError:
                    continue
                if isinstance(line, dict):
                    lines.append(line)
    except logs.exceptions.ResourceNotFoundException:
        return []  # never invoked
    return lines


def test_one_orders_journey_carries_its_correlation_id_in_every_log_line(
    api: Api, admin: User, customer: User, endpoints: Endpoints, aws: Callable[[str], Any]
) -> None:
    correlation_id = f"e2e-journey-{uuid.uuid4()}"
    since_ms = int(time.time() * 1000) - 1000
    product = create_product(api, admin, stock=5)
    order = place_order(
        api, customer, [(product["id"], 1)], headers={CORRELATION_ID_HEADER: correlation_id}
    )
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    invoice = eventually(lambda: invoice_of(api, customer, order["id"]), timeout=60)
    functions = endpoints.raw["function_names"]

    def journey() -> dict[str, list[Any]] | None:
        lines = {role: structured_lines(aws, name, since_ms) for role, name in functions.items()}
        carrying = {
            role
            for role, of_role in lines.items()
            if any(line.get("correlation_id") == correlation_id for line in of_role)
        }
        return lines if carrying >= JOURNEY else None

    lines = eventually(journey, timeout=60, interval=1.0)  # logs arrive asynchronously

    naming = [
        (role, line)
        for role, of_role in lines.items()
        for line in of_role
        if order["id"] in json.dumps(line) or invoice["id"] in json.dumps(line)
    ]
    carrying = Counter(
        role
        for role, of_role in lines.items()
        for line in of_role
        if line.get("correlation_id") == correlation_id
    )
    print(
        f"\ncorrelation: {sum(carrying.values())} log lines of one order's journey in "
        f"{len(carrying)} functions carry its id ({dict(sorted(carrying.items()))}); "
        f"{len(naming)} lines name the order or its invoice"
    )
    assert naming
    strays = [
        (role, line.get("message"), line.get("correlation_id"))
        for role, line in naming
        if line.get("correlation_id") != correlation_id
    ]
    assert strays == []
