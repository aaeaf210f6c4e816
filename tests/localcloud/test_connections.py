"""The @connections management API through boto3's apigatewaymanagementapi client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from gateway_helpers_ws import WebSocketStack, websocket_stack
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from localcloud.emulator import MotoServer, aws_environment


@pytest.fixture(scope="module")
def stack(moto_server: MotoServer) -> Iterator[WebSocketStack]:
    with websocket_stack(moto_server) as deployed:
        yield deployed


@pytest.fixture
def management(stack: WebSocketStack, aws_env: str) -> Any:
    assert aws_env
    return boto3.client("apigatewaymanagementapi", endpoint_url=stack.connections_url)


def test_a_post_reaches_the_client(stack: WebSocketStack, management: Any) -> None:
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        management.post_to_connection(ConnectionId=connection_id, Data=b'{"status":"PAID"}')
        management.post_to_connection(ConnectionId=connection_id, Data=b"\xff\x00")

        assert json.loads(client.recv(timeout=5)) == {"status": "PAID"}
        assert client.recv(timeout=5) == b"\xff\x00"


def test_get_connection_describes_it(stack: WebSocketStack, management: Any) -> None:
    with connect(f"{stack.url}?token=good", user_agent_header="tests/info"):
        info = management.get_connection(ConnectionId=stack.last_connection_id())

    now = datetime.now(UTC)
    assert now - timedelta(seconds=30) < info["ConnectedAt"] <= now
    assert info["LastActiveAt"] >= info["ConnectedAt"]
    assert info["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "tests/info"}


def test_delete_disconnects_the_client_then_the_connection_is_gone(
    stack: WebSocketStack, management: Any
) -> None:
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        management.delete_connection(ConnectionId=connection_id)

        with pytest.raises(ConnectionClosed):
            client.recv(timeout=5)

    stack.wait_for_event(
        "ws-disconnect", lambda e: e["requestContext"]["connectionId"] == connection_id
    )
    with pytest.raises(management.exceptions.GoneException):
        management.post_to_connection(ConnectionId=connection_id, Data=b"late")
    with pytest.raises(management.exceptions.GoneException):
        management.get_connection(ConnectionId=connection_id)
    with pytest.raises(management.exceptions.GoneException):
        management.delete_connection(ConnectionId=connection_id)


def test_a_closed_or_unknown_connection_is_gone(stack: WebSocketStack, management: Any) -> None:
    with connect(f"{stack.url}?token=good"):
        connection_id = stack.last_connection_id()
    stack.wait_for_event(
        "ws-disconnect", lambda e: e["requestContext"]["connectionId"] == connection_id
    )

    for unknown in (connection_id, "Nope0000000000A="):
        with pytest.raises(management.exceptions.GoneException) as gone:
            management.post_to_connection(ConnectionId=unknown, Data=b"x")
        assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_a_post_over_128_kib_is_refused(stack: WebSocketStack, management: Any) -> None:
    with (
        connect(f"{stack.url}?token=good"),
        pytest.raises(management.exceptions.PayloadTooLargeException),
    ):
        management.post_to_connection(
            ConnectionId=stack.last_connection_id(), Data=b"x" * (128 * 1024 + 1)
        )


def test_function_code_pushes_back_during_a_message(
    stack: WebSocketStack, moto_server: MotoServer
) -> None:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        with connect(f"{stack.url}?token=good") as client:
            client.send(json.dumps({"action": "echoViaApi", "text": "hello"}))

            assert json.loads(client.recv(timeout=5)) == {"echo": "hello"}
