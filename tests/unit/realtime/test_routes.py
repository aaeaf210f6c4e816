"""The WebSocket routes: $connect / $disconnect, subscribe, ping, unknown actions."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from realtime import routes
from realtime.connections import ConnectionStore
from tests.unit.helpers import lambda_context
from tests.unit.realtime.fixtures import (  # noqa: F401 (fixture)
    CONNECTIONS_TABLE,
    FakeManagementApi,
    realtime,
    ws_event,
)

USER = "4b1e6a52-3f5b-4c61-9d0a-8f1e2d3c4b5a"


def call(event: dict[str, Any]) -> dict[str, Any]:
    return dict(routes.handler(event, lambda_context()))


def reply(event: dict[str, Any]) -> dict[str, Any]:
    response = call(event)
    assert response["statusCode"] == 200
    return dict(json.loads(response["body"]))


def store() -> ConnectionStore:
    return ConnectionStore(CONNECTIONS_TABLE, boto3.client("dynamodb"))


def test_connect_records_the_connection_under_its_user(realtime: FakeManagementApi) -> None:  # noqa: F811, ARG001
    assert call(ws_event("$connect", "conn-1", user_id=USER)) == {"statusCode": 200}
    assert call(ws_event("$connect", "conn-2", user_id=USER)) == {"statusCode": 200}

    assert sorted(store().of_user(USER)) == ["conn-1", "conn-2"]
    item = boto3.client("dynamodb").get_item(
        TableName=CONNECTIONS_TABLE,
        Key={"pk": {"S": "CONNECTION#conn-1"}, "sk": {"S": "CONNECTION"}},
    )["Item"]
    assert item["gsi1pk"] == {"S": f"USER#{USER}"}
    lifetime = int(item["expiresAt"]["N"]) - time.time()
    assert 2 * 3600 - 60 < lifetime <= 2 * 3600


def test_disconnect_forgets_the_connection(realtime: FakeManagementApi) -> None:  # noqa: F811, ARG001
    call(ws_event("$connect", "conn-1", user_id=USER))
    assert call(ws_event("$disconnect", "conn-1", user_id=USER)) == {"statusCode": 200}
    assert store().of_user(USER) == []


def test_connect_without_an_authorizer_context_is_refused(realtime: FakeManagementApi) -> None:  # noqa: F811, ARG001
    assert call(ws_event("$connect", "conn-1"))["statusCode"] == 401


def test_ping_answers_pong_with_the_request_id(realtime: FakeManagementApi) -> None:  # noqa: F811, ARG001
    answer = reply(ws_event("ping", "conn-1", user_id=USER, body={"action": "ping", "id": 7}))
    assert answer["type"] == "pong"
    assert answer["id"] == 7


def test_subscribe_renews_the_lease(realtime: FakeManagementApi) -> None:  # noqa: F811, ARG001
    answer = reply(ws_event("subscribe", "conn-1", user_id=USER, body={"action": "subscribe"}))
    assert answer == {"type": "subscribed", "connectionId": "conn-1", "userId": USER}
    assert store().of_user(USER) == ["conn-1"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "dance"}, "unknown action 'dance'"),
        ({"hello": 1}, "unknown action (none given)"),
        ("not json", "unknown action (none given)"),
    ],
)
def test_unknown_actions_get_an_error_message(
    realtime: FakeManagementApi,  # noqa: F811, ARG001
    body: Any,
    message: str,
) -> None:
    answer = reply(ws_event("$default", "conn-1", user_id=USER, body=body))
    assert answer == {"type": "error", "message": message}


def test_a_message_nested_too_deeply_gets_an_error_message(
    realtime: FakeManagementApi,  # noqa: F811, ARG001
) -> None:
    # API Gateway routes a body it cannot read an action from to $default.
    answer = reply(ws_event("$default", "conn-1", user_id=USER, body="[" * 50_000))
    assert answer["type"] == "error"
