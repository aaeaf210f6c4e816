"""An invoice as a PDF (A4): seller and customer, one row per line with quantity, net unit
price and line total, then subtotal, tax and total. Long orders continue on further pages
(the table header repeats); every page is numbered. Long texts (names, addresses, product
names) wrap onto further lines instead of running off the page or being cut.

Every name prints exactly in the Latin, Greek and Cyrillic scripts (an embedded font, see
invoices.pdf). Characters the font lacks print as their code points, the texts as given
go into the document's metadata, and a warning with the code points is logged: the
invoice is still issued.

Rendering depends only on the invoice, so rendering it again (a redelivered event) gives
the very same bytes.
"""

from __future__ import annotations

from datetime import datetime

from invoices.domain import Invoice, InvoiceLine, Party
from invoices.formatting import format_date
from invoices.pdf import A4, UNPRINTABLE_MARK, Font, Page, PdfDocument
from shared.observability import logger

MARGIN = 50.0
RIGHT = A4[0] - MARGIN
BODY = 10.0
SMALL = 8.0
LEADING = 13.0  # between the lines of an address
ROW_HEIGHT = 22.0  # a line's name, its SKU below, and spacing
NAME_LEADING = 11.0  # between the lines of a long product name
SKU_SIZE = 7.0
SKU_LEADING = 8.0
TOTALS_HEIGHT = 70.0  # subtotal, tax, total
FOOTER_Y = 40.0
CONTENT_BOTTOM = FOOTER_Y + 30

# The invoice's facts (number, date, order) right-aligned from here; the seller's column
# ends before them.
FACTS_LEFT = RIGHT - 215
SELLER_WIDTH = FACTS_LEFT - 10 - MARGIN
CONTENT_WIDTH = RIGHT - MARGIN
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
        subject=f"Invoice {invoice.number} to {invoice.bill_to.name}",
        created=datetime.fromisoformat(invoice.issued_at.replace("Z", "+00:00")),
    )
    page = document.add_page()
    y = _table_header(page, invoice, _first_page_header(page, invoice))
    for index, line in enumerate(invoice.lines):
        is_last = index == len(invoice.lines) - 1
        name_lines = document.lines(line.name, Font.REGULAR, BODY, ITEM_WIDTH)
        sku_lines = document.lines(line.sku, Font.REGULAR, SKU_SIZE, ITEM_WIDTH)
        height = _row_height(name_lines, sku_lines)
        if y - height - (TOTALS_HEIGHT if is_last else 0) < CONTENT_BOTTOM:
            page.rule(MARGIN, y + 10, RIGHT, y + 10)
            page = document.add_page()
            y = _table_header(page, invoice, _next_page_header(page, invoice))
        y = _row(page, line, name_lines, sku_lines, y)
    page.rule(MARGIN, y + 10, RIGHT, y + 10)
    _totals(page, invoice, y - 6)
    for number, each in enumerate(document.pages, start=1):
        _footer(each, invoice, number, len(document.pages))
    pdf = document.to_bytes()
    if document.unprintable:
        logger.warning(
            "Invoice text has characters the font cannot show: printed as code points",
            invoice_id=invoice.id,
            invoice_number=str(invoice.number),
            codepoints=[UNPRINTABLE_MARK.format(ord(char)) for char in document.unprintable],
            texts=len(document.unprintable_texts),
        )
    return pdf


def _first_page_header(page: Page, invoice: Invoice) -> float:
    top = page.height - MARGIN
    seller = invoice.seller
    y = page.wrapped_text(
        MARGIN, top - 6, seller.name, width=SELLER_WIDTH, leading=18, font=Font.BOLD, size=16
    )
    y = _party_lines(page, seller, MARGIN, y, width=SELLER_WIDTH, with_contact=True)

    page.text(RIGHT, top - 8, "INVOICE", font=Font.BOLD, size=20, align_right=True)
    facts = [
        ("Invoice number", str(invoice.number)),
        ("Date of issue", format_date(invoice.issued_at)),
        ("Order", invoice.order_id),
    ]
    fact_y = top - 30
    for label, value in facts:
        page.text(FACTS_LEFT, fact_y, label, size=SMALL, gray=TEXT_GRAY)
        page.text(RIGHT, fact_y, value, size=SMALL, align_right=True)
        fact_y -= 12

    y = min(y, fact_y) - 24
    page.text(MARGIN, y, "Bill to", font=Font.BOLD, size=BODY)
    bill_to = invoice.bill_to
    y = page.wrapped_text(MARGIN, y - 14, bill_to.name, width=CONTENT_WIDTH, leading=LEADING)
    y = _party_lines(page, bill_to, MARGIN, y, width=CONTENT_WIDTH, with_contact=False)
    y = page.wrapped_text(
        MARGIN, y, invoice.customer_email, width=CONTENT_WIDTH, leading=LEADING, gray=TEXT_GRAY
    )
    return y - 17


