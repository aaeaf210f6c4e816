"""Glyph widths of two of the PDF standard 14 fonts, Helvetica and Helvetica-Bold.

Every PDF reader has these fonts built in, so a document using them embeds no font file.
The widths (1/1000 of the font size, characters 32-126 of WinAnsiEncoding) are those of
Adobe's Core 14 AFM files, which Adobe allows to be used, copied and distributed for any
purpose: Copyright (c) 1985, 1987, 1989, 1990, 1997 Adobe Systems Incorporated. All Rights
Reserved. Helvetica is a trademark of Linotype-Hell AG and/or its subsidiaries.
"""

from __future__ import annotations

import unicodedata

FIRST_CHAR = 32

HELVETICA = (
    # space ! " # $ % & ' ( ) * + , - . /
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    # 0-9 : ; < = > ?
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    # @ A-O
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    # P-Z [ \ ] ^ _
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    # ` a-o
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    # p-z { | } ~
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip

HELVETICA_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip

# Outside ASCII: the base letter's width for accented letters (é as e), else these.
_SPECIAL = {"\u2026": 1000, "\u20ac": 556, "\u2013": 556, "\u2014": 1000, "\u00a0": 278}
_FALLBACK = 611


def glyph_width(char: str, widths: tuple[int, ...]) -> int:
    code = ord(char)
    if FIRST_CHAR <= code < FIRST_CHAR + len(widths):
        return widths[code - FIRST_CHAR]
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base != char and FIRST_CHAR <= ord(base) < FIRST_CHAR + len(widths):
        return widths[ord(base) - FIRST_CHAR]
    return _FALLBACK
