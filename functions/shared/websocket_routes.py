"""What every WebSocket route function reads and answers, whichever service owns the route.

API Gateway's WebSocket API gives each route's function the connection and what the
authorizer said (``requestContext.authorizer``: ``userId``/``principalId``, ``username``,
``email``, ``groups``, ``tokenExpiresAt``, stringified as API Gateway passes them on); the
function answers the asking client through the route response (``{"statusCode": 200,
"body": <frame>}``), an ``error`` frame for what the client asked wrongly.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from shared.auth import parse_groups
from shared.json_text import parse_json

Reply = dict[str, Any] | None


class ClientError(Exception):
    """Something the client asked wrongly; answered with an ``error`` frame."""


@dataclass(frozen=True)
class Caller:
    """Who sent the message: the connection and what its authorizer said."""

    connection_id: str
    user_id: str
    username: str
    email: str
    groups: frozenset[str]
    token_expires_at: int | None
    connected_at_ms: int


def caller(event: dict[str, Any]) -> Caller:
    context = event["requestContext"]
    authorizer = context.get("authorizer") or {}
    user_id = authorizer.get("userId") or authorizer.get("principalId")
    if not user_id:
        raise ClientError("unauthenticated connection")
    token_expiry = authorizer.get("tokenExpiresAt")
    return Caller(
        connection_id=context["connectionId"],
        user_id=str(user_id),
        username=str(authorizer.get("username") or user_id),
        email=str(authorizer.get("email") or ""),
        groups=parse_groups(authorizer.get("groups")),
        token_expires_at=int(token_expiry) if token_expiry not in (None, "") else None,
        connected_at_ms=int(context.get("connectedAt") or time.time() * 1000),
    )


def body_of(event: dict[str, Any]) -> dict[str, Any]:
    """The message as a JSON object (depth-limited parser), or a ClientError saying why not."""
    try:
        body = parse_json(event.get("body") or "{}")
    except ValueError as error:
        raise ClientError("the message is not JSON") from error
    if not isinstance(body, dict):
        raise ClientError("the message is not a JSON object")
    return body


def error_frame(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def answer(reply: Reply) -> dict[str, Any]:
    """The route response: the reply frame as the message's body, nothing when None."""
    response: dict[str, Any] = {"statusCode": 200}
    if reply is not None:
        response["body"] = json.dumps(reply, separators=(",", ":"))
    return response
