"""Rendering an invoice PDF: a 50-line invoice, the largest a confirmed order makes in
practice, rendered the way invoices-generator renders it (`invoices.rendering`), after one
warm-up render (the PDF library and the fonts load on the first one: README "Cold start").

Budget (report.TARGETS["pdf_render_ms"]): well under a second per render on one Lambda vCPU.
The unit tests check what the PDF holds and its size, never its speed.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from invoices.domain import (
    ConfirmedOrder,
    InvoiceLine,
    InvoiceNumber,
    Party,
    TaxRate,
    draft_invoice,
)
from invoices.rendering import render_invoice
from shared.money import Money

LINES = 50


def _invoice(lines: int = LINES) -> Any:
    order = ConfirmedOrder(
        order_id="5c2d7e1f-8a3b-4c6d-9e0f-1a2b3c4d5e6f",
        customer_id="c1",
        customer_email="ada@example.com",
        bill_to=Party("Ada Lovelace", ("12 St James's Square", "London SW1Y 4JH")),
        lines=tuple(
            InvoiceLine(
                f"p{i}", f"SKU-{i}", f"Blue mug {i}", 2, Money(1290, "EUR"), Money(2580, "EUR")
            )
            for i in range(lines)
        ),
        confirmed_at="2026-03-14T09:26:54.120Z",
        event_id="e",
        correlation_id="c",
    )
    return draft_invoice(
        order,
        invoice_id="i1",
        number=InvoiceNumber(2026, 123),
        seller=Party("Example Shop", ("1 Market Street",)),
        tax_rate=TaxRate(2000),
        issued_at="2026-03-14T09:26:55.000Z",
        bucket="b",
    )


def measure(renders: int = 15) -> dict[str, Any]:
    document = _invoice()
    pdf = render_invoice(document)  # warm-up: loads the library and the fonts
    elapsed_ms, cpu_ms = [], []
    for _ in range(renders):
        wall, cpu = time.perf_counter(), time.process_time()
        pdf = render_invoice(document)
        elapsed_ms.append((time.perf_counter() - wall) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
    return {
        "lines": LINES,
        "renders": renders,
        "elapsed_ms_median": round(statistics.median(elapsed_ms), 1),
        "cpu_ms_median": round(statistics.median(cpu_ms), 1),
        "bytes": len(pdf),
    }
