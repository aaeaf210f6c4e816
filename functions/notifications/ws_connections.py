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

Replies are the route's response body (the routes are two-way). Errors a client can fix
(not an admin, bad JSON, unknown transaction) are ``{"type": "error", "message": ...}``.

Environment: ``CONNECTIONS_TABLE_NAME``, ``IMPORTS_BUCKET_NAME``,
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
from shared import aws
from shared.auth import parse_groups
from shared.observability import lambda_handler, logger, metrics, set_correlation_id

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"
BUCKET_ENV = "IMPORTS_BUCKET_NAME"
UPLOAD_CONTENT_TYPE = "application/json"
TIMEOUT_ENV = "IMPORT_TIMEOUT_SECONDS"
DEFAULT_IMPORT_TIMEOUT_S = 300

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
    return Connection(
        connection_id=context["connectionId"],
        user_id=str(user_id),
        email=str(authorizer.get("email") or ""),
        groups=parse_groups(authorizer.get("groups")),
        connected_at=datetime.fromtimestamp(connected_ms / 1000, UTC).isoformat(),
    )


def body_of(event: dict[str, Any]) -> dict[str, Any]:
    try:
        body = json.loads(event.get("body") or "{}")
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


def _require_admin(connection: Connection) -> None:
    if not connection.is_admin:
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
