"""Parses JSON text that arrives from outside (request bodies, WebSocket messages, tokens,
queue messages) so that bad input is always a ``ValueError``.

The standard library parser recurses once per nesting level: a body of 50,000 ``[`` raises
``RecursionError``, which is not a ``ValueError``, so every caller that rejected malformed
JSON with ``except ValueError`` turned such a body into a crash (500, a stack trace, the 5XX
alarm). Here it is a ``json.JSONDecodeError`` (a ``ValueError``) like any other malformed
text, which is also what Powertools' request validation turns into a 400.
"""

from __future__ import annotations

import json
from typing import Any

TOO_DEEP = "nested too deeply"


def parse_json(text: str | bytes | bytearray) -> Any:
    """``json.loads(text)``; nesting beyond the interpreter's recursion limit is malformed."""
    try:
        return json.loads(text)
    except RecursionError:
        document = text if isinstance(text, str) else ""
        raise json.JSONDecodeError(TOO_DEEP, document, 0) from None