def _next_page_header(page: Page, invoice: Invoice) -> float:
    top = page.height - MARGIN
    page.wrapped_text(
        MARGIN, top - 6, invoice.seller.name, width=SELLER_WIDTH, leading=14, font=Font.BOLD,
        size=12,
    )  # fmt: skip
    page.text(RIGHT, top - 6, f"Invoice {invoice.number} (continued)", align_right=True)
    return top - 40


def _party_lines(
    page: Page, party: Party, x: float, y: float, *, width: float, with_contact: bool
) -> float:
    """The party's address lines (and contact lines), each wrapped to ``width``; returns
    the baseline below them."""
    lines = list(party.address)
    if with_contact:
        lines += [text for text in (party.email, party.tax_id and f"VAT {party.tax_id}") if text]
    size = BODY if not with_contact else SMALL + 1
    for line in lines:
        y = page.wrapped_text(x, y, line, width=width, leading=LEADING, size=size)
    return y


def _table_header(page: Page, invoice: Invoice, y: float) -> float:
    page.box(MARGIN, y - 6, RIGHT - MARGIN, 18, gray=LIGHT_GRAY)
    currency = invoice.currency
    page.text(MARGIN + 4, y, "Item", font=Font.BOLD, size=BODY)
    page.text(QUANTITY_RIGHT, y, "Qty", font=Font.BOLD, size=BODY, align_right=True)
    page.text(UNIT_PRICE_RIGHT, y, f"Unit price ({currency})", font=Font.BOLD, align_right=True)
    page.text(LINE_TOTAL_RIGHT, y, f"Total ({currency})", font=Font.BOLD, align_right=True)
    return y - ROW_HEIGHT


def _row_height(name_lines: list[str], sku_lines: list[str]) -> float:
    extra_lines = NAME_LEADING * (len(name_lines) - 1) + SKU_LEADING * (len(sku_lines) - 1)
    return ROW_HEIGHT + extra_lines


def _row(
    page: Page, line: InvoiceLine, name_lines: list[str], sku_lines: list[str], y: float
) -> float:
    """One table row: the product name (wrapped), its SKU below, the numbers on the name's
    first line; returns the next row's baseline."""
    name_y = y
    for text in name_lines:
        page.text(MARGIN + 4, name_y, text, size=BODY)
        name_y -= NAME_LEADING
    sku_y = name_y + NAME_LEADING - 9
    for text in sku_lines:
        page.text(MARGIN + 4, sku_y, text, size=SKU_SIZE, gray=TEXT_GRAY)
        sku_y -= SKU_LEADING
    page.text(QUANTITY_RIGHT, y, str(line.quantity), align_right=True)
    page.text(UNIT_PRICE_RIGHT, y, line.unit_price.format_amount(), align_right=True)
    page.text(LINE_TOTAL_RIGHT, y, line.line_total.format_amount(), align_right=True)
    return y - _row_height(name_lines, sku_lines)


def _totals(page: Page, invoice: Invoice, y: float) -> None:
    label_x = UNIT_PRICE_RIGHT
    for label, amount in (
        ("Subtotal (net)", invoice.subtotal),
        (f"Tax {invoice.tax_rate.percent}", invoice.tax),
    ):
        page.text(label_x, y, label, align_right=True)
        page.text(LINE_TOTAL_RIGHT, y, str(amount), align_right=True)
        y -= 16
    page.rule(label_x - 120, y + 11, RIGHT, y + 11)
    total = str(invoice.total)
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
