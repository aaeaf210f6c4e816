"""Pages of positioned text, rules and shaded boxes, drawn with fpdf2 in an embedded open
font, Fira Sans Regular and Bold (SIL Open Font License 1.1, from the PyPI package
``fontpkg-fira-sans``; see the invoices README). fpdf2 embeds only the glyphs a document
uses (a subset, made with fontTools), so a document stays a few tens of kB.

Fira Sans covers the Latin, Greek and Cyrillic scripts. A character it has no glyph for
(Chinese, Japanese, Korean, Arabic, emoji, ...) is never dropped nor printed as ``?``: the
text shows its code points instead, ``李小龍`` as ``[U+674E U+5C0F U+9F8D]`` (see
``printable``), and the caller is told, so it can log them and keep the original text in
the document's metadata.

Coordinates are PDF points (1/72 inch) from the bottom-left corner of the page, as in
the PDF format itself (fpdf2 counts from the top; ``Page`` converts). The output is
deterministic: the same document gives the same bytes.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path

with warnings.catch_warnings():
    # fpdf2 warns when Pillow is missing: it needs Pillow only for raster images, which an
    # invoice has none of, so the Lambda zip leaves Pillow out (scripts/build.py).
    warnings.filterwarnings("ignore", message="Pillow could not be imported")
    from fpdf import FPDF

A4 = (595.28, 841.89)
FONT_FAMILY = "Fira Sans"
FONT_FILES = files("fontpkg_fira_sans") / "files"
# Shown for every character without a glyph: its code point, e.g. U+674E.
UNPRINTABLE_MARK = "U+{:04X}"


class Font(Enum):
    REGULAR = ("", "FiraSans-Regular.ttf")
    BOLD = ("B", "FiraSans-Bold.ttf")

    def __init__(self, style: str, file_name: str) -> None:
        self.style = style
        self.file_name = file_name

    @property
    def path(self) -> Path:
        return Path(str(FONT_FILES / self.file_name))


@dataclass(frozen=True)
class Printable:
    """A text as it can be printed, and the characters that had to be written as code
    points (empty when the text prints as is)."""

    text: str
    unprintable: tuple[str, ...] = ()


@cache
def _covered_code_points() -> frozenset[int]:
    """The characters every font of ours has a glyph for."""
    from fontTools.ttLib import TTFont  # loaded by fpdf2 already

    covered: frozenset[int] | None = None
    for font in Font:
        with TTFont(font.path, lazy=True) as opened:
            code_points = frozenset(opened.getBestCmap())
        covered = code_points if covered is None else covered & code_points
    return covered or frozenset()


def printable(text: str) -> Printable:
    """``text`` in Unicode normal form C, each run of characters the fonts lack replaced
    with their code points in brackets: ``"Bruce 李小龍"`` -> ``"Bruce [U+674E U+5C0F
    U+9F8D]"``. Control characters (a stray tab or newline in a name) print as spaces."""
    covered = _covered_code_points()
    pieces: list[str] = []
    missing: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            pieces.append("[" + " ".join(UNPRINTABLE_MARK.format(ord(c)) for c in run) + "]")
            run.clear()

    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) == "Cc":
            close_run()
            pieces.append(" ")
        elif ord(char) in covered:
            close_run()
            pieces.append(char)
        else:
            run.append(char)
            if char not in missing:
                missing.append(char)
    close_run()
    return Printable("".join(pieces), tuple(missing))


Drawing = Callable[[FPDF], None]


@dataclass
class Page:
    """One page of a ``PdfDocument``; draw on it in any order, also after adding pages
    (the drawing is recorded and written page by page at the end)."""

    document: PdfDocument
    width: float
    height: float
    drawings: list[Drawing] = field(default_factory=list)

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
        """Writes ``text`` on one line with its baseline at ``y``, starting at ``x`` (or
        ending there when ``align_right``); ``gray`` from 0 (black) to 1 (white)."""
        shown = self.document.printable(text)
        if align_right:
            x -= self.document.width_of_printable(shown, font, size)
        baseline = self.height - y

        def draw(pdf: FPDF) -> None:
            pdf.set_font(FONT_FAMILY, font.style, size)
            pdf.set_text_color(round(gray * 255))
            pdf.text(x, baseline, shown)

        self.drawings.append(draw)

    def wrapped_text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        width: float,
        leading: float,
        font: Font = Font.REGULAR,
        size: float = 10,
        gray: float = 0.0,
    ) -> float:
        """Writes ``text`` in lines no wider than ``width`` (broken between words, inside
        a word only when one is wider than the line), the first baseline at ``y`` and the
        next ``leading`` below each; returns the baseline below the last line."""
        for line in self.document.lines(text, font, size, width):
            self.text(x, y, line, font=font, size=size, gray=gray)
            y -= leading
        return y

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5) -> None:
        """A straight black line."""
        top1, top2 = self.height - y1, self.height - y2

        def draw(pdf: FPDF) -> None:
            pdf.set_draw_color(0)
            pdf.set_line_width(width)
            pdf.line(x1, top1, x2, top2)

        self.drawings.append(draw)

    def box(self, x: float, y: float, width: float, height: float, *, gray: float) -> None:
        """A filled rectangle (no outline) with its lower-left corner at ``(x, y)``."""
        top = self.height - y - height

        def draw(pdf: FPDF) -> None:
            pdf.set_fill_color(round(gray * 255))
            pdf.rect(x, top, width, height, style="F")

        self.drawings.append(draw)


