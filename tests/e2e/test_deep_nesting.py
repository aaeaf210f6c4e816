"""Input nested deeper than a JSON parser recurses is bad input: a 400 on REST, an error
frame on the WebSocket. Before, the parser's RecursionError escaped as a 500 (and tripped
the 5XX alarm)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest
from websockets.sync.client import connect

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints

DEPTH = 50_000
"""Deeper than the JSON parser recurses (about 1,000 levels on Python 3.11, 10,000 on 3.13).
Tokens this deep do not fit in a URL: the authorizers' parsers are covered by the unit and
local-cloud tests of the token verifiers."""


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
