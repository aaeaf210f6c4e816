"""A small PDF 1.4 writer for text documents: pages of positioned text, rules and shaded
boxes in Helvetica and Helvetica-Bold (two of the standard 14 fonts every reader has, so
no font is embedded).

Why not a library: fpdf2 imports Pillow and fontTools eagerly and reportlab imports
Pillow; either adds 9-12 MB of compiled wheels to every zip (see the invoices README).
An invoice needs none of what they offer beyond this.

Coordinates are PDF points (1/72 inch) from the bottom-left corner of the page. Text is
encoded in WinAnsiEncoding (cp1252): characters outside it print as ``?``. The output is
deterministic: the same document gives the same bytes.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from invoices.font_metrics import HELVETICA, HELVETICA_BOLD, glyph_width

A4 = (595.28, 841.89)
ENCODING = "cp1252"
_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


class Font(Enum):
    REGULAR = ("F1", "Helvetica", HELVETICA)
    BOLD = ("F2", "Helvetica-Bold", HELVETICA_BOLD)

    def __init__(self, resource: str, base_font: str, widths: tuple[int, ...]) -> None:
        self.resource = resource
        self.base_font = base_font
        self.widths = widths


def text_width(text: str, font: Font, size: float) -> float:
    """The width of ``text`` in points."""
    return sum(glyph_width(char, font.widths) for char in text) * size / 1000


def fit_text(text: str, font: Font, size: float, max_width: float) -> str:
    """``text``, shortened with an ellipsis when wider than ``max_width``."""
    if text_width(text, font, size) <= max_width:
        return text
    ellipsis = "\u2026"
    while text and text_width(text + ellipsis, font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + ellipsis


def _number(value: float) -> str:
    """A PDF number: at most two decimals, no exponent, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding, escaped."""
    escaped = bytearray(b"(")
    for byte in text.encode(ENCODING, errors="replace"):
        if byte in b"\\()":
            escaped += b"\\" + bytes([byte])
        elif byte < 32 or byte == 127:
            escaped += f"\\{byte:03o}".encode()
        else:
            escaped.append(byte)
    return bytes(escaped + b")")


def _date(moment: datetime) -> bytes:
    return _string(moment.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ"))


@dataclass
class Page:
    width: float
    height: float
    _operations: list[bytes] = field(default_factory=list)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        font: Font = Font.REGULAR,
        size: float = 10,
        gray: float = 0.0,
        align_right: bool = False,
    ) -> None:
        """Writes ``text`` with its baseline at ``y``, starting at ``x`` (or ending there
        when ``align_right``); ``gray`` from 0 (black) to 1 (white)."""
        if align_right:
            x -= text_width(text, font, size)
        self._operations.append(
            b"BT %s g /%s %s Tf %s %s Td %s Tj ET"
            % (
                _number(gray).encode(),
                font.resource.encode(),
                _number(size).encode(),
                _number(x).encode(),
                _number(y).encode(),
                _string(text),
            )
        )

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5) -> None:
        """A straight black line."""
        start = f"{_number(x1)} {_number(y1)}"
        end = f"{_number(x2)} {_number(y2)}"
        self._operations.append(f"{_number(width)} w {start} m {end} l S".encode())

    def box(self, x: float, y: float, width: float, height: float, *, gray: float) -> None:
        """A filled rectangle (no outline) with its lower-left corner at ``(x, y)``."""
        values = " ".join(_number(value) for value in (x, y, width, height))
        self._operations.append(b"q %s g %s re f Q" % (_number(gray).encode(), values.encode()))

    def content(self) -> bytes:
        return b"\n".join(self._operations)


@dataclass
class PdfDocument:
    title: str
    author: str
    created: datetime
    page_size: tuple[float, float] = A4
    pages: list[Page] = field(default_factory=list)

    def add_page(self) -> Page:
        page = Page(*self.page_size)
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        """The whole file: catalog, page tree, pages with compressed contents, fonts, info
        and the cross-reference table."""
        if not self.pages:
            raise ValueError("a PDF needs at least one page")
        fonts = list(Font)
        # Object numbers: 1 catalog, 2 page tree, 3 info, then one per font, then a page
        # object and its content stream per page.
        first_font = 4
        first_page = first_font + len(fonts)
        page_numbers = [first_page + 2 * index for index in range(len(self.pages))]
        font_resources = b" ".join(
            b"/%s %d 0 R" % (font.resource.encode(), first_font + index)
            for index, font in enumerate(fonts)
        )
        width, height = (_number(v).encode() for v in self.page_size)
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>"
            % (b" ".join(b"%d 0 R" % number for number in page_numbers), len(self.pages)),
            b"<< /Title %s /Author %s /Producer (ecommerce invoices) /CreationDate %s >>"
            % (_string(self.title), _string(self.author), _date(self.created)),
        ]
        objects += [
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
            % font.base_font.encode()
            for font in fonts
        ]
        for page, number in zip(self.pages, page_numbers, strict=True):
            stream = zlib.compress(page.content(), 9)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
                b"/Resources << /Font << %s >> >> /Contents %d 0 R >>"
                % (width, height, font_resources, number + 1)
            )
            objects.append(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                % (len(stream), stream)
            )
        return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    body = bytearray(_HEADER)
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref_offset = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_offset,
    )
    return bytes(body)