@dataclass
class PdfDocument:
    """A PDF with metadata: ``title``, ``author``, ``subject`` (any Unicode: fpdf2 writes
    the metadata in UTF-16 where needed) and a fixed creation date. Texts the fonts cannot
    show in full are listed, as given, in the metadata's keywords."""

    title: str
    author: str
    created: datetime
    subject: str = ""
    page_size: tuple[float, float] = A4
    pages: list[Page] = field(default_factory=list)
    # Every character written as a code point, in order of appearance.
    unprintable: list[str] = field(default_factory=list)
    # The texts that had such characters, as given.
    unprintable_texts: list[str] = field(default_factory=list)
    _pdf: FPDF = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pdf = FPDF(unit="pt", format=self.page_size)
        pdf.set_auto_page_break(False)
        pdf.set_margin(0)
        for font in Font:
            pdf.add_font(FONT_FAMILY, font.style, font.path)
        self._pdf = pdf

    def add_page(self) -> Page:
        page = Page(self, *self.page_size)
        self.pages.append(page)
        return page

    def printable(self, text: str) -> str:
        """``printable(text)``, remembering what it could not print."""
        result = printable(text)
        if result.unprintable:
            self.unprintable.extend(c for c in result.unprintable if c not in self.unprintable)
            if text not in self.unprintable_texts:
                self.unprintable_texts.append(text)
        return result.text

    def width_of_printable(self, shown: str, font: Font, size: float) -> float:
        self._pdf.set_font(FONT_FAMILY, font.style, size)
        return float(self._pdf.get_string_width(shown))

    def text_width(self, text: str, font: Font, size: float) -> float:
        """The width in points of ``text`` as ``Page.text`` prints it."""
        return self.width_of_printable(printable(text).text, font, size)

    def lines(self, text: str, font: Font, size: float, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width``: between words, and inside a
        word only when the word alone is wider than a line."""
        self._pdf.set_font(FONT_FAMILY, font.style, size)
        measure = self._pdf.get_string_width
        lines: list[str] = []
        line = ""
        for word in self.printable(text).split():
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:  # only a word wider than the line is left here
                if line and measure(line + char) > width:
                    lines.append(line)
                    line = ""
                line += char
            if measure(line) > width:  # cannot happen for one character, but be sure
                lines.append(line)
                line = ""
        if line or not lines:
            lines.append(line)
        return lines

    def to_bytes(self) -> bytes:
        """The whole file: pages, the embedded font subsets and the metadata."""
        if not self.pages:
            raise ValueError("a PDF needs at least one page")
        pdf = self._pdf
        for page in self.pages:
            pdf.add_page()
            for draw in page.drawings:
                draw(pdf)
        pdf.set_title(self.title)
        pdf.set_author(self.author)
        if self.subject:
            pdf.set_subject(self.subject)
        if self.unprintable_texts:
            # The texts as given, where the pages show code points (see module doc).
            pdf.set_keywords(self.unprintable_texts)
        pdf.set_creator("ecommerce invoices")
        pdf.set_producer("ecommerce invoices (fpdf2)")
        pdf.set_creation_date(self.created)
        return bytes(pdf.output())


def warm_up() -> None:
    """Loads everything the first document needs (the fonts' character maps, fpdf2 and
    fontTools' subsetting) by writing a throwaway one in both fonts, so that an execution
    environment initialised ahead of demand (a SnapStart snapshot) starts with it."""
    document = PdfDocument(title="warm-up", author="", created=datetime(2000, 1, 1, tzinfo=UTC))
    page = document.add_page()
    for font in Font:
        page.text(0, 0, "Aa", font=font)
    document.to_bytes()
