"""The PDF writer and the invoice layout, read back with pypdf (an independent parser)."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime

import pypdf
import pytest

from invoices.domain import (
    ConfirmedOrder,
    Invoice,
    InvoiceLine,
    InvoiceNumber,
    Money,
    Party,
    TaxRate,
    draft_invoice,
)
from invoices.pdf import Font, PdfDocument, fit_text, text_width
from invoices.rendering import render_invoice


def EUR(amount: int) -> Money:
    return Money(amount, "EUR")


SELLER = Party("Example Shop Ltd", ("1 Market Street", "London"), "billing@example.com", "GB1")


def invoice(lines: int = 2, name: str = "Blue mug") -> Invoice:
    order = ConfirmedOrder(
        order_id="5c2d7e1f-8a3b-4c6d-9e0f-1a2b3c4d5e6f",
        customer_id="c1",
        customer_email="ada@example.com",
        bill_to=Party("Ada Lovelace", ("12 St James's Square", "SW1Y 4JH London", "GB")),
        lines=tuple(
            InvoiceLine(
                f"p{i}", f"SKU-{i}", f"{name} {i}", 2, Money(1290, "EUR"), Money(2580, "EUR")
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
        seller=SELLER,
        tax_rate=TaxRate(2000),
        issued_at="2026-03-14T09:26:55.000Z",
        bucket="b",
    )


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf), strict=True)


def test_a_document_is_a_well_formed_pdf() -> None:
    document = PdfDocument("T", "A", datetime(2026, 3, 14, tzinfo=UTC))
    document.add_page().text(50, 800, "Hello (world) \\ back")
    pdf = document.to_bytes()
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    # Every cross-reference offset points at its object.
    xref = pdf[int(re.findall(rb"startxref\n(\d+)", pdf)[-1]) :]
    offsets = [int(entry) for entry in re.findall(rb"(\d{10}) 00000 n", xref)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    reader = read(pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "T"
    assert reader.pages[0].extract_text() == "Hello (world) \\ back"


def test_text_outside_ascii_survives_and_unknown_characters_print_as_question_marks() -> None:
    document = PdfDocument("T", "A", datetime(2026, 3, 14, tzinfo=UTC))
    document.add_page().text(50, 800, "Müller café 12 € \u2013 漢")
    assert read(document.to_bytes()).pages[0].extract_text() == "Müller café 12 € \u2013 ?"


def test_widths_follow_the_font_metrics() -> None:
    assert text_width("1,234.56", Font.REGULAR, 10) == pytest.approx(
        38.92
    )  # 6 digits x 556 + "," and "." x 278
    assert text_width("W", Font.BOLD, 10) == pytest.approx(9.44)
    assert text_width("é", Font.REGULAR, 10) == text_width("e", Font.REGULAR, 10)
    assert fit_text("short", Font.REGULAR, 10, 100) == "short"
    fitted = fit_text("W" * 50, Font.REGULAR, 10, 100)
    assert fitted.endswith("\u2026")
    assert text_width(fitted, Font.REGULAR, 10) <= 100


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one page"):
        PdfDocument("T", "A", datetime(2026, 3, 14, tzinfo=UTC)).to_bytes()


def test_the_invoice_states_parties_lines_and_totals() -> None:
    text = read(render_invoice(invoice())).pages[0].extract_text()
    for expected in (
        "Example Shop Ltd",
        "VAT GB1",
        "INVOICE",
        "INV-2026-000123",
        "2026-03-14",
        "5c2d7e1f-8a3b-4c6d-9e0f-1a2b3c4d5e6f",
        "Ada Lovelace",
        "ada@example.com",
        "Blue mug 0",
        "SKU-1",
        "12.90",
        "25.80",
        "Subtotal (net) 51.60 EUR",
        "Tax 20% 10.32 EUR",
        "Total 61.92 EUR",
        "Page 1 of 1",
    ):
        assert expected in text, expected


def test_a_long_order_continues_on_numbered_pages_with_every_line() -> None:
    reader = read(render_invoice(invoice(lines=50)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 1
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(pages, start=1))
    everything = "\n".join(pages)
    assert all(f"Blue mug {i}\n" in everything for i in range(50))
    assert "Total 1,548.00 EUR" in pages[-1]
    assert "Total 1,548.00 EUR" not in pages[0]


def test_rendering_is_deterministic_and_long_names_are_shortened() -> None:
    long = invoice(name="An extraordinarily long product name " * 5)
    assert render_invoice(long) == render_invoice(long)
    assert "\u2026" in read(render_invoice(long)).pages[0].extract_text()


def test_rendering_is_fast_and_small() -> None:
    """Budget: a 50-line invoice in well under 50 ms, and a few kB."""
    document = invoice(lines=50)
    start = time.perf_counter()
    for _ in range(20):
        pdf = render_invoice(document)
    per_render = (time.perf_counter() - start) / 20
    assert per_render < 0.05
    assert len(pdf) < 20_000
