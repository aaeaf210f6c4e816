"""The REST API Lambda proxy integration (payload format 1.0): events in, responses out.

- ``build_proxy_event`` makes the exact event API Gateway hands a function: resource,
  path, httpMethod, headers/multiValueHeaders (single-value maps keep the last value),
  queryStringParameters/multiValueQueryStringParameters (decoded), pathParameters
  (still percent-encoded), stageVariables (null when empty), requestContext and body
  (base64 when the Content-Type is one of the API's binary media types).
- ``authorizer_claims`` renders verified Cognito claims as the Cognito authorizer does:
  every value a string, lists comma-joined, ``exp``/``iat`` as ``Tue Apr 04 18:39:39 UTC
  2023``.
- ``proxy_response`` turns the function's result into the HTTP response, or raises
  MalformedProxyResponse (API Gateway answers 502 Internal server error; its own
  answers are in gateway_responses.py).
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from localcloud.api_discovery import RestApi
from localcloud.rest_routes import RouteMatch

LOCAL_ACCOUNT_ID = "123456789012"
"""moto's default account."""

_PROXY_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}
_DATE_CLAIMS = {"exp", "iat"}


@dataclass(frozen=True)
class HttpRequest:
    """An incoming request, addressed to one stage of one API."""

    method: str
    path: str
    """The path after the stage, percent-encoded as received, e.g. /products/a%20b."""
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    stage: str
    source_ip: str
    server_port: int = 0
    protocol: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        """The last value of a header (case-insensitive), like API Gateway's single map."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


class MalformedProxyResponseError(ValueError):
    """The function's result is not a valid Lambda proxy response."""


def build_proxy_event(
    api: RestApi,
    request: HttpRequest,
    match: RouteMatch,
    *,
    claims: dict[str, str] | None = None,
    request_id: str | None = None,
    account_id: str = LOCAL_ACCOUNT_ID,
    now: float | None = None,
) -> dict[str, Any]:
    now = time.time() if now is None else now
    request_id = request_id or str(uuid.uuid4())
    headers = _forwarded_headers(request)
    multi_headers: dict[str, list[str]] = {}
    for key, value in headers:
        multi_headers.setdefault(key, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for key, value in parse_qsl(request.query, keep_blank_values=True):
        multi_query.setdefault(key, []).append(value)
    domain_name = request.header("Host") or "localhost"
    request_context: dict[str, Any] = {
        "resourceId": match.resource.resource_id,
        "resourcePath": match.resource.path,
        "httpMethod": request.method,
        "extendedRequestId": _extended_request_id(),
        "requestTime": _clf_time(now),
        "path": f"/{request.stage}{request.path}",
        "accountId": account_id,
        "protocol": request.protocol,
        "stage": request.stage,
        "domainPrefix": domain_name.split(".", 1)[0],
        "requestTimeEpoch": int(now * 1000),
        "requestId": request_id,
        "identity": _identity(request),
        "domainName": domain_name,
        "deploymentId": "local",
        "apiId": api.api_id,
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    body, is_base64 = _event_body(api, request)
    stage_variables = api.stages.get(request.stage) or None
    return {
        "resource": match.resource.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": {key: values[-1] for key, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.path_parameters or None,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    return {name: _claim_text(name, value) for name, value in claims.items()}


def proxy_response(payload: Any) -> HttpResponse:
    """The HTTP response for a function's proxy result; MalformedProxyResponseError if invalid."""
    if not isinstance(payload, dict):
        raise MalformedProxyResponseError(f"result is a {type(payload).__name__}, not an object")
    unknown = set(payload) - _PROXY_RESPONSE_KEYS
    if unknown:
        raise MalformedProxyResponseError(f"unexpected fields {sorted(unknown)}")
    status = _status_code(payload.get("statusCode"))
    headers = _response_headers(payload.get("headers"), payload.get("multiValueHeaders"))
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedProxyResponseError("body must be a string")
    raw = (body or "").encode()
    if payload.get("isBase64Encoded") and body:
        try:
            raw = base64.b64decode(body, validate=True)
        except binascii.Error as exc:
            raise MalformedProxyResponseError("body is not valid base64") from exc
    if not any(key.lower() == "content-type" for key, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return HttpResponse(status, headers, raw)


def _forwarded_headers(request: HttpRequest) -> list[tuple[str, str]]:
    """The request headers plus those API Gateway adds (X-Forwarded-*, X-Amzn-Trace-Id)."""
    headers = [(k, v) for k, v in request.headers if k.lower() != "x-forwarded-for"]
    forwarded = request.header("X-Forwarded-For")
    headers.append(
        ("X-Forwarded-For", f"{forwarded}, {request.source_ip}" if forwarded else request.source_ip)
    )
    present = {key.lower() for key, _ in headers}
    if "x-amzn-trace-id" not in present:
        headers.append(("X-Amzn-Trace-Id", _trace_id()))
    if "x-forwarded-port" not in present:
        headers.append(("X-Forwarded-Port", str(request.server_port or 80)))
    if "x-forwarded-proto" not in present:
        headers.append(("X-Forwarded-Proto", "http"))
    return headers


def _identity(request: HttpRequest) -> dict[str, Any]:
    return {
        "cognitoIdentityPoolId": None,
        "accountId": None,
        "cognitoIdentityId": None,
        "caller": None,
        "sourceIp": request.source_ip,
        "principalOrgId": None,
        "accessKey": None,
        "cognitoAuthenticationType": None,
        "cognitoAuthenticationProvider": None,
        "userArn": None,
        "userAgent": request.header("User-Agent"),
        "user": None,
    }


def _event_body(api: RestApi, request: HttpRequest) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    content_type = (request.header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if any(fnmatch.fnmatch(content_type, pattern.lower()) for pattern in api.binary_media_types):
        return base64.b64encode(request.body).decode(), True
    return request.body.decode("utf-8", errors="replace"), False


def _status_code(value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 599:
        raise MalformedProxyResponseError(f"statusCode {value!r} is not an HTTP status")
    return value


def _response_headers(single: Any, multi: Any) -> list[tuple[str, str]]:
    if single is not None and not isinstance(single, dict):
        raise MalformedProxyResponseError("headers must be an object")
    if multi is not None and not isinstance(multi, dict):
        raise MalformedProxyResponseError("multiValueHeaders must be an object")
    headers: list[tuple[str, str]] = []
    for key, values in (multi or {}).items():
        if not isinstance(values, list):
            raise MalformedProxyResponseError(f"multiValueHeaders[{key!r}] must be a list")
        headers += [(key, _header_text(key, value)) for value in values]
    for key, value in (single or {}).items():
        if key not in (multi or {}):
            headers.append((key, _header_text(key, value)))
    return headers


def _header_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedProxyResponseError(f"header {key!r} must be a string")


def _claim_text(name: str, value: Any) -> str:
    if name in _DATE_CLAIMS and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _clf_time(epoch: float) -> str:
    """09/Apr/2015:12:34:56 +0000, API Gateway's requestTime format."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _extended_request_id() -> str:
    return base64.b64encode(uuid.uuid4().bytes[:12]).decode()[:16]


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
