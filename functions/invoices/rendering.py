"""An invoice as a PDF (A4): seller and customer, one row per line with quantity, net unit
price and line total, then subtotal, tax and total. Long orders continue on further pages
(the table header repeats); every page is numbered.

Rendering depends only on the invoice, so rendering it again (a redelivered event) gives
the very same bytes.
"""

from __future__ import annotations

from datetime import datetime

from invoices.domain import Invoice, InvoiceLine, Party
from invoices.formatting import format_amount, format_date, format_money
from invoices.pdf import A4, Font, Page, PdfDocument, fit_text

MARGIN = 50.0
RIGHT = A4[0] - MARGIN
BODY = 10.0
SMALL = 8.0
ROW_HEIGHT = 22.0  # a line's name, its SKU below, and spacing
TOTALS_HEIGHT = 70.0  # subtotal, tax, total
FOOTER_Y = 40.0
CONTENT_BOTTOM = FOOTER_Y + 30

# Table columns: the item from the left margin, the numbers right-aligned on these x.
QUANTITY_RIGHT = 345.0
UNIT_PRICE_RIGHT = 445.0
LINE_TOTAL_RIGHT = RIGHT - 4
ITEM_WIDTH = 260.0
LIGHT_GRAY = 0.93
TEXT_GRAY = 0.35


def render_invoice(invoice: Invoice) -> bytes:
    document = PdfDocument(
        title=f"Invoice {invoice.number}",
        author=invoice.seller.name,
        created=datetime.fromisoformat(invoice.issued_at.replace("Z", "+00:00")),
    )
    page = document.add_page()
    y = _table_header(page, invoice, _first_page_header(page, invoice))
    for index, line in enumerate(invoice.lines):
        is_last = index == len(invoice.lines) - 1
        if y - ROW_HEIGHT - (TOTALS_HEIGHT if is_last else 0) < CONTENT_BOTTOM:
            page.rule(MARGIN, y + 10, RIGHT, y + 10)
            page = document.add_page()
            y = _table_header(page, invoice, _next_page_header(page, invoice))
        y = _row(page, line, y)
    page.rule(MARGIN, y + 10, RIGHT, y + 10)
    _totals(page, invoice, y - 6)
    for number, each in enumerate(document.pages, start=1):
        _footer(each, invoice, number, len(document.pages))
    return document.to_bytes()


def _first_page_header(page: Page, invoice: Invoice) -> float:
    top = page.height - MARGIN
    page.text(MARGIN, top - 6, invoice.seller.name, font=Font.BOLD, size=16)
    y = _party_lines(page, invoice.seller, MARGIN, top - 24, with_contact=True)

    page.text(RIGHT, top - 8, "INVOICE", font=Font.BOLD, size=20, align_right=True)
    facts = [
        ("Invoice number", str(invoice.number)),
        ("Date of issue", format_date(invoice.issued_at)),
        ("Order", invoice.order_id),
    ]
    fact_y = top - 30
    for label, value in facts:
        page.text(RIGHT - 215, fact_y, label, size=SMALL, gray=TEXT_GRAY)
        page.text(RIGHT, fact_y, value, size=SMALL, align_right=True)
        fact_y -= 12

    y = min(y, fact_y) - 24
    page.text(MARGIN, y, "Bill to", font=Font.BOLD, size=BODY)
    page.text(MARGIN, y - 14, invoice.bill_to.name, size=BODY)
    y = _party_lines(page, invoice.bill_to, MARGIN, y - 28, with_contact=False)
    page.text(MARGIN, y, invoice.customer_email, size=BODY, gray=TEXT_GRAY)
    return y - 30


def _next_page_header(page: Page, invoice: Invoice) -> float:
    top = page.height - MARGIN
    page.text(MARGIN, top - 6, invoice.seller.name, font=Font.BOLD, size=12)
    page.text(RIGHT, top - 6, f"Invoice {invoice.number} (continued)", align_right=True)
    return top - 40


def _party_lines(page: Page, party: Party, x: float, y: float, *, with_contact: bool) -> float:
    lines = list(party.address)
    if with_contact:
        lines += [text for text in (party.email, party.tax_id and f"VAT {party.tax_id}") if text]
    for line in lines:
        page.text(x, y, line, size=BODY if not with_contact else SMALL + 1)
        y -= 13
    return y


def _table_header(page: Page, invoice: Invoice, y: float) -> float:
    page.box(MARGIN, y - 6, RIGHT - MARGIN, 18, gray=LIGHT_GRAY)
    currency = invoice.currency
    page.text(MARGIN + 4, y, "Item", font=Font.BOLD, size=BODY)
    page.text(QUANTITY_RIGHT, y, "Qty", font=Font.BOLD, size=BODY, align_right=True)
    page.text(UNIT_PRICE_RIGHT, y, f"Unit price ({currency})", font=Font.BOLD, align_right=True)
    page.text(LINE_TOTAL_RIGHT, y, f"Total ({currency})", font=Font.BOLD, align_right=True)
    return y - ROW_HEIGHT


def _row(page: Page, line: InvoiceLine, y: float) -> float:
    page.text(MARGIN + 4, y, fit_text(line.name, Font.REGULAR, BODY, ITEM_WIDTH), size=BODY)
    sku = fit_text(line.sku, Font.REGULAR, 7, ITEM_WIDTH)
    page.text(MARGIN + 4, y - 9, sku, size=7, gray=TEXT_GRAY)
    page.text(QUANTITY_RIGHT, y, str(line.quantity), align_right=True)
    page.text(UNIT_PRICE_RIGHT, y, format_amount(line.unit_price), align_right=True)
    page.text(LINE_TOTAL_RIGHT, y, format_amount(line.line_total), align_right=True)
    return y - ROW_HEIGHT


def _totals(page: Page, invoice: Invoice, y: float) -> None:
    label_x = UNIT_PRICE_RIGHT
    for label, amount in (
        ("Subtotal (net)", invoice.subtotal),
        (f"Tax {invoice.tax_rate.percent}", invoice.tax),
    ):
        page.text(label_x, y, label, align_right=True)
        page.text(LINE_TOTAL_RIGHT, y, format_money(amount), align_right=True)
        y -= 16
    page.rule(label_x - 120, y + 11, RIGHT, y + 11)
    total = format_money(invoice.total)
    page.text(label_x, y - 2, "Total", font=Font.BOLD, size=12, align_right=True)
    page.text(LINE_TOTAL_RIGHT, y - 2, total, font=Font.BOLD, size=12, align_right=True)


def _footer(page: Page, invoice: Invoice, number: int, count: int) -> None:
    note = (
        f"Prices are net; tax is added at {invoice.tax_rate.percent}. "
        f"Amounts in {invoice.currency}."
    )
    page.rule(MARGIN, FOOTER_Y + 12, RIGHT, FOOTER_Y + 12, width=0.3)
    page.text(MARGIN, FOOTER_Y, note, size=SMALL, gray=TEXT_GRAY)
    page_number = f"Page {number} of {count}"
    page.text(RIGHT, FOOTER_Y, page_number, size=SMALL, gray=TEXT_GRAY, align_right=True)
