"""The WebSocket API's connection routes (``realtime.routes.handler``).

| route | does | replies |
|---|---|---|
| ``$connect`` | records the connection (the authorizer's ``userId``, ``email``, ``groups``) | - |
| ``$disconnect`` | forgets it | - |
| ``subscribe`` | renews the connection's two-hour lease | ``subscribed`` |
| ``ping`` | - | ``pong`` |
| ``$default`` | - | ``error`` ("unknown action ...") |

Sessions end with their token: ``$connect`` stores the token's expiry (the authorizer's
``tokenExpiresAt``) on the connection item; a message arriving after it gets an ``error``
frame "session expired" and the connection is closed (``@connections`` DELETE); idle
connections are closed by the minute sweep (``realtime.session_sweeper``). The invoice
import actions (``getImportUrl``, ``cancelImport``) are routes of the same API integrated
with the invoices service's function (``invoices.import_requests``).

Replies are the route's response body (the routes are two-way). Errors a client can fix
(bad JSON, unknown action) are ``{"type": "error", "message": ...}``.

Environment: ``CONNECTIONS_TABLE_NAME``, ``CONNECTIONS_ENDPOINT_URL`` (see
``realtime.pusher``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from realtime import frames
from realtime.connections import Connection, ConnectionStore
from realtime.pusher import management_client
from shared import aws, websocket_routes
from shared.observability import lambda_handler, logger, metrics, set_correlation_id
from shared.websocket_routes import ClientError, Reply, answer, body_of

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"
SESSION_EXPIRED = "session expired"


@cache
def connections() -> ConnectionStore:
    return ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())


def caller(event: dict[str, Any]) -> Connection:
    who = websocket_routes.caller(event)
    return Connection(
        connection_id=who.connection_id,
        user_id=who.user_id,
        email=who.email,
        groups=who.groups,
        connected_at=datetime.fromtimestamp(who.connected_at_ms / 1000, UTC).isoformat(),
        token_expires_at=who.token_expires_at,
        username=who.username,
    )


def session_expired(event: dict[str, Any]) -> bool:
    """Whether the connection's token has expired (the stored expiry wins: the sweep and
    operators can shorten it; else the authorizer's)."""
    connection = caller(event)
    expiry = connections().token_expiry(connection.connection_id)
    if expiry is None:
        expiry = connection.token_expires_at
    return expiry is not None and expiry <= time.time()


def end_session(connection_id: str) -> None:
    """Tells the client its session expired, then closes the connection."""
    client = management_client()
    frame = json.dumps(frames.error(SESSION_EXPIRED), separators=(",", ":")).encode()
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=frame)
    except Exception as error:
        logger.info("Could not send session expired", error=str(error))
    try:
        client.delete_connection(ConnectionId=connection_id)
    except Exception as error:
        logger.info("Could not close an expired connection", error=str(error))
    connections().remove(connection_id)
    logger.info("Session expired: connection closed", connection_id=connection_id)
    metrics.add_metric(name="WebSocketSessionsExpired", unit="Count", value=1)


def on_connect(event: dict[str, Any]) -> Reply:
    connection = caller(event)
    connections().add(connection)
    logger.info("Connected", connection_id=connection.connection_id, user_id=connection.user_id)
    metrics.add_metric(name="WebSocketConnects", unit="Count", value=1)
    return None


def on_disconnect(event: dict[str, Any]) -> Reply:
    connections().remove(event["requestContext"]["connectionId"])
    return None


def on_subscribe(event: dict[str, Any]) -> Reply:
    connection = caller(event)
    connections().refresh(connection)
    return {
        "type": "subscribed",
        "connectionId": connection.connection_id,
        "userId": connection.user_id,
    }


def on_ping(event: dict[str, Any]) -> Reply:
    reply: dict[str, Any] = {"type": "pong", "time": datetime.now(UTC).isoformat()}
    request_id = body_of(event).get("id")
    if isinstance(request_id, str | int):
        reply["id"] = request_id
    return reply


def on_unknown(event: dict[str, Any]) -> Reply:
    try:
        action = body_of(event).get("action")
    except ClientError:
        action = None
    raise ClientError(f"unknown action {action!r}" if action else "unknown action (none given)")


ROUTES: dict[str, Callable[[dict[str, Any]], Reply]] = {
    "$connect": on_connect,
    "$disconnect": on_disconnect,
    "subscribe": on_subscribe,
    "ping": on_ping,
    "$default": on_unknown,
}


def route(event: dict[str, Any]) -> dict[str, Any]:
    route_key = event["requestContext"].get("routeKey", "$default")
    handle = ROUTES.get(route_key, on_unknown)
    try:
        if route_key not in ("$connect", "$disconnect") and session_expired(event):
            end_session(event["requestContext"]["connectionId"])
            return {"statusCode": 200}
        reply = handle(event)
    except ClientError as refused:
        if route_key == "$connect":
            return {"statusCode": 401, "body": str(refused)}
        reply = frames.error(str(refused))
    return answer(reply)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    set_correlation_id(event.get("requestContext", {}).get("requestId"))
    return route(event)
