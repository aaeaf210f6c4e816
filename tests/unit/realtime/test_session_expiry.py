"""WebSocket sessions end with their token. (Admin actions re-checking the admin group:
tests/unit/invoices/test_import_requests.py.)"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from realtime import routes, session_sweeper
from tests.unit.helpers import lambda_context
from tests.unit.realtime.fixtures import (  # noqa: F401 (fixture)
    CONNECTIONS_TABLE,
    FakeManagementApi,
    realtime,
    ws_event,
)

USER = "0c5d2e7a-91b4-4f3e-8a6d-2b7c9e1f4a30"


def call(event: dict[str, Any]) -> dict[str, Any]:
    return dict(routes.handler(event, lambda_context()))


def item(connection_id: str) -> dict[str, Any] | None:
    return (
        boto3.client("dynamodb")
        .get_item(
            TableName=CONNECTIONS_TABLE,
            Key={"pk": {"S": f"CONNECTION#{connection_id}"}, "sk": {"S": "CONNECTION"}},
        )
        .get("Item")
    )


def test_connect_stores_the_token_expiry_and_expires_no_later(
    realtime: FakeManagementApi,  # noqa: F811, ARG001
) -> None:
    expiry = int(time.time()) + 600
    call(ws_event("$connect", "conn-1", user_id=USER, token_expires_at=expiry))
    stored = item("conn-1")
    assert stored is not None
    assert stored["tokenExpiresAt"] == {"N": str(expiry)}
    assert stored["expiresAt"] == {"N": str(expiry)}


def test_a_message_on_an_expired_session_is_refused_and_the_connection_closed(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    expiry = int(time.time()) + 600
    call(ws_event("$connect", "conn-1", user_id=USER, token_expires_at=expiry))
    ping = ws_event("ping", "conn-1", user_id=USER, token_expires_at=expiry, body={"id": 1})
    assert json.loads(call(ping)["body"])["type"] == "pong"

    boto3.client("dynamodb").update_item(
        TableName=CONNECTIONS_TABLE,
        Key={"pk": {"S": "CONNECTION#conn-1"}, "sk": {"S": "CONNECTION"}},
        UpdateExpression="SET tokenExpiresAt = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    assert call(ping) == {"statusCode": 200}
    assert realtime.posted["conn-1"] == [{"type": "error", "message": "session expired"}]
    assert realtime.deleted == ["conn-1"]
    assert item("conn-1") is None


def test_the_authorizer_expiry_counts_when_the_item_is_gone(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    past = int(time.time()) - 5
    call(ws_event("ping", "conn-9", user_id=USER, token_expires_at=past, body={}))
    assert realtime.deleted == ["conn-9"]


def test_the_sweep_closes_expired_connections_only(
    realtime: FakeManagementApi,  # noqa: F811
) -> None:
    now = int(time.time())
    call(ws_event("$connect", "fresh", user_id=USER, token_expires_at=now + 600))
    call(ws_event("$connect", "stale", user_id=USER, token_expires_at=now - 1))
    realtime.gone.add("gone")
    call(ws_event("$connect", "gone", user_id=USER, token_expires_at=now - 1))

    result = session_sweeper.handler({}, lambda_context())

    assert sorted(result["connectionsClosed"]) == ["gone", "stale"]
    assert realtime.deleted == ["stale"]
    assert item("fresh") is not None
    assert item("stale") is None
    assert item("gone") is None
