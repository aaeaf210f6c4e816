"""shared.paging: the page tokens of GET /products and GET /orders (moved here from the
products tests, with their assertions)."""

from __future__ import annotations

import pytest

from shared.errors import BadRequest
from shared.paging import decode_token, encode_token

CREATED = "2025-03-14T09:26:53.589Z"


def test_page_tokens_round_trip_and_reject_tampering() -> None:
    cursor = f"{CREATED}#6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d"
    token = encode_token(cursor)

    assert "=" not in token
    assert decode_token(token) == cursor
    for tampered in [token[:-2], token + "x", "!!!", "", encode_token("PRODUCT#1")]:
        with pytest.raises(BadRequest) as error:
            decode_token(tampered)
        assert error.value.fields[0].field == "query.nextToken"


def test_a_token_names_a_position_never_a_partition() -> None:
    """An orders sort key resumes; a key of another shape (a customer partition) does not."""
    placed = f"{CREATED}#0b7d3c1e-5a2f-4e6b-8c9d-1f2e3a4b5c6d"
    assert decode_token(encode_token(placed)) == placed
    with pytest.raises(BadRequest):
        decode_token(encode_token("CUSTOMER#someone-else"))
