"""What one million orders cost, per AWS service, from measured durations and list prices.

The per-order counts are assumptions, stated in ORDER_FLOW and printed with the result:
the happy path of the saga (docs: ARCHITECTURE.md) with two order lines, a customer who
reads the order once and downloads the invoice once. Lambda durations are the measured
handler overhead (REST request or record, tracer off) plus an allowance per AWS call;
memory is what Terraform configures (the module default for functions not deployed yet).
Not counted: CloudWatch Logs and metrics, X-Ray traces, KMS (data keys are reused for
minutes, so a few requests per minute, not per order), storage, data transfer, Cognito.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.functions import Function

PRICES = Path(__file__).resolve().parents[2] / "bench" / "prices.json"
ORDERS = 1_000_000
# Milliseconds an AWS call adds to a function's duration (typical in-region latencies).
CALL_ALLOWANCE_MS = {"dynamodb": 6.0, "sns": 12.0, "s3": 25.0, "ses": 40.0}
BATCH_SIZE = 10  # SQS and stream records per invocation under load
EXTRA_CPU_MS = {"invoice-pdf": 40.0}  # rendering the PDF (not measured yet)


@dataclass(frozen=True)
class Step:
    """One function's share of an order."""

    function: str
    kind: str  # "request" (REST: one invocation each) or "record" (batched)
    items: float  # requests or records per order
    calls: dict[str, float] = field(default_factory=dict)  # AWS calls per item, by service
    extra_cpu: str | None = None
    what: str = ""


ORDER_FLOW = [
    Step("orders-api", "request", 1, {"dynamodb": 2}, what="POST /orders"),
    Step("orders-api", "request", 1, {"dynamodb": 1}, what="GET /orders/{id}"),
    Step("orders-stream-publisher", "record", 2, {"sns": 1}, what="OrderPlaced, OrderConfirmed"),
    # Stock lives in shard items (docs/capacity.md): a reservation reads the products'
    # shard counts and writes the reservation and one shard per line; no product item
    # changes, so no ProductUpdated (nor projection write) follows a sale.
    Step("products-stock-consumer", "record", 1, {"dynamodb": 2}, what="reserve stock"),
    Step("products-stream-publisher", "record", 1, {"sns": 1}, what="StockReserved"),
    Step("orders-stock-consumer", "record", 1, {"dynamodb": 3}, what="confirm the order"),
    Step(
        "invoices-consumer",
        "record",
        1,
        {"dynamodb": 2, "s3": 1},
        extra_cpu="invoice-pdf",
        what="invoice PDF into S3",
    ),
    Step("invoices-stream-publisher", "record", 1, {"sns": 1}, what="InvoiceGenerated"),
    Step(
        "notifications-consumer",
        "record",
        1,
        {"dynamodb": 1, "ses": 1, "s3": 1},
        what="e-mail (the invoice PDF read from S3 and attached)",
    ),
    Step("realtime-consumer", "record", 1, {"dynamodb": 1}, what="push (InvoiceGenerated)"),
]
# Request counts per order for the services billed per request.
PER_ORDER = {
    "api_gateway_rest_requests": 2,  # POST /orders, GET /orders/{id}
    # order + idempotency key (transaction: 2 WRU each); 2 stock shards + reservation
    # (transaction); order status + dedup; invoice + dedup
    "dynamodb_write_request_units": 4 + 6 + 2 + 2,
    # catalog projection (2 lines) + GET; 2 products' shard counts; order; connections
    "dynamodb_read_request_units": 3 + 1 + 1 + 2,
    "sns_publishes": 4,  # every event of the happy path, published once
    # messages: OrderPlaced->products, StockReserved->orders,
    # OrderConfirmed->invoices+notifications, InvoiceGenerated->notifications
    "sqs_messages": 5,
    "s3_puts": 1,
    "s3_gets": 2,  # the customer's download, the PDF attached to the confirmation
    "ses_emails": 1,
}


def measure(
    functions: list[Function], overhead: dict[str, Any], architecture: str
) -> dict[str, Any]:
    prices = json.loads(PRICES.read_text())["prices"]
    memory = {f.name: f.memory_mb for f in functions}
    overhead_ms = _overhead_ms(overhead)
    lambda_rows = []
    gb_seconds = invocations = 0.0
    for step in ORDER_FLOW:
        allowance = sum(CALL_ALLOWANCE_MS[s] * n for s, n in step.calls.items())
        item_ms = overhead_ms[step.kind] + allowance + EXTRA_CPU_MS.get(step.extra_cpu or "", 0)
        per_invocation = 1 if step.kind == "request" else BATCH_SIZE
        step_invocations = step.items / per_invocation
        billed_ms = math.ceil(item_ms * per_invocation)  # Lambda bills whole milliseconds
        memory_mb = memory.get(step.function, 256)
        step_gb_seconds = step_invocations * billed_ms / 1000 * memory_mb / 1024
        gb_seconds += step_gb_seconds
        invocations += step_invocations
        lambda_rows.append(
            {
                "function": step.function,
                "what": step.what,
                "per_order": step.items,
                "ms_each": round(item_ms, 2),
                "memory_mb": memory_mb,
                "gb_seconds_per_order": round(step_gb_seconds, 6),
            }
        )
    sqs_requests = PER_ORDER["sqs_messages"] * (1 + 2 / BATCH_SIZE)  # send; receive+delete
    per_service = {
        "lambda_compute": gb_seconds * prices[f"lambda_gb_second_{architecture}"] * ORDERS,
        "lambda_requests": invocations * prices["lambda_million_requests"],
        "api_gateway": PER_ORDER["api_gateway_rest_requests"]
        * prices["api_gateway_rest_million_requests"],
        "dynamodb_writes": PER_ORDER["dynamodb_write_request_units"]
        * prices["dynamodb_million_write_request_units"],
        "dynamodb_reads": PER_ORDER["dynamodb_read_request_units"]
        * prices["dynamodb_million_read_request_units"],
        "sns": PER_ORDER["sns_publishes"] * prices["sns_million_publishes"],
        "sqs": sqs_requests * prices["sqs_million_requests"],
        "s3": PER_ORDER["s3_puts"] * prices["s3_thousand_put_requests"] * 1000
        + PER_ORDER["s3_gets"] * prices["s3_thousand_get_requests"] * 1000,
        "ses": PER_ORDER["ses_emails"] * prices["ses_thousand_emails"] * 1000,
    }
    per_service = {name: round(usd, 2) for name, usd in per_service.items()}
    return {
        "orders": ORDERS,
        "architecture": architecture,
        "usd_per_service": per_service,
        "usd_total": round(sum(per_service.values()), 2),
        "assumptions": {
            "per_order": {**PER_ORDER, "sqs_requests": round(sqs_requests, 2)},
            "lambda": lambda_rows,
            "lambda_invocations_per_order": round(invocations, 2),
            "aws_call_allowance_ms": CALL_ALLOWANCE_MS,
            "measured_overhead_ms": overhead_ms,
            "records_per_invocation": BATCH_SIZE,
            "extra_cpu_ms": EXTRA_CPU_MS,
        },
    }


def _overhead_ms(overhead: dict[str, Any]) -> dict[str, float]:
    """Measured milliseconds per REST request and per record (1 ms / 0.3 ms if missing)."""
    by_kind: dict[str, list[float]] = {"request": [], "record": []}
    for figures in overhead.values():
        if "us" in figures:
            by_kind[figures["per"]].append(figures["us"] / 1000)
    defaults = {"request": 1.0, "record": 0.3}
    return {kind: round(max(v), 3) if v else defaults[kind] for kind, v in by_kind.items()}
