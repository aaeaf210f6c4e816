"""Opaque page tokens for ``GET /orders``.

The token is the base64url (unpadded) of the position to continue after: the
``<placedAt>#<orderId>`` sort key of the last order read. Anything that does not decode to
that shape is a bad request before it can reach DynamoDB. A token only sets where to
resume: the partition (whose orders) always comes from the caller's identity.
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
