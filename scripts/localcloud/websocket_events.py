"""API Gateway WebSocket events: the REQUEST authorizer event, the proxy events of
``$connect`` / messages / ``$disconnect``, route selection and the authorizer's policy.

Shapes follow what API Gateway sends (checked against Powertools'
``APIGatewayAuthorizerRequestEvent`` and ``APIGatewayWebSocketEvent``): the request
context carries routeKey, eventType (CONNECT, MESSAGE, DISCONNECT), connectionId,
messageId (messages only), connectedAt, requestTimeEpoch, requestTime, domainName,
stage, apiId, identity.sourceIp/userAgent and, once authorized, ``authorizer``
(the authorizer's context plus principalId and integrationLatency).
"""

from __future__ import annotations

import base64
import fnmatch
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Handshake:
    """What the client sent to open the connection, and where it arrived."""

    api_id: str
    stage: str
    connection_id: str
    connected_at_ms: int
    headers: list[tuple[str, str]]
    query: str
    source_ip: str
    server_port: int
    stage_variables: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None

    @property
    def domain_name(self) -> str:
        return self.header("Host") or "localhost"

    def forwarded_headers(self) -> list[tuple[str, str]]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "x-forwarded-for"]
        forwarded = self.header("X-Forwarded-For")
        return [
            *headers,
            ("X-Forwarded-For", f"{forwarded}, {self.source_ip}" if forwarded else self.source_ip),
            ("X-Forwarded-Port", str(self.server_port)),
            ("X-Forwarded-Proto", "http"),
        ]

    def query_pairs(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)


def new_connection_id() -> str:
    """Shaped like API Gateway's (e.g. L0SM9cOFvHcCIhw=), URL-safe by construction."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(15)) + "="


def method_arn(handshake: Handshake, account_id: str, region: str) -> str:
    return (
        f"arn:aws:execute-api:{region}:{account_id}:{handshake.api_id}/{handshake.stage}/$connect"
    )


def authorizer_request_event(
    handshake: Handshake, *, account_id: str, region: str
) -> dict[str, Any]:
    """The event of a REQUEST authorizer on $connect."""
    return {
        "type": "REQUEST",
        "methodArn": method_arn(handshake, account_id, region),
        **_header_and_query_maps(handshake, always=True),
        "stageVariables": dict(handshake.stage_variables),
        "requestContext": _request_context(handshake, "$connect", "CONNECT", None),
    }


def connect_event(handshake: Handshake, authorizer: dict[str, Any] | None) -> dict[str, Any]:
    return {
        **_header_and_query_maps(handshake, always=False),
        "requestContext": _request_context(handshake, "$connect", "CONNECT", authorizer),
        "isBase64Encoded": False,
    }


def message_event(
    handshake: Handshake,
    route_key: str,
    message: str | bytes,
    authorizer: dict[str, Any] | None,
) -> dict[str, Any]:
    context = _request_context(handshake, route_key, "MESSAGE", authorizer)
    context["messageId"] = base64.b64encode(uuid.uuid4().bytes[:12]).decode()
    if isinstance(message, bytes):
        body, binary = base64.b64encode(message).decode(), True
    else:
        body, binary = message, False
    return {"requestContext": context, "body": body, "isBase64Encoded": binary}


def disconnect_event(
    handshake: Handshake,
    authorizer: dict[str, Any] | None,
    status_code: int,
    reason: str,
) -> dict[str, Any]:
    context = _request_context(handshake, "$disconnect", "DISCONNECT", authorizer)
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    headers = {
        "Host": handshake.domain_name,
        "x-api-key": "",
        "X-Forwarded-For": "",
        "x-restapi": "",
    }
    return {
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "requestContext": context,
        "isBase64Encoded": False,
    }


LIFECYCLE_ROUTES = frozenset({"$connect", "$disconnect"})
"""Run only when a connection opens or closes: a message naming one (``{"action":
"$disconnect"}``) matches no route and goes to ``$default`` like any unmatched message
(API Gateway calls these routes on connect and disconnect only; the ``$`` prefix is
reserved for the predefined routes)."""


def select_route(expression: str, message: str | bytes, route_keys: set[str]) -> str | None:
    """The route a message goes to: the selected key if deployed, else $default, else None.

    ``$connect`` and ``$disconnect`` are never selected by a message.
    """
    selected = None
    if isinstance(message, str) and expression.startswith("$request.body."):
        try:
            value: Any = json.loads(message)
        except (ValueError, RecursionError):  # unreadable: API Gateway picks $default
            value = None
        for part in expression.removeprefix("$request.body.").split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            selected = str(value)
    if selected is not None and selected in route_keys - LIFECYCLE_ROUTES:
        return selected
    return "$default" if "$default" in route_keys else None


class AuthorizerResponseError(ValueError):
    """The authorizer's response is not a valid policy (API Gateway answers 500)."""


