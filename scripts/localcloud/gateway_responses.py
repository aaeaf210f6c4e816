"""API Gateway's own error answers, customized by the API's gateway responses.

When API Gateway itself refuses or fails a request (no route, no valid token, a failing
or slow integration, a body too large, throttling) it answers with a *gateway response*
of a type (UNAUTHORIZED, MISSING_AUTHENTICATION_TOKEN, ...). An API may customize a type
(PutGatewayResponse: status code, headers, body templates); a type that is not
customized falls back to the customization of DEFAULT_4XX or DEFAULT_5XX, and without
any the body is ``{"message": "<message>"}``. This is how a browser client reads a 401
cross-origin: the API's DEFAULT_4XX carries Access-Control-Allow-Origin.

Header mappings served: ``'literal'``, ``method.request.header.<name>``,
``method.request.querystring.<name>``, ``method.request.path.<name>`` and
``stageVariables.<name>``. Templates: ``$context.error.messageString`` (the message as a
quoted JSON string), ``$context.error.message``, ``$context.error.responseType``,
``$context.requestId``, ``$context.stage``; other VTL is left as is (API Gateway would
evaluate it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from localcloud.api_discovery import GatewayResponse
from localcloud.rest_proxy import HttpResponse

logger = logging.getLogger("localcloud.gateway_responses")

DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'
_INTERNAL_ERROR = "Internal server error"
_INTERNAL_ERROR_TYPE = "InternalServerErrorException"


@dataclass(frozen=True)
class GatewayError:
    """One of API Gateway's own answers, before its API's customization."""

    response_type: str
    status: int
    message: str
    error_type: str | None = None
    """The x-amzn-ErrorType header, e.g. UnauthorizedException."""


@dataclass(frozen=True)
class RequestView:
    """What a gateway response's header mappings may read from the request."""

    headers: list[tuple[str, str]] = field(default_factory=list)
    query: str = ""
    path_parameters: Mapping[str, str] = field(default_factory=dict)
    stage: str = ""
    stage_variables: Mapping[str, str] = field(default_factory=dict)
    request_id: str = ""

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[-1] if values else None

    def query_value(self, name: str) -> str | None:
        values = [value for key, value in parse_qsl(self.query) if key == name]
        return values[-1] if values else None


def forbidden() -> GatewayError:
    """Unknown API or stage."""
    return GatewayError("DEFAULT_4XX", 403, "Forbidden", "ForbiddenException")


def missing_authentication_token() -> GatewayError:
    """No resource or method matches (API Gateway does not say 404 here)."""
    return GatewayError(
        "MISSING_AUTHENTICATION_TOKEN",
        403,
        "Missing Authentication Token",
        "MissingAuthenticationTokenException",
    )


def unauthorized(message: str = "Unauthorized") -> GatewayError:
    """The Cognito authorizer refused the token (also "The incoming token has expired")."""
    return GatewayError("UNAUTHORIZED", 401, message, "UnauthorizedException")


def request_too_large() -> GatewayError:
    return GatewayError("REQUEST_TOO_LARGE", 413, "Request Too Long")


def throttled() -> GatewayError:
    return GatewayError("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException")


def authorizer_configuration_error() -> GatewayError:
    return GatewayError(
        "AUTHORIZER_CONFIGURATION_ERROR", 500, _INTERNAL_ERROR, _INTERNAL_ERROR_TYPE
    )


def api_configuration_error() -> GatewayError:
    return GatewayError("API_CONFIGURATION_ERROR", 500, _INTERNAL_ERROR, _INTERNAL_ERROR_TYPE)


def integration_failure() -> GatewayError:
    """The function failed or returned a malformed proxy result."""
    return GatewayError("DEFAULT_5XX", 502, _INTERNAL_ERROR, _INTERNAL_ERROR_TYPE)


def integration_timeout() -> GatewayError:
    return GatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out")


def render(
    error: GatewayError,
    customized: Mapping[str, GatewayResponse] | None = None,
    request: RequestView | None = None,
) -> HttpResponse:
    """The HTTP answer for ``error`` under the API's customized gateway responses."""
    request = request or RequestView()
    fallback = "DEFAULT_4XX" if error.status < 500 else "DEFAULT_5XX"
    chosen = (customized or {}).get(error.response_type) or (customized or {}).get(fallback)
    headers = [("Content-Type", "application/json")]
    if error.error_type:
        headers.append(("x-amzn-ErrorType", error.error_type))
    if chosen is None:
        return HttpResponse(error.status, headers, json.dumps({"message": error.message}).encode())
    for name, expression in chosen.headers:
        value = _mapped_value(expression, request)
        if value is None:
            continue
        headers = [(key, v) for key, v in headers if key.lower() != name.lower()]
        headers.append((name, value))
    templates = dict(chosen.templates)
    template = templates.get("application/json") or next(iter(templates.values()), DEFAULT_TEMPLATE)
    body = _render_template(template, error, request)
    return HttpResponse(chosen.status_code or error.status, headers, body.encode())


def _mapped_value(expression: str, request: RequestView) -> str | None:
    expression = expression.strip()
    if len(expression) >= 2 and expression[0] == expression[-1] == "'":
        return expression[1:-1]
    source, _, name = expression.partition(".request.")
    if source == "method" and name.startswith("header."):
        return request.header(name.removeprefix("header."))
    if source == "method" and name.startswith("querystring."):
        return request.query_value(name.removeprefix("querystring."))
    if source == "method" and name.startswith("path."):
        return request.path_parameters.get(name.removeprefix("path."))
    if expression.startswith("stageVariables."):
        return request.stage_variables.get(expression.removeprefix("stageVariables."))
    logger.debug("gateway response mapping %r is not served locally", expression)
    return None


def _render_template(template: str, error: GatewayError, request: RequestView) -> str:
    values = {
        "$context.error.messageString": json.dumps(error.message),
        "$context.error.message": error.message,
        "$context.error.responseType": error.response_type,
        "$context.requestId": request.request_id,
        "$context.stage": request.stage,
    }
    # Longest names first: messageString before message.
    for name in sorted(values, key=len, reverse=True):
        template = template.replace(name, values[name])
    return template
