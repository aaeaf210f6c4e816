"""CORS on the services' responses: the console's origin only (CORS_ALLOWED_ORIGIN)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from openapi.services import REST_SERVICES
from shared.http import authorize, register_error_handlers, resolve, rest_resolver
from shared.rest_requests import Query
from tests.unit.documented_responses import document
from tests.unit.helpers import (
    HttpResponse,
    cognito_claims,
    generate_request_validator,
    http_response,
    lambda_context,
    rest_event,
)

CONSOLE = "https://console.example.com"


def throwaway_app() -> APIGatewayRestResolver:
    app = rest_resolver()
    register_error_handlers(app)

    @app.get("/things", **authorize())
    def list_things() -> dict[str, Any]:
        return {"items": []}

    @app.get("/busy", **authorize())
    def busy() -> Response[Any]:
        return Response(
            status_code=409,
            content_type="application/json",
            body={"error": "ProductNotYetAvailable", "message": "try again"},
            headers={"Retry-After": "1"},
        )

    return app


def call(
    app: APIGatewayRestResolver,
    path: str,
    origin: str | None,
    *,
    signed_in: bool = True,
    **request: Any,
) -> HttpResponse:
    headers = {"Origin": origin} if origin else {}
    claims = cognito_claims(("customer",), user_id="u-1") if signed_in else None
    event = rest_event("GET", path, claims=claims, headers=headers, **request)
    return http_response(resolve(app, event, lambda_context()))


def header_set(response: HttpResponse, name: str) -> set[str]:
    return {item.strip() for item in (response.header(name) or "").split(",") if item.strip()}


@pytest.fixture
def console_origin(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CORS_ALLOWED_ORIGIN", CONSOLE)
    return CONSOLE


def test_the_consoles_origin_gets_the_cors_headers(console_origin: str) -> None:
    response = call(throwaway_app(), "/things", console_origin)

    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == CONSOLE
    exposed = header_set(response, "Access-Control-Expose-Headers")
    assert {"Retry-After", "X-Correlation-Id", "Location", "ETag"} <= exposed
    allowed = header_set(response, "Access-Control-Allow-Headers")
    assert {"Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id"} <= allowed
    assert response.header("Vary") == "Origin"
    assert response.header("Access-Control-Allow-Credentials") is None


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example.com",
        "https://console.example.com.evil.example",
        "http://console.example.com",
        "null",
        None,
    ],
)
@pytest.mark.usefixtures("console_origin")
def test_any_other_origin_gets_no_cors_headers(origin: str | None) -> None:
    response = call(throwaway_app(), "/things", origin)

    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Expose-Headers") is None
    assert response.header("Vary") == "Origin"  # the answer depends on Origin


def test_without_an_allowed_origin_there_is_no_cors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ALLOWED_ORIGIN", raising=False)

    response = call(throwaway_app(), "/things", CONSOLE)

    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Vary") is None


@pytest.mark.parametrize(
    ("path", "signed_in", "status"),
    [
        ("/things", False, 401),  # no claims: the service's own 401
        ("/busy", True, 409),  # a retryable conflict with Retry-After
        ("/nowhere", True, 404),  # no such route
    ],
)
def test_errors_are_readable_by_the_console(
    console_origin: str, path: str, signed_in: bool, status: int
) -> None:
    response = call(throwaway_app(), path, console_origin, signed_in=signed_in)

    assert response.status == status
    assert response.header("Access-Control-Allow-Origin") == CONSOLE
    assert "Retry-After" in (response.header("Access-Control-Expose-Headers") or "")


def test_an_invalid_query_is_a_400_the_console_can_read(console_origin: str) -> None:
    app = rest_resolver()
    register_error_handlers(app)

    @app.get("/paged", **authorize())
    def paged(limit: Annotated[int, Query()] = 20) -> dict[str, Any]:
        return {"limit": limit}

    generate_request_validator(paged)

    response = call(app, "/paged", console_origin, query={"limit": "many"})

    assert response.status == 400
    assert response.header("Access-Control-Allow-Origin") == CONSOLE


def test_vary_keeps_what_a_route_already_varies_on(console_origin: str) -> None:
    app = rest_resolver()

    @app.get("/negotiated")
    def negotiated() -> Response[Any]:
        return Response(200, "application/json", "{}", headers={"Vary": "Accept-Language"})

    response = call(app, "/negotiated", console_origin)

    assert response.header("Vary") == "Accept-Language, Origin"


# --- the services themselves -------------------------------------------------------------


@pytest.fixture
def services_with_cors(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ModuleType]]:
    """The REST services' API modules as Lambda loads them with CORS_ALLOWED_ORIGIN set."""
    monkeypatch.setenv("CORS_ALLOWED_ORIGIN", CONSOLE)
    modules = [importlib.import_module(f"{s}.api") for s in REST_SERVICES]
    reloaded = [importlib.reload(module) for module in modules]
    yield reloaded
    with pytest.MonkeyPatch.context() as env:
        env.delenv("CORS_ALLOWED_ORIGIN")
        for module in reloaded:
            importlib.reload(module)


def a_collection_read(service: str) -> str:
    """A documented ``GET`` of the service without path parameters (its collection)."""
    return min(
        path
        for path, operations in document()["paths"].items()
        if "{" not in path and service in operations.get("get", {}).get("tags", [])
    )


@pytest.mark.parametrize(
    ("service", "path"), [(service, a_collection_read(service)) for service in REST_SERVICES]
)
def test_every_api_answers_the_console_with_cors_headers(
    services_with_cors: list[ModuleType], service: str, path: str
) -> None:
    module = next(m for m in services_with_cors if m.__name__ == f"{service}.api")
    event = rest_event("GET", path, headers={"Origin": CONSOLE})

    response = http_response(module.handler(event, lambda_context()))

    assert response.status == 401  # no token: refused before any AWS call
    assert response.header("Access-Control-Allow-Origin") == CONSOLE
    assert response.header("Vary") == "Origin"
