"""Opaque page tokens for the REST API's list routes (``nextToken``).

A token is the base64url (unpadded) of the position to continue after: the
``<RFC 3339 UTC timestamp>#<uuid>`` sort key of the last item read (``GET /products``:
``<createdAt>#<id>``; ``GET /orders``: ``<placedAt>#<orderId>``). Anything that does not
decode to that shape is a bad request before it can reach DynamoDB. A token only sets
where to resume: which partition is read (e.g. whose orders) never comes from it.
"""

from __future__ import annotations

import base64
import binascii
import re

from shared.errors import BadRequest

_CURSOR = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z"
    r"#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
TOKEN_FIELD = "query.nextToken"


def encode_token(cursor: str) -> str:
    return base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=")


def decode_token(token: str) -> str:
    try:
        cursor = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        cursor = ""
    if not _CURSOR.match(cursor):
        raise BadRequest.for_field(TOKEN_FIELD, "not a page token issued by this API")
    return cursor
