"""The invoice import's WebSocket actions (``invoices.import_requests.handler``).

The WebSocket API is shared infrastructure (like the REST API, whose routes go to each
service's function): its ``getImportUrl`` and ``cancelImport`` routes are integrated with
this invoices function; realtime's function keeps the connection routes.

| route | does | answer |
|---|---|---|
| ``getImportUrl`` | admins: opens an import, presigns a POST (1 B-1 MB) | ``import.url`` (reply) |
| ``cancelImport`` | admins: cancels their ``PENDING`` import | ``import.status`` (a push) |

Every status change of an import, the cancel included, is a write of the transaction in
the invoices table, announced by the table's stream (``InvoiceImportStatusChanged``) and
pushed by realtime to the connection that opened the import: the same ``import.status``
frame a reply would be (a WebSocket client cannot tell a reply from a push). Errors a
client can fix (not an admin, bad JSON, unknown transaction, an import that is no longer
pending) are answered at once: ``{"type": "error", "message": ...}``.

Admin actions re-check that the user is still in ``admin`` (Cognito
``AdminListGroupsForUser`` on ``USER_POOL_ID``, cached per container for
``GROUPS_CACHE_S``): a demoted admin gets ``forbidden`` on a connection opened before.
A message after the connection's token expired (the authorizer's ``tokenExpiresAt``) is
answered ``session expired``; realtime's minute sweep closes the connection.

Environment: ``INVOICES_TABLE_NAME``, ``IMPORTS_BUCKET_NAME``, ``USER_POOL_ID``,
``IMPORT_TIMEOUT_SECONDS`` (default 300: how long an upload may take to arrive).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from invoices import import_files
from invoices.import_transactions import ImportStatus, ImportStore
from shared import aws
from shared.observability import lambda_handler, logger, metrics, set_correlation_id
from shared.websocket_routes import (
    Caller,
    ClientError,
    Reply,
    answer,
    body_of,
    caller,
    error_frame,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "INVOICES_TABLE_NAME"
BUCKET_ENV = "IMPORTS_BUCKET_NAME"
UPLOAD_CONTENT_TYPE = "application/json"
TIMEOUT_ENV = "IMPORT_TIMEOUT_SECONDS"
DEFAULT_IMPORT_TIMEOUT_S = 300
USER_POOL_ENV = "USER_POOL_ID"
GROUPS_CACHE_S = 30
SESSION_EXPIRED = "session expired"
ADMIN_GROUP = "admin"
_groups_cache: dict[str, tuple[float, frozenset[str]]] = {}


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
                ["content-length-range", 1, import_files.MAX_FILE_BYTES],
            ],
            ExpiresIn=expires_in,
        )
    )


def import_timeout_s() -> int:
    return int(os.environ.get(TIMEOUT_ENV) or DEFAULT_IMPORT_TIMEOUT_S)


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


def _require_admin(who: Caller) -> None:
    if ADMIN_GROUP not in who.groups or ADMIN_GROUP not in current_groups(who.username):
        raise ClientError("forbidden: invoice import is for admins")


def import_url_frame(
    transaction_id: str, url: str, fields: dict[str, str], key: str, expires_at: int
) -> dict[str, Any]:
    """A presigned POST: send ``fields`` then the file as multipart/form-data to ``uploadUrl``
    (``schemas/websocket/import.url.json``)."""
    return {
        "type": "import.url",
        "transactionId": transaction_id,
        "uploadUrl": url,
        "method": "POST",
        "fields": fields,
        "key": key,
        "expiresAt": expires_at,
    }


def on_get_import_url(event: dict[str, Any]) -> Reply:
    who = caller(event)
    _require_admin(who)
    timeout = import_timeout_s()
    request_id = event["requestContext"].get("requestId")
    transaction = imports().open(who.connection_id, who.user_id, timeout, request_id)
    post = presigned_upload(transaction.object_key, max(1, timeout))
    logger.info("Import opened", transaction_id=transaction.transaction_id)
    metrics.add_metric(name="InvoiceImportsOpened", unit="Count", value=1)
    return import_url_frame(
        transaction.transaction_id,
        post["url"],
        post["fields"],
        transaction.object_key,
        transaction.deadline,
    )


def on_cancel_import(event: dict[str, Any]) -> Reply:
    who = caller(event)
    _require_admin(who)
    transaction_id = body_of(event).get("transactionId")
    if not isinstance(transaction_id, str) or not transaction_id:
        raise ClientError("cancelImport needs a transactionId")
    current = imports().get(transaction_id)
    if current is None or current.admin_id != who.user_id:
        raise ClientError(f"no import {transaction_id}")
    cancelled = imports().move(transaction_id, ImportStatus.CANCELLED)
    if cancelled is None:
        latest = imports().get(transaction_id)
        status = latest.status.value if latest else "unknown"
        raise ClientError(f"import {transaction_id} is {status}: it cannot be cancelled")
    logger.info("Import cancelled", transaction_id=transaction_id)
    return None  # the cancel is announced and pushed like every status change


def on_unknown(event: dict[str, Any]) -> Reply:
    route_key = event["requestContext"].get("routeKey")
    raise ClientError(f"unknown action {route_key!r}")


ROUTES: dict[str, Callable[[dict[str, Any]], Reply]] = {
    "getImportUrl": on_get_import_url,
    "cancelImport": on_cancel_import,
}


def session_expired(event: dict[str, Any]) -> bool:
    expiry = caller(event).token_expires_at
    return expiry is not None and expiry <= time.time()


def route(event: dict[str, Any]) -> dict[str, Any]:
    handle = ROUTES.get(event["requestContext"].get("routeKey", ""), on_unknown)
    try:
        reply = error_frame(SESSION_EXPIRED) if session_expired(event) else handle(event)
    except ClientError as refused:
        reply = error_frame(str(refused))
    return answer(reply)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    set_correlation_id(event.get("requestContext", {}).get("requestId"))
    return route(event)