def evaluate_policy(response: Any, resource_arn: str) -> tuple[bool, dict[str, Any]]:
    """(allowed, requestContext.authorizer) for an authorizer's IAM policy response."""
    if not isinstance(response, dict) or "principalId" not in response:
        raise AuthorizerResponseError("the response has no principalId")
    document = response.get("policyDocument")
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise AuthorizerResponseError("the response has no policyDocument.Statement")
    effects = {
        str(statement.get("Effect", ""))
        for statement in statements
        if isinstance(statement, dict)
        and _action_matches(statement.get("Action"))
        and _resource_matches(statement.get("Resource"), resource_arn)
    }
    authorizer = {
        **_authorizer_context(response.get("context")),
        "principalId": response["principalId"],
    }
    return "Allow" in effects and "Deny" not in effects, authorizer


def _authorizer_context(context: Any) -> dict[str, str]:
    """The authorizer's ``context`` as later events carry it: every value a string.

    API Gateway admits only string, number and boolean values (no objects, arrays or
    null) and fails the connection with 500 otherwise; the values it passes on are
    stringified (``true`` -> "true", ``1`` -> "1").
    """
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise AuthorizerResponseError("context must be an object")
    flat: dict[str, str] = {}
    for key, value in context.items():
        if isinstance(value, bool):
            flat[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            flat[key] = str(value)
        else:
            raise AuthorizerResponseError(
                f"context value {key!r} is a {type(value).__name__}: only strings, numbers"
                " and booleans are allowed"
            )
    return flat


def _action_matches(action: Any) -> bool:
    actions = action if isinstance(action, list) else [action]
    return any(isinstance(a, str) and fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions)


def _resource_matches(resource: Any, arn: str) -> bool:
    resources = resource if isinstance(resource, list) else [resource]
    return any(isinstance(r, str) and fnmatch.fnmatchcase(arn, r) for r in resources)


def _header_and_query_maps(handshake: Handshake, *, always: bool) -> dict[str, Any]:
    multi_headers: dict[str, list[str]] = {}
    for key, value in handshake.forwarded_headers():
        multi_headers.setdefault(key, []).append(value)
    maps: dict[str, Any] = {
        "headers": {key: values[-1] for key, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
    }
    multi_query: dict[str, list[str]] = {}
    for key, value in handshake.query_pairs():
        multi_query.setdefault(key, []).append(value)
    if multi_query or always:
        maps["queryStringParameters"] = {key: values[-1] for key, values in multi_query.items()}
        maps["multiValueQueryStringParameters"] = multi_query
    return maps


def _request_context(
    handshake: Handshake,
    route_key: str,
    event_type: str,
    authorizer: dict[str, Any] | None,
) -> dict[str, Any]:
    now = time.time()
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": base64.b64encode(uuid.uuid4().bytes[:12]).decode()[:16],
        "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": handshake.stage,
        "connectedAt": handshake.connected_at_ms,
        "requestTimeEpoch": int(now * 1000),
        "identity": {
            "sourceIp": handshake.source_ip,
            "userAgent": handshake.header("User-Agent"),
        },
        "requestId": str(uuid.uuid4()),
        "domainName": handshake.domain_name,
        "connectionId": handshake.connection_id,
        "apiId": handshake.api_id,
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return context
