"""Input nested deeper than a JSON parser recurses is bad input at every entry point: a
400 on REST, an error frame on the WebSocket, a refused handshake for a token. Before, the
parsers' RecursionError escaped as a 500 (and tripped the 5XX alarm)."""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import quote

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints

DEPTH = 5_000
"""Deeper than CPython's recursion limit (1,000), short enough for a URL (the token)."""


ROUTES_WITH_A_BODY = [
    ("POST", "/orders", "customer"),
    ("POST", "/products", "admin"),
    ("PUT", f"/products/{uuid.uuid4()}", "admin"),
]


@pytest.mark.parametrize("route", ROUTES_WITH_A_BODY, ids=lambda r: f"{r[0]} {r[1][:9]}")
@pytest.mark.parametrize("body", ["[" * DEPTH, '{"lines": ' + "[" * DEPTH], ids=["top", "field"])
def test_a_rest_body_nested_too_deeply_is_a_400(
    api: Api, request: pytest.FixtureRequest, route: tuple[str, str, str], body: str
) -> None:
    method, path, who = route
    user: User = request.getfixturevalue(who)
    response = api.request(
        method,
        path,
        user,
        data=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )

    assert response.status_code == 400, response.text
    assert response.json()["fields"] == [
        {"field": "body", "message": "the body is nested too deeply"}
    ]


def test_a_websocket_message_nested_too_deeply_gets_an_error_frame(
    endpoints: Endpoints, customer: User
) -> None:
    url = endpoints.raw.get("websocket_url")
    if not url:
        pytest.skip("the target has no WebSocket API")
    with connect(f"{url}?token={quote(customer.id_token)}", open_timeout=15) as ws:
        ws.send("[" * DEPTH)
        answer = json.loads(ws.recv(timeout=15))
        assert answer["type"] == "error"
        ws.send(json.dumps({"action": "ping", "id": "after"}))
        assert json.loads(ws.recv(timeout=15))["id"] == "after"  # the connection lives on


@pytest.mark.parametrize("part", [0, 1], ids=["header", "claims"])
def test_a_token_nested_too_deeply_is_refused_at_the_handshake(
    endpoints: Endpoints, customer: User, part: int
) -> None:
    url = endpoints.raw.get("websocket_url")
    if not url:
        pytest.skip("the target has no WebSocket API")
    parts = customer.id_token.split(".")
    parts[part] = base64.urlsafe_b64encode(b"[" * DEPTH).rstrip(b"=").decode()
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{url}?token={quote('.'.join(parts))}", open_timeout=15)
    assert refused.value.response.status_code == 401
