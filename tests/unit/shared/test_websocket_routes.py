"""The plumbing both WebSocket route functions share (realtime's routes, invoices' import
requests): who is calling, the message body, and the route response."""

from __future__ import annotations

import json

import pytest

from shared.websocket_routes import ClientError, answer, body_of, caller, error_frame


def event(authorizer: dict[str, str] | None, body: str | None = None) -> dict[str, object]:
    context = {"connectionId": "c-1", "connectedAt": 1_700_000_000_000, "authorizer": authorizer}
    return {"requestContext": context, "body": body}


def test_the_caller_is_read_from_the_stringified_authorizer_context() -> None:
    who = caller(
        event(
            {
                "principalId": "u-1",
                "username": "ada",
                "groups": "admin,customer",
                "tokenExpiresAt": "1700003600",
            }
        )
    )

    assert (who.connection_id, who.user_id, who.username) == ("c-1", "u-1", "ada")
    assert who.groups == frozenset({"admin", "customer"})
    assert who.token_expires_at == 1_700_003_600
    assert who.connected_at_ms == 1_700_000_000_000


def test_a_connection_without_a_user_is_refused() -> None:
    with pytest.raises(ClientError, match="unauthenticated connection"):
        caller(event({}))


@pytest.mark.parametrize(
    ("body", "problem"),
    [("{", "the message is not JSON"), ("[1]", "the message is not a JSON object")],
)
def test_a_body_that_is_not_a_json_object_is_a_client_error(body: str, problem: str) -> None:
    with pytest.raises(ClientError, match=problem):
        body_of(event({"userId": "u"}, body))


def test_an_empty_body_is_an_empty_object() -> None:
    assert body_of(event({"userId": "u"})) == {}


def test_the_route_response_carries_the_reply_frame_or_nothing() -> None:
    assert answer(None) == {"statusCode": 200}
    frame = json.loads(answer(error_frame("forbidden"))["body"])
    assert frame == {"type": "error", "message": "forbidden"}
