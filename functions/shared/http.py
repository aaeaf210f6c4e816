"""Helpers for services built on Powertools' ``APIGatewayRestResolver``.

- Error handlers turn domain-neutral errors (``shared.errors``) and request validation
  errors into JSON responses: ``{"error": ..., "message": ..., "fields": [...]}``. Only true
  bugs become a 500, and those are logged with their stack trace.
- :func:`authorize` decides who may call a route *before* its request is validated (a
  customer posting a broken body to an admin route gets a 403, not a 400 describing the
  admin payload), then validates the request with the route's generated validator
  (``shared.rest_requests``: JSON Schema derived at build time from the route's
  declaration and its pydantic model, so no function builds pydantic validation at
  start-up).
- :func:`authorize` also declares, for the OpenAPI document, the success status and every
  error the route can answer (``ErrorBody`` of ``shared.rest_models``, named here and
  resolved at build time): 400 and 401 always, 403 when groups are required, plus the
  route's own (404, 409, ...). ``scripts/openapi/export.py`` merges the services'
  documents.
- :func:`rest_resolver` creates a service's resolver; with ``CORS_ALLOWED_ORIGIN`` set (by
  Terraform: the web console's origin) every response to a request from exactly that
  origin carries the CORS headers (Powertools' CORSConfig), and every response says
  ``Vary: Origin``. Without it, no CORS headers at all. API Gateway answers preflights
  itself (the rest_api module's MOCK OPTIONS methods).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypedDict

from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.middlewares import BaseMiddlewareHandler
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.auth import Principal, principal_from_event
from shared.errors import AppError, FieldError
from shared.json_text import TOO_DEEP, parse_json
from shared.observability import (
    CORRELATION_ID_HEADER,
    correlation_id_from_request,
    current_correlation_id,
    logger,
    set_correlation_id,
)
from shared.rest_requests import ValidateRequest, takes_body

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
    from aws_lambda_powertools.utilities.typing import LambdaContext

PRINCIPAL_CONTEXT_KEY = "principal"

CORS_ALLOWED_ORIGIN_ENV = "CORS_ALLOWED_ORIGIN"
CORS_ALLOW_HEADERS = ("Idempotency-Key", "If-Match", CORRELATION_ID_HEADER)
"""Request headers the console sends beyond Powertools' own (Authorization, Content-Type...)."""
CORS_EXPOSE_HEADERS = ("ETag", "Location", "Retry-After", CORRELATION_ID_HEADER)
"""Response headers the console reads."""
CORS_MAX_AGE_SECONDS = 3600


def cors_allowed_origin() -> str | None:
    """The one origin browsers may call from (``CORS_ALLOWED_ORIGIN``), or None."""
    return os.environ.get(CORS_ALLOWED_ORIGIN_ENV, "").strip() or None


def cors_config() -> CORSConfig | None:
    """CORS for the configured origin only (Powertools adds the headers to responses
    whose request ``Origin`` is exactly that origin); None without one."""
    origin = cors_allowed_origin()
    if origin is None:
        return None
    return CORSConfig(
        allow_origin=origin,
        allow_headers=list(CORS_ALLOW_HEADERS),
        expose_headers=list(CORS_EXPOSE_HEADERS),
        max_age=CORS_MAX_AGE_SECONDS,
    )


def rest_resolver() -> APIGatewayRestResolver:
    """A service's resolver (CORS when an origin is configured). Powertools' own request
    validation stays off: :func:`authorize` validates with the generated validators."""
    return APIGatewayRestResolver(cors=cors_config(), json_body_deserializer=parse_json)


NOT_JSON = "the body is not valid JSON"
ERROR_BODY = "shared.rest_models:ErrorBody"
GATEWAY_ERROR_BODY = "shared.rest_models:GatewayErrorBody"
"""The error bodies' pydantic models (``"module:Class"``), for the OpenAPI document only."""


