"""Shared pieces of the WebSocket tests: the connections table, a fake @connections API,
WebSocket proxy events as API Gateway sends them, and real moto Cognito tokens."""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.cognitoidp
import pytest

from realtime import authorizer, push_consumer, pusher, routes, session_sweeper
from tests.unit.conftest import create_service_table
from tests.unit.helpers import dead_letter_queues

CONNECTIONS_TABLE = "ecommerce-test-connections"
JWKS_FILE = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-public.json.gz"


def moto_jwks(_url: str) -> dict[str, Any]:
    """The JWKS moto's Cognito signs with (what its jwks.json endpoint serves)."""
    return dict(json.loads(gzip.decompress(JWKS_FILE.read_bytes())))


class GoneError(Exception):
    """Stands for botocore's GoneException (410)."""


class FakeManagementApi:
    """Records posts; connections in `gone` answer 410, in `broken` fail otherwise."""

    class exceptions:
        GoneException = GoneError

    def __init__(self) -> None:
        self.posted: dict[str, list[dict[str, Any]]] = {}
        self.gone: set[str] = set()
        self.broken: set[str] = set()
        self.deleted: list[str] = []
        self.pool_id = ""
        self._lock = threading.Lock()

    def delete_connection(self, ConnectionId: str) -> None:
        if ConnectionId in self.gone:
            raise GoneError(ConnectionId)
        with self._lock:
            self.deleted.append(ConnectionId)

    def add_user(self, username: str, *groups: str) -> None:
        """A Cognito user (in moto) in ``groups``: what admin actions re-check."""
        cognito = boto3.client("cognito-idp")
        cognito.admin_create_user(UserPoolId=self.pool_id, Username=username)
        for group in groups:
            with contextlib.suppress(cognito.exceptions.GroupExistsException):
                cognito.create_group(UserPoolId=self.pool_id, GroupName=group)
            cognito.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=username, GroupName=group
            )

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        if ConnectionId in self.gone:
            raise GoneError(ConnectionId)
        if ConnectionId in self.broken:
            raise RuntimeError("connection reset")
        with self._lock:
            self.posted.setdefault(ConnectionId, []).append(json.loads(Data))


def reset_caches() -> None:
    for module in (authorizer, routes, session_sweeper, push_consumer):
        for name in ("verifier", "connections", "pusher", "consumer"):
            cached = getattr(module, name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


@pytest.fixture
def realtime(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[FakeManagementApi]:
    create_service_table(CONNECTIONS_TABLE)
    dlq = boto3.client("sqs").create_queue(QueueName="ecommerce-test-push-dlq")["QueueUrl"]
    for name, value in {
        "CONNECTIONS_TABLE_NAME": CONNECTIONS_TABLE,
        "CONNECTIONS_ENDPOINT_URL": "https://example.execute-api.us-east-1.amazonaws.com/prod",
        "DEAD_LETTER_QUEUES": dead_letter_queues(dlq),
    }.items():
        monkeypatch.setenv(name, value)
    api = FakeManagementApi()
    api.pool_id = boto3.client("cognito-idp").create_user_pool(PoolName="shop")["UserPool"]["Id"]
    monkeypatch.setenv("USER_POOL_ID", api.pool_id)
    monkeypatch.setattr(pusher, "management_client", lambda: api)
    for module in (routes, session_sweeper, push_consumer):
        monkeypatch.setattr(module, "management_client", lambda: api)
    reset_caches()
    yield api
    reset_caches()


def ws_event(
    route_key: str,
    connection_id: str,
    *,
    user_id: str | None = None,
    groups: str = "customer",
    body: dict[str, Any] | str | None = None,
    token_expires_at: int | None = None,
) -> dict[str, Any]:
    """A WebSocket proxy event (CONNECT, MESSAGE or DISCONNECT) after the authorizer."""
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "connectionId": connection_id,
        "connectedAt": 1_760_000_000_000,
        "requestId": str(uuid.uuid4()),
        "stage": "prod",
        "apiId": "abc123",
        "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
    }
    if user_id:
        context["authorizer"] = {
            "principalId": user_id,
            "userId": user_id,
            "email": f"{user_id[:8]}@example.com",
            "groups": groups,
            "integrationLatency": 12,
        }
        if token_expires_at is not None:
            context["authorizer"]["tokenExpiresAt"] = str(token_expires_at)
    event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event
