"""shared.json_text: malformed JSON is always a ValueError, however deep it nests."""

from __future__ import annotations

import json

import pytest

from shared.json_text import TOO_DEEP, parse_json


def test_it_parses_json() -> None:
    assert parse_json('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
    assert parse_json(b"[1]") == [1]


@pytest.mark.parametrize("text", ["[" * 50_000, "{" + '"a":{' * 50_000, b"[" * 50_000])
def test_nesting_beyond_the_recursion_limit_is_malformed_json(text: str | bytes) -> None:
    with pytest.raises(json.JSONDecodeError, match=TOO_DEEP):
        parse_json(text)


def test_other_malformed_json_is_reported_as_before() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        parse_json("{oops")