ERROR_DESCRIPTIONS = {
    400: "Invalid request (ValidationError, with the offending fields)",
    401: "No valid Cognito ID token in the Authorization header (answered by API Gateway)",
    403: "The caller is not in a group allowed to call this route",
    404: "Not found (or not visible to the caller)",
    409: "Conflict with the current state",
    415: "The body is not application/json",
    422: "The request cannot be processed as sent",
}


def error_response(
    status: int,
    error: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"error": error, "message": message}
    if fields:
        body["fields"] = [{"field": f.field, "message": f.message} for f in fields]
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(headers) if headers else None,
    )


def field_path(location: Any) -> str:
    """A pydantic error location as a client-facing path: ``body.lines[1].quantity``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path


def validation_fields(errors: Any) -> list[FieldError]:
    """Pydantic/Powertools error entries as client-facing field names (``body.price.amount``);
    for a route that still validates with Powertools (``enable_validation=True``)."""
    fields: list[FieldError] = []
    for entry in errors:
        if entry.get("type") == "json_invalid":
            too_deep = entry.get("ctx", {}).get("error") == TOO_DEEP
            fields.append(FieldError("body", f"the body is {TOO_DEEP}" if too_deep else NOT_JSON))
            continue
        location = field_path(entry.get("loc", ())) or "request"
        fields.append(FieldError(location, str(entry.get("msg", "invalid"))))
    return fields


def app_error(error: AppError) -> Response[dict[str, Any]]:
    if error.status_code >= 500:
        logger.exception("Request failed")
    return error_response(
        error.status_code, error.error, error.message, error.fields, error.headers
    )


def invalid_request(error: RequestValidationError) -> Response[dict[str, Any]]:
    fields = validation_fields(error.errors())
    summary = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return error_response(400, "ValidationError", f"invalid request: {summary}", fields)


def unsupported_media_type(_error: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
    return error_response(415, "UnsupportedMediaType", "send the body as application/json")


def service_error(error: ServiceError) -> Response[dict[str, Any]]:
    """Powertools' own errors, e.g. NotFoundError for a path that no route matches."""
    status = HTTPStatus(error.status_code)
    return error_response(status.value, status.phrase.replace(" ", ""), str(error.msg))


