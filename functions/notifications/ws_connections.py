"""The WebSocket API's routes (``notifications.ws_connections.handler``).

| route | does | replies |
|---|---|---|
| ``$connect`` | records the connection (the authorizer's ``userId``, ``email``, ``groups``) | - |
| ``$disconnect`` | forgets it | - |
| ``subscribe`` | renews the connection's two-hour lease | ``subscribed`` |
| ``ping`` | - | ``pong`` |
| ``getImportUrl`` | admins: opens an invoice import, presigns a POST (1 B-1 MB) | ``import.url`` |
| ``cancelImport`` | admins: cancel their ``PENDING`` import | ``import.status`` |
| ``$default`` | - | ``error`` ("unknown action ...") |

Sessions end with their token: ``$connect`` stores the token's expiry (the authorizer's
``tokenExpiresAt``) on the connection item; a message arriving after it gets an ``error``
frame "session expired" and the connection is closed (``@connections`` DELETE); idle
connections are closed by the minute sweep (``ws_import_sweeper``). Admin actions
(``getImportUrl``, ``cancelImport``) re-check that the user is still in ``admin``
(Cognito ``AdminListGroupsForUser``, cached per container for ``GROUPS_CACHE_SECONDS``).

Replies are the route's response body (the routes are two-way). Errors a client can fix
(not an admin, bad JSON, unknown transaction) are ``{"type": "error", "message": ...}``.

Environment: ``CONNECTIONS_TABLE_NAME``, ``IMPORTS_BUCKET_NAME``, ``USER_POOL_ID``,
``IMPORT_TIMEOUT_SECONDS`` (default 300: how long an upload may take to arrive).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from notifications import invoice_import, ws_messages
from notifications.connections import Connection, ConnectionStore
from notifications.imports import ImportStatus, ImportStore
from notifications.pusher import management_client
from shared import aws
from shared.auth import parse_groups
from shared.json_text import parse_json
from shared.observability import lambda_handler, logger, metrics, set_correlation_id

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"
BUCKET_ENV = "IMPORTS_BUCKET_NAME"
UPLOAD_CONTENT_TYPE = "application/json"
TIMEOUT_ENV = "IMPORT_TIMEOUT_SECONDS"
DEFAULT_IMPORT_TIMEOUT_S = 300
USER_POOL_ENV = "USER_POOL_ID"
GROUPS_CACHE_S = 30
SESSION_EXPIRED = "session expired"
ADMIN_GROUP = "admin"
_groups_cache: dict[str, tuple[float, frozenset[str]]] = {}

Reply = dict[str, Any] | None


class ClientError(Exception):
    """Something the client asked wrongly; answered with an ``error`` message."""


@cache
def connections() -> ConnectionStore:
    return ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def imports() -> ImportStore:
    return ImportStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def presigner() -> Any:
    """An S3 client signing with SigV4 (required for SSE-KMS objects)."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", config=Config(signature_version="s3v4"))


def presigned_upload(key: str, expires_in: int) -> dict[str, Any]:
    """A presigned POST (form upload) whose policy S3 enforces before storing anything:
    this exact key, ``application/json``, and 1 byte to ``MAX_FILE_BYTES``."""
    return dict(
        presigner().generate_presigned_post(
            Bucket=os.environ[BUCKET_ENV],
            Key=key,
            Fields={"Content-Type": UPLOAD_CONTENT_TYPE},
            Conditions=[
                {"key": key},
                {"Content-Type": UPLOAD_CONTENT_TYPE},
                ["content-length-range", 1, invoice_import.MAX_FILE_BYTES],
            ],
            ExpiresIn=expires_in,
        )
    )


def import_timeout_s() -> int:
    return int(os.environ.get(TIMEOUT_ENV) or DEFAULT_IMPORT_TIMEOUT_S)


