"""CORS through the REST front door as API Gateway serves it: MOCK preflights with their
header mappings, and API Gateway's own errors customized by the API's gateway responses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from gateway_helpers import (
    FakeInvoker,
    RestRoute,
    deploy_cors,
    deploy_rest_api,
    deploy_user_pool,
)

from localcloud import gateway_responses
from localcloud.api_discovery import GatewayResponse, discover_rest_apis
from localcloud.emulator import MotoServer, aws_environment
from localcloud.gateway_responses import RequestView
from localcloud.rest_gateway import MAX_BODY_BYTES, RestGateway

CONSOLE = "http://127.0.0.1:8181"
ROUTES = [
    RestRoute("/orders", "GET", "orders", cognito=True),
    RestRoute("/orders", "POST", "orders", cognito=True),
    RestRoute("/orders/{id}", "GET", "orders", cognito=True),
    RestRoute("/orders/{id}", "DELETE", "orders", cognito=True),
    RestRoute("/public", "GET", "public"),
    RestRoute("/boom", "GET", "boom"),
    RestRoute("/slow", "GET", "slow", timeout_ms=200),
]


@dataclass
class Cors:
    gateway: RestGateway
    invoker: FakeInvoker
    api_id: str
    base: str
    id_token: str


@pytest.fixture(scope="module")
def cors(moto_server: MotoServer) -> Iterator[Cors]:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        pool = deploy_user_pool({"carol": ["customer"]})
        api_id = deploy_rest_api(ROUTES, user_pool_arn=pool.arn)
        deploy_cors(api_id, CONSOLE)
        id_token = pool.sign_in("carol", "Passw0rd!local")["IdToken"]
    invoker = FakeInvoker()
    invoker.returns(
        "orders",
        {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": CONSOLE}, "body": "[]"},
    )
    invoker.returns("public", {"statusCode": 200, "body": "{}"})
    invoker.register("boom", lambda _e, _c: 1 / 0)
    invoker.returns("slow", {"statusCode": 200, "body": "late"}, delay_s=1.0)
    gateway = RestGateway(moto_server.endpoint_url, invoker)
    gateway.start()
    try:
        yield Cors(gateway, invoker, api_id, gateway.base_url_for(api_id), id_token)
    finally:
        gateway.stop()


def preflight(url: str, method: str, origin: str = CONSOLE) -> requests.Response:
    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
        timeout=10,
    )


def test_discovery_reads_the_gateway_responses(cors: Cors) -> None:
    apis = discover_rest_apis(cors.gateway.endpoint_url, "us-east-1")
    api = next(a for a in apis if a.api_id == cors.api_id)

    assert set(api.gateway_responses) == {"DEFAULT_4XX", "DEFAULT_5XX"}
    default_4xx = api.gateway_responses["DEFAULT_4XX"]
    assert default_4xx.status_code is None
    assert ("Access-Control-Allow-Origin", f"'{CONSOLE}'") in default_4xx.headers
    assert dict(default_4xx.templates) == {
        "application/json": '{"message":$context.error.messageString}'
    }


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [("/orders", "POST", "GET,OPTIONS,POST"), ("/orders/o-1", "DELETE", "DELETE,GET,OPTIONS")],
)
def test_a_preflight_is_answered_by_the_mock_integration(
    cors: Cors, path: str, method: str, allowed: str
) -> None:
    calls = len(cors.invoker.calls)

    response = preflight(f"{cors.base}{path}", method)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert response.headers["Access-Control-Allow-Methods"] == allowed
    assert "Idempotency-Key" in response.headers["Access-Control-Allow-Headers"].split(",")
    assert response.headers["Access-Control-Max-Age"] == "3600"
    assert response.headers["Vary"] == "Origin"
    assert response.content == b""
    assert len(cors.gateway._invoker.calls) == calls  # type: ignore[attr-defined]


def test_a_preflight_from_another_origin_still_names_only_the_console(cors: Cors) -> None:
    response = preflight(f"{cors.base}/orders", "GET", origin="https://evil.example.com")

    # API Gateway's MOCK answers statically; the browser refuses the mismatch.
    assert response.headers["Access-Control-Allow-Origin"] == CONSOLE


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "message"),
    [
        ("GET", "/orders", {}, 401, "Unauthorized"),
        ("GET", "/orders", {"Authorization": "not-a-jwt"}, 401, "Unauthorized"),
        ("GET", "/nowhere", {}, 403, "Missing Authentication Token"),
        ("PUT", "/orders", {}, 403, "Missing Authentication Token"),
        ("OPTIONS", "/nowhere", {}, 403, "Missing Authentication Token"),
        ("GET", "/boom", {}, 502, "Internal server error"),
        ("GET", "/slow", {}, 504, "Endpoint request timed out"),
    ],
)
def test_api_gateways_own_errors_carry_the_cors_headers(
    cors: Cors, method: str, path: str, headers: dict[str, str], *, status: int, message: str
) -> None:
    response = requests.request(
        method, f"{cors.base}{path}", headers={"Origin": CONSOLE, **headers}, timeout=10
    )

    assert (response.status_code, response.json()) == (status, {"message": message})
    assert response.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert response.headers["Access-Control-Expose-Headers"] == "x-amzn-ErrorType"
    assert response.headers["Vary"] == "Origin"
    assert response.headers["Content-Type"] == "application/json"


def test_a_request_too_large_carries_the_cors_headers(cors: Cors) -> None:
    # The API's own path: other modules' APIs in the shared emulator also have a v1 stage.
    response = cors.gateway.handle(
        "POST",
        f"{urlsplit(cors.base).path}/orders",
        "",
        [("Origin", CONSOLE), ("Content-Type", "application/json")],
        b"x" * (MAX_BODY_BYTES + 1),
    )

    assert (response.status, json.loads(response.body)) == (413, {"message": "Request Too Long"})
    assert ("Access-Control-Allow-Origin", CONSOLE) in response.headers


def test_the_functions_answers_pass_through_unchanged(cors: Cors) -> None:
    response = requests.get(
        f"{cors.base}/orders",
        headers={"Origin": CONSOLE, "Authorization": cors.id_token},
        timeout=10,
    )

    assert (response.status_code, response.json()) == (200, [])
    assert response.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert "Vary" not in response.headers  # gateway responses are for API Gateway's own answers


def test_a_specific_response_type_wins_over_the_default(cors: Cors) -> None:
    apigateway = boto3.client("apigateway", **_client_kwargs(cors))
    apigateway.put_gateway_response(
        restApiId=cors.api_id,
        responseType="UNAUTHORIZED",
        statusCode="401",
        responseParameters={
            "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.Origin",
            "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
        },
        responseTemplates={
            "application/json": '{"error":"$context.error.responseType","message":'
            "$context.error.messageString}"
        },
    )
    try:
        cors.gateway.refresh()
        refused = requests.get(
            f"{cors.base}/orders", headers={"Origin": "https://reflected.example"}, timeout=10
        )
        missing = requests.get(f"{cors.base}/nowhere", headers={"Origin": CONSOLE}, timeout=10)
    finally:
        apigateway.delete_gateway_response(restApiId=cors.api_id, responseType="UNAUTHORIZED")
        cors.gateway.refresh()

    assert refused.status_code == 401
    assert refused.json() == {"error": "UNAUTHORIZED", "message": "Unauthorized"}
    assert refused.headers["Access-Control-Allow-Origin"] == "https://reflected.example"
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert "Vary" not in refused.headers  # DEFAULT_4XX no longer applies to this type
    assert missing.headers["Access-Control-Allow-Origin"] == CONSOLE  # still DEFAULT_4XX


def _client_kwargs(cors: Cors) -> dict[str, str]:
    return {
        "endpoint_url": cors.gateway.endpoint_url,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }


# --- rendering, without a gateway ------------------------------------------------------


def test_without_customization_the_answer_is_api_gateways_default() -> None:
    response = gateway_responses.render(gateway_responses.unauthorized())

    assert response.status == 401
    assert json.loads(response.body) == {"message": "Unauthorized"}
    assert ("x-amzn-ErrorType", "UnauthorizedException") in response.headers


def test_a_status_override_and_mappings_from_the_request() -> None:
    customized = {
        "DEFAULT_5XX": GatewayResponse(
            "DEFAULT_5XX",
            503,
            (
                ("X-Stage", "stageVariables.tier"),
                ("X-Query", "method.request.querystring.q"),
                ("X-Missing", "method.request.header.X-Nothing"),
            ),
            (("application/json", '{"m":"$context.error.message","id":"$context.requestId"}'),),
        )
    }
    view = RequestView(
        query="q=1&q=2", stage_variables={"tier": "local"}, request_id="r-1", stage="v1"
    )

    response = gateway_responses.render(gateway_responses.integration_timeout(), customized, view)

    assert response.status == 503
    assert dict(response.headers)["X-Stage"] == "local"
    assert dict(response.headers)["X-Query"] == "2"
    assert "X-Missing" not in dict(response.headers)
    assert json.loads(response.body) == {"m": "Endpoint request timed out", "id": "r-1"}


def test_a_message_with_quotes_stays_valid_json() -> None:
    customized = {"DEFAULT_4XX": GatewayResponse("DEFAULT_4XX", None, ())}
    error = gateway_responses.GatewayError("UNAUTHORIZED", 401, 'say "no"')

    response = gateway_responses.render(error, customized)

    assert json.loads(response.body) == {"message": 'say "no"'}