def unhandled_error(_error: Exception) -> Response[dict[str, Any]]:
    logger.exception("Unhandled error")
    return error_response(500, "InternalError", "internal error; quote the correlation id")


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    """JSON error responses for everything a route may raise (most specific class wins)."""
    app.exception_handler(AppError)(app_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(RequestUnsupportedContentType)(unsupported_media_type)
    app.exception_handler(ServiceError)(service_error)
    app.exception_handler(Exception)(unhandled_error)


class Authorize(BaseMiddlewareHandler["APIGatewayRestResolver"]):
    """Route middleware: resolves the caller (401 without claims), checks its groups (403),
    when asked that its e-mail address is verified (403), and leaves the Principal in
    ``app.context`` for :func:`current_principal`."""

    def __init__(self, groups: frozenset[str], *, verified_email: bool = False) -> None:
        super().__init__()
        self.groups = groups
        self.verified_email = verified_email

    def handler(
        self, app: APIGatewayRestResolver, next_middleware: NextMiddleware
    ) -> Response[Any]:
        principal = principal_from_event(app.current_event.raw_event)
        principal.require_any_group(self.groups)
        if self.verified_email:
            principal.require_verified_email()
        app.context[PRINCIPAL_CONTEXT_KEY] = principal
        return next_middleware(app)


class RequireJsonBody(BaseMiddlewareHandler["APIGatewayRestResolver"]):
    """Route middleware: a route that takes a body takes JSON only (415 otherwise). Left to
    itself Powertools would also parse form and multipart bodies, and a multipart one
    without a boundary escapes as a 500."""

    def handler(
        self, app: APIGatewayRestResolver, next_middleware: NextMiddleware
    ) -> Response[Any]:
        route = app.context.get("_route")
        content_type = app.current_event.headers.get("content-type", "").strip().lower()
        with_body = route is not None and takes_body(route.func)
        if with_body and content_type and not content_type.startswith("application/json"):
            raise RequestUnsupportedContentType(f"unsupported content type {content_type}", [])
        return next_middleware(app)


class RouteOptions(TypedDict):
    enable_validation: bool
    middlewares: list[Callable[..., Any]]
    responses: dict[int, OpenAPIResponse]


def documented_responses(
    success: int,
    errors: Iterable[int],
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses: ``success`` with its body's model (``body``, ``"module:Class"``;
    without one, the route's return annotation; none for 204) and ``headers`` (name ->
    description), and each error status with its body's model. Models are named, not
    imported (pydantic is build-time only): ``documenting`` in
    ``shared.rest_documentation`` puts each model in its place."""
    responses: dict[int, OpenAPIResponse] = {success: {"description": HTTPStatus(success).phrase}}
    if body is not None:
        responses[success]["content"] = {content_types.APPLICATION_JSON: {"model": body}}
    elif success == HTTPStatus.NO_CONTENT:
        responses[success]["content"] = {}
    if headers:
        responses[success]["headers"] = {
            name: {"description": description, "schema": {"type": "string"}}
            for name, description in headers.items()
        }
    for status in sorted(set(errors)):
        model = GATEWAY_ERROR_BODY if status == HTTPStatus.UNAUTHORIZED else ERROR_BODY
        responses[status] = {
            "description": ERROR_DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            "content": {content_types.APPLICATION_JSON: {"model": model}},
        }
    return responses


def authorize(
    *groups: str,
    success: int = 200,
    errors: Iterable[int] = (),
    verified_email: bool = False,
    response: str | None = None,
    response_headers: Mapping[str, str] | None = None,
) -> RouteOptions:
    """Route options: authenticated caller (in one of ``groups`` when given; with a
    verified e-mail address when ``verified_email``), then request validation; ``success``
    with its body's model (``response``: ``"module:Class"``, build time only) and
    ``response_headers``, and ``errors`` (beyond 400, 401 and 403) document the route.
    Use as ``@app.post("/things", **authorize("admin", success=201, errors=[409],
    response="things.models:Thing"))``."""
    always = [400, 401, 403] if groups or verified_email else [400, 401]
    return {
        "enable_validation": False,
        "middlewares": [
            Authorize(frozenset(groups), verified_email=verified_email),
            RequireJsonBody(),
            ValidateRequest(),
        ],
        "responses": documented_responses(success, [*always, *errors], response, response_headers),
    }


def current_principal(app: APIGatewayRestResolver) -> Principal:
    principal = app.context.get(PRINCIPAL_CONTEXT_KEY)
    if not isinstance(principal, Principal):
        raise RuntimeError("route is not wrapped by shared.http.authorize()")
    return principal


def resolve(
    app: APIGatewayRestResolver, event: Mapping[str, Any], context: LambdaContext
) -> dict[str, Any]:
    """``app.resolve`` with the request's correlation id in every log line and echoed in
    the ``X-Correlation-Id`` response header; ``Vary: Origin`` when CORS is on (whether the
    CORS headers are there depends on the request's Origin, so caches must key on it)."""
    set_correlation_id(correlation_id_from_request(event))
    response = app.resolve(dict(event), context)
    headers = response.setdefault("multiValueHeaders", {})
    correlation_id = current_correlation_id()
    if correlation_id:
        headers[CORRELATION_ID_HEADER] = [correlation_id]
    if cors_allowed_origin() is not None:
        _add_vary(response, "Origin")
    return response


def _add_vary(response: dict[str, Any], field: str) -> None:
    """Adds ``field`` to the response's Vary header (in multiValueHeaders, the REST
    proxy response's own), keeping whatever else it names."""
    headers: dict[str, list[str]] = response["multiValueHeaders"]
    existing = [
        value for name in [n for n in headers if n.lower() == "vary"] for value in headers.pop(name)
    ]
    single = response.get("headers") or {}
    for name in [n for n in single if n.lower() == "vary"]:
        existing.append(str(single.pop(name)))
    fields = [item.strip() for value in existing for item in value.split(",") if item.strip()]
    if field.lower() not in {item.lower() for item in fields}:
        fields.append(field)
    headers["Vary"] = [", ".join(fields)]