def caller(event: dict[str, Any]) -> Connection:
    context = event["requestContext"]
    authorizer = context.get("authorizer") or {}
    user_id = authorizer.get("userId") or authorizer.get("principalId")
    if not user_id:
        raise ClientError("unauthenticated connection")
    connected_ms = int(context.get("connectedAt") or time.time() * 1000)
    token_expiry = authorizer.get("tokenExpiresAt")
    return Connection(
        connection_id=context["connectionId"],
        user_id=str(user_id),
        email=str(authorizer.get("email") or ""),
        groups=parse_groups(authorizer.get("groups")),
        connected_at=datetime.fromtimestamp(connected_ms / 1000, UTC).isoformat(),
        token_expires_at=int(token_expiry) if token_expiry not in (None, "") else None,
        username=str(authorizer.get("username") or user_id),
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
    frame = json.dumps(ws_messages.error(SESSION_EXPIRED), separators=(",", ":")).encode()
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


def body_of(event: dict[str, Any]) -> dict[str, Any]:
    try:
        body = parse_json(event.get("body") or "{}")
    except ValueError as error:
        raise ClientError("the message is not JSON") from error
    if not isinstance(body, dict):
        raise ClientError("the message is not a JSON object")
    return body


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


@cache
def cognito() -> Any:
    return aws.client("cognito-idp")


def current_groups(username: str) -> frozenset[str]:
    """The user's Cognito groups now (cached per container for ``GROUPS_CACHE_S``)."""
    now = time.monotonic()
    cached = _groups_cache.get(username)
    if cached is not None and now - cached[0] < GROUPS_CACHE_S:
        return cached[1]
    paginator = cognito().get_paginator("admin_list_groups_for_user")
    pages = paginator.paginate(UserPoolId=os.environ[USER_POOL_ENV], Username=username)
    groups = frozenset(group["GroupName"] for page in pages for group in page.get("Groups", []))
    _groups_cache[username] = (now, groups)
    return groups


def _require_admin(connection: Connection) -> None:
    if not connection.is_admin or ADMIN_GROUP not in current_groups(connection.username):
        raise ClientError("forbidden: invoice import is for admins")


def on_get_import_url(event: dict[str, Any]) -> Reply:
    connection = caller(event)
    _require_admin(connection)
    timeout = import_timeout_s()
    transaction = imports().open(connection.connection_id, connection.user_id, timeout)
    post = presigned_upload(transaction.object_key, max(1, timeout))
    logger.info("Import opened", transaction_id=transaction.transaction_id)
    metrics.add_metric(name="InvoiceImportsOpened", unit="Count", value=1)
    return ws_messages.import_url(
        transaction.transaction_id,
        post["url"],
        post["fields"],
        transaction.object_key,
        transaction.deadline,
    )


def on_cancel_import(event: dict[str, Any]) -> Reply:
    connection = caller(event)
    _require_admin(connection)
    transaction_id = body_of(event).get("transactionId")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise ClientError("cancelImport needs a transactionId")
    current = imports().get(transaction_id)
    if current is None or current.admin_id != connection.user_id:
        raise ClientError(f"no import {transaction_id}")
    cancelled = imports().move(transaction_id, ImportStatus.CANCELLED)
    if cancelled is None:
        latest = imports().get(transaction_id)
        status = latest.status.value if latest else "unknown"
        raise ClientError(f"import {transaction_id} is {status}: it cannot be cancelled")
    logger.info("Import cancelled", transaction_id=transaction_id)
    return ws_messages.import_status(transaction_id, ImportStatus.CANCELLED.value)


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
    "getImportUrl": on_get_import_url,
    "cancelImport": on_cancel_import,
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
        reply = ws_messages.error(str(refused))
    response: dict[str, Any] = {"statusCode": 200}
    if reply is not None:
        response["body"] = json.dumps(reply, separators=(",", ":"))
    return response


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    set_correlation_id(event.get("requestContext", {}).get("requestId"))
    return route(event)
