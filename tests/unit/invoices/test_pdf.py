"""The PDF layer and the invoice layout, read back with pypdf (an independent parser)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest

from invoices.domain import (
    ConfirmedOrder,
    Invoice,
    InvoiceLine,
    InvoiceNumber,
    Party,
    TaxRate,
    draft_invoice,
)
from invoices.pdf import A4, Font, PdfDocument, printable
from invoices.rendering import CONTENT_WIDTH, ITEM_WIDTH, MARGIN, RIGHT, render_invoice
from shared.money import Money


def EUR(amount: int) -> Money:
    return Money(amount, "EUR")


SELLER = Party("Example Shop Ltd", ("1 Market Street", "London"), "billing@example.com", "GB1")


ADA = Party("Ada Lovelace", ("12 St James's Square", "SW1Y 4JH London", "GB"))


def invoice(
    lines: int = 2,
    name: str = "Blue mug",
    bill_to: Party = ADA,
) -> Invoice:
    order = ConfirmedOrder(
        order_id="5c2d7e1f-8a3b-4c6d-9e0f-1a2b3c4d5e6f",
        customer_id="c1",
        customer_email="ada@example.com",
        bill_to=bill_to,
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


ROOT = Path(__file__).resolve().parents[3]
PYTHONPATH = os.pathsep.join(str(ROOT / part) for part in ("functions", "scripts", ""))


def read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf), strict=True)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(pdf).pages)


@dataclass(frozen=True)
class Placed:
    text: str
    x: float
    y: float
    font: Font
    size: float


def placed_texts(page: pypdf.PageObject) -> Iterator[Placed]:
    """Every piece of text on ``page`` with the position of its start, its font and size."""
    found: list[Placed] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            bold = "Bold" in str(font["/BaseFont"])
            found.append(
                Placed(text.strip(), x, y, Font.BOLD if bold else Font.REGULAR, size * tm[0])
            )

    page.extract_text(visitor_text=visit)
    return iter(found)


LATIN = "Łukasz Dvořák Şükrü"
GREEK = "Σωκράτης Παπαδόπουλος"
CYRILLIC = "Фёдор Достоевский"
CJK = "李小龍"


def test_a_document_is_a_well_formed_pdf_with_its_metadata() -> None:
    document = PdfDocument("T", "Ωmega Ltd", datetime(2026, 3, 14, tzinfo=UTC), subject="Σ")
    document.add_page().text(50, 800, "Hello (world) \\ back")
    pdf = document.to_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = read(pdf)
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.author) == ("T", "Ωmega Ltd")
    assert reader.metadata.subject == "Σ"
    assert reader.metadata.creation_date == datetime(2026, 3, 14, tzinfo=UTC)
    assert reader.pages[0].extract_text() == "Hello (world) \\ back"


def test_the_font_is_embedded_as_a_subset() -> None:
    document = PdfDocument("T", "A", datetime(2026, 3, 14, tzinfo=UTC))
    document.add_page().text(50, 800, CYRILLIC, font=Font.BOLD)
    page = read(document.to_bytes()).pages[0]
    [font] = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    descendant = font["/DescendantFonts"][0].get_object()
    # A subset's name starts with a six-letter tag (PDF 32000-1, 9.6.4).
    assert re.fullmatch(r"/[A-Z]{6}\+FiraSansBold", str(font["/BaseFont"]))
    assert "/FontFile2" in descendant["/FontDescriptor"]
    embedded = descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    assert len(embedded) < 20_000  # the full font is 490 kB


@pytest.mark.parametrize("name", [LATIN, GREEK, CYRILLIC, "Zoë Ångström-Øster Ñúñez"])
def test_every_name_in_latin_greek_and_cyrillic_prints_exactly(name: str) -> None:
    party = Party(name, (f"{name} 7", "Αθήνα 105 57", "Москва 101000"))
    pdf = render_invoice(invoice(name=name, bill_to=party))
    text = text_of(pdf)
    for expected in (name, f"{name} 7", "Αθήνα 105 57", "Москва 101000", f"{name} 0"):
        assert expected in text.split("\n") or any(
            line.startswith(expected) for line in text.split("\n")
        ), expected
    assert "?" not in text
    metadata = read(pdf).metadata
    assert metadata is not None
    assert metadata.subject == f"Invoice INV-2026-000123 to {name}"
    assert metadata.get("/Keywords") is None  # nothing had to be substituted


def test_decomposed_accents_print_as_their_composed_letters() -> None:
    decomposed = "Dvor\u030ca\u0301k"
    assert printable(decomposed).text == "Dvořák"
    assert printable(decomposed).unprintable == ()


def test_characters_the_font_lacks_print_as_code_points() -> None:
    result = printable(f"Bruce {CJK} Lee \U0001f600")
    assert result.text == "Bruce [U+674E U+5C0F U+9F8D] Lee [U+1F600]"
    assert result.unprintable == ("李", "小", "龍", "\U0001f600")
    assert printable("tab\there").text == "tab here"


def test_a_cjk_name_follows_the_fallback_is_logged_and_the_invoice_is_issued(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = f"{CJK} (Bruce Lee)"
    pdf = render_invoice(invoice(bill_to=Party(name, ("香港 Kowloon", "HK"))))
    text = text_of(pdf)
    assert "[U+674E U+5C0F U+9F8D] (Bruce Lee)" in text
    assert "[U+9999 U+6E2F] Kowloon" in text
    assert "?" not in text
    assert "Total 61.92 EUR" in text
    metadata = read(pdf).metadata
    assert metadata is not None
    # The texts as given are kept in the document: the customer in the subject, every
    # substituted text in the keywords.
    assert metadata.subject == f"Invoice INV-2026-000123 to {name}"
    assert name in str(metadata["/Keywords"])
    assert "香港 Kowloon" in str(metadata["/Keywords"])
    # One structured warning (Powertools puts the extra keys on the record).
    [record] = [r for r in caplog.records if "cannot show" in r.getMessage()]
    assert record.levelname == "WARNING"
    fields = vars(record)
    assert fields["codepoints"] == ["U+674E", "U+5C0F", "U+9F8D", "U+9999", "U+6E2F"]
    assert fields["invoice_number"] == "INV-2026-000123"
    assert fields["invoice_id"] == "i1"


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


def test_long_texts_wrap_onto_lines_inside_the_page() -> None:
    long_name = f"{'Maximilian Alexander ' * 3}{LATIN} {CYRILLIC} von Hohenzollern-Sigmaringen"
    long_street = "Flat 12, Building 7, " * 6 + "Long Street"
    long_product = "An extraordinarily long product name " * 5
    document = invoice(
        lines=2, name=long_product, bill_to=Party(long_name, (long_street, "SW1Y 4JH London"))
    )
    pdf = render_invoice(document)
    assert pdf == render_invoice(document)  # still deterministic
    reader = read(pdf)
    lines = reader.pages[0].extract_text().split("\n")
    measure = PdfDocument("T", "A", datetime(2026, 3, 14, tzinfo=UTC))
    # Each long text is on several lines, together exactly the text, none wider than its
    # column.
    for text, width in ((long_name, CONTENT_WIDTH), (long_street, CONTENT_WIDTH)):
        parts = [line for line in lines if line and line in text]
        assert len(parts) > 1, text
        assert " ".join(parts) == text.strip()
        assert all(measure.text_width(part, Font.REGULAR, 10) <= width for part in parts)
    name_parts = [line for line in lines if line and line.strip() in long_product]
    assert len(name_parts) >= 2 * 3  # both product names, on three lines or more each
    assert all(measure.text_width(part, Font.REGULAR, 10) <= ITEM_WIDTH for part in name_parts)
    assert "\u2026" not in "\n".join(lines)  # nothing is cut short
    # Every text is inside the page's margins, its end included.
    placed = list(placed_texts(reader.pages[0]))
    assert any(long_street.startswith(each.text.strip()) for each in placed)
    for each in placed:
        assert each.x >= MARGIN, each
        assert each.x + measure.text_width(each.text, each.font, each.size) <= RIGHT + 0.01, each
        assert 0 < each.y < A4[1] - MARGIN, each


def test_rendering_is_deterministic_also_across_processes() -> None:
    """A redelivery may run in another Lambda environment (another hash seed)."""
    assert render_invoice(invoice(lines=3)) == render_invoice(invoice(lines=3))
    script = (
        "import hashlib, sys; from tests.unit.invoices.test_pdf import invoice; "
        "from invoices.rendering import render_invoice; "
        "print(hashlib.sha256(render_invoice(invoice(lines=3))).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": PYTHONPATH},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(render_invoice(invoice(lines=3))).hexdigest() + "\n"}


def test_a_50_line_invoice_stays_small() -> None:
    """A few tens of kB, most of it the two font subsets. Its speed is a benchmark
    (scripts/benchmarks/invoice_pdf.py, `make bench`), not a test."""
    assert len(render_invoice(invoice(lines=50))) < 60_000


def loads_pdf_library(script: str, initialization_type: str) -> list[str]:
    environment = {**os.environ, "PYTHONPATH": PYTHONPATH}
    environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = initialization_type
    return subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def test_the_pdf_library_loads_on_the_first_render_in_an_on_demand_environment() -> None:
    """Its import is most of the generator's cold init (README, "Cold start"); the API
    shares the service module and never loads it."""
    script = (
        "import sys, invoices.api; api = 'fpdf' in sys.modules; "
        "import invoices.generator_consumer as g; init = 'fpdf' in sys.modules; "
        "from tests.unit.invoices.test_pdf import invoice; "
        "from invoices.service import render_pdf; render_pdf(invoice()); "
        "print(api, init, 'fpdf' in sys.modules)"
    )
    assert loads_pdf_library(script, "on-demand") == ["False", "False", "True"]


@pytest.mark.parametrize("initialization_type", ["snap-start", "provisioned-concurrency"])
def test_an_environment_initialised_ahead_of_demand_loads_it_during_init(
    initialization_type: str,
) -> None:
    """A SnapStart snapshot (or provisioned concurrency) holds the library and the fonts,
    warmed up by a throwaway document; the invoices it then renders are unchanged."""
    script = (
        "import hashlib, sys, invoices.generator_consumer; init = 'fpdf' in sys.modules; "
        "from tests.unit.invoices.test_pdf import invoice; "
        "from invoices.rendering import render_invoice; "
        "print(init, hashlib.sha256(render_invoice(invoice(lines=3))).hexdigest())"
    )
    expected = hashlib.sha256(render_invoice(invoice(lines=3))).hexdigest()
    assert loads_pdf_library(script, initialization_type) == ["True", expected]
