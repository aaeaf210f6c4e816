"""Search by name: the normalized form stored on every product and compared with ``?q=``.

Both sides go through :func:`normalize`: Unicode compatibility decomposition (NFKD), the
combining marks (accents) dropped, case folded, runs of whitespace made one space. So
``"Café  CRÈME"`` is stored as ``"cafe creme"`` and found by ``q=creme``, ``q=CAFÉ`` or
``q="fe cr"``: a case- and accent-insensitive substring match.
"""

from __future__ import annotations

import unicodedata

MAX_QUERY_LENGTH = 100
"""Longest ``q`` accepted (characters, before normalizing); names have at most 200."""


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())
