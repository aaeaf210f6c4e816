"""The REST front door against a real emulator: routing, Cognito authorizer, proxy events."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from gateway_helpers import FakeInvoker, RestRoute, UserPool, deploy_rest_api, deploy_user_pool

from localcloud.emulator import MotoServer, aws_environment
from localcloud.jwt_verifier import CognitoTokenVerifier
from localcloud.rest_gateway import RestGateway

ROUTES = [
    RestRoute("/products", "GET", "catalog"),
    RestRoute("/products", "POST", "catalog", cognito=True),
    RestRoute("/products/{id}", "GET", "catalog", cognito=True),
    RestRoute("/products/special", "GET", "special"),
    RestRoute("/files/{proxy+}", "ANY", "files"),
    RestRoute("/slow", "GET", "slow", timeout_ms=200),
    RestRoute("/boom", "GET", "boom"),
    RestRoute("/malformed", "GET", "malformed"),
    RestRoute("/cookies", "GET", "cookies"),
    RestRoute("/scoped", "GET", "catalog", cognito=True, scopes=("aws.cognito.signin.user.admin",)),
]


def catalog_app() -> APIGatewayRestResolver:
    """A real Powertools app, as the products function would be."""
    app = APIGatewayRestResolver()

    @app.get("/products")
    def list_products() -> dict[str, Any]:
        return {"items": [], "size": app.current_event.get_query_string_value("size")}

    @app.post("/products")
    def create_product() -> Response[str]:
        body = app.current_event.json_body
        return Response(
            201, "application/json", json.dumps({"name": body["name"]}), {"Location": "/p/1"}
        )

    @app.get("/products/<product_id>")
    def get_product(product_id: str) -> dict[str, Any]:
        claims = app.current_event.request_context.authorizer.claims
        return {"id": product_id, "user": claims["cognito:username"]}

    return app


@dataclass
class Shop:
    gateway: RestGateway
    invoker: FakeInvoker
    pool: UserPool
    api_id: str
    base: str
    id_token: str
    access_token: str


@pytest.fixture(scope="module")
def shop(moto_server: MotoServer) -> Iterator[Shop]:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        pool = deploy_user_pool({"alice": ["admin", "customer"]})
        api_id = deploy_rest_api(ROUTES, user_pool_arn=pool.arn, variables={"tier": "local"})
        invoker = FakeInvoker()
        app = catalog_app()
        invoker.register("catalog", app.resolve)
        invoker.returns("special", {"statusCode": 200, "body": "special"})
        invoker.returns("files", {"statusCode": 200, "body": "file"})
        invoker.returns("slow", {"statusCode": 200, "body": "late"}, delay_s=1.0)
        invoker.register("boom", lambda _e, _c: 1 / 0)
        invoker.returns("malformed", {"statusCode": 200, "body": {"not": "a string"}})
        invoker.returns(
            "cookies",
            {
                "statusCode": 200,
                "headers": {"X-One": 1, "Content-Type": "text/plain"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                "body": base64.b64encode(b"\x00\x01binary").decode(),
                "isBase64Encoded": True,
            },
        )
        tokens = pool.sign_in("alice", "Passw0rd!local")
        gateway = RestGateway(moto_server.endpoint_url, invoker)
        gateway.start()
        try:
            yield Shop(
                gateway,
                invoker,
                pool,
                api_id,
                gateway.base_url_for(api_id),
                tokens["IdToken"],
                tokens["AccessToken"],
            )
        finally:
            gateway.stop()


def test_the_proxy_event_has_api_gateways_shape(shop: Shop) -> None:
    response = requests.get(
        f"{shop.base}/products/abc%20d?size=2&tag=a&tag=b",
        headers={"Authorization": shop.id_token, "X-Trace": "t1", "User-Agent": "tests/1.0"},
        timeout=10,
    )

    assert response.status_code == 200, response.text
    raw = shop.invoker.events_for("catalog")[-1]
    assert set(raw) == {
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
        "body",
        "isBase64Encoded",
    }
    event = APIGatewayProxyEvent(raw)
    assert event.resource == "/products/{id}"
    assert event.path == "/products/abc%20d"
    assert event.http_method == "GET"
    assert event.path_parameters == {"id": "abc%20d"}
    assert event.query_string_parameters == {"size": "2", "tag": "b"}
    assert event.multi_value_query_string_parameters == {"size": ["2"], "tag": ["a", "b"]}
    assert event.headers["x-trace"] == "t1"
    assert event.multi_value_headers["X-Trace"] == ["t1"]
    assert event.headers["X-Forwarded-For"] == "127.0.0.1"
    assert event.stage_variables == {"tier": "local"}
    assert event.body is None
    assert event.is_base64_encoded is False
    context = event.request_context
    assert context.stage == "v1"
    assert context.path == "/v1/products/abc%20d"
    assert context.resource_path == "/products/{id}"
    assert context.http_method == "GET"
    assert context.api_id == shop.api_id
    assert context.account_id == "123456789012"
    assert context.protocol == "HTTP/1.1"
    assert context.identity.source_ip == "127.0.0.1"
    assert context.identity.user_agent == "tests/1.0"
    assert abs(context.request_time_epoch / 1000 - time.time()) < 30
    assert re.fullmatch(r"\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000", context.request_time)
    assert response.headers["x-amzn-RequestId"] == context.request_id


def test_cognito_claims_are_strings_like_the_cognito_authorizer(shop: Shop) -> None:
    requests.get(
        f"{shop.base}/products/p1", headers={"Authorization": shop.id_token}, timeout=10
    ).raise_for_status()

    claims = APIGatewayProxyEvent(
        shop.invoker.events_for("catalog")[-1]
    ).request_context.authorizer.claims
    assert all(isinstance(value, str) for value in claims.values())
    assert set(claims["cognito:groups"].split(",")) == {"admin", "customer"}
    assert claims["cognito:username"] == "alice"
    assert claims["token_use"] == "id"
    assert claims["aud"] == shop.pool.client_id
    assert claims["iss"].endswith(shop.pool.pool_id)
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", claims["exp"])
    assert claims["auth_time"].isdigit()


def test_a_powertools_app_serves_through_the_gateway(shop: Shop) -> None:
    listed = requests.get(f"{shop.base}/products?size=5", timeout=10)
    created = requests.post(
        f"{shop.base}/products",
        json={"name": "Lamp"},
        headers={"Authorization": shop.id_token},
        timeout=10,
    )
    fetched = requests.get(
        f"{shop.base}/products/p-9", headers={"Authorization": shop.id_token}, timeout=10
    )

    assert (listed.status_code, listed.json()) == (200, {"items": [], "size": "5"})
    assert (created.status_code, created.json()) == (201, {"name": "Lamp"})
    assert created.headers["Location"] == "/p/1"
    assert created.headers["Content-Type"] == "application/json"
    assert fetched.json() == {"id": "p-9", "user": "alice"}
    post_event = APIGatewayProxyEvent(shop.invoker.events_for("catalog")[-2])
    assert post_event.json_body == {"name": "Lamp"}
    assert post_event.request_context.authorizer.claims["cognito:username"] == "alice"


@pytest.mark.parametrize(
    ("path", "expected_function"),
    [
        ("/products/special", "special"),
        ("/products/special/", "special"),
        ("/files/a/b/c.txt", "files"),
    ],
)
def test_literal_beats_param_and_greedy_catches_the_rest(
    shop: Shop, path: str, expected_function: str
) -> None:
    before = len(shop.invoker.events_for(expected_function))
    response = requests.delete(f"{shop.base}{path}", timeout=10)
    if expected_function == "special":  # only GET is defined there: API Gateway's 403
        assert response.status_code == 403
        response = requests.get(f"{shop.base}{path}", timeout=10)
    assert response.status_code == 200
    events = shop.invoker.events_for(expected_function)
    assert len(events) == before + 1
    if expected_function == "files":
        assert events[-1]["pathParameters"] == {"proxy": "a/b/c.txt"}
        assert events[-1]["resource"] == "/files/{proxy+}"
        assert events[-1]["httpMethod"] == "DELETE"


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/nothing/here", 403, "Missing Authentication Token"),
        ("DELETE", "/products", 403, "Missing Authentication Token"),
        ("GET", "/files", 403, "Missing Authentication Token"),
        ("TRACE", "/products", 403, "Missing Authentication Token"),
        ("QUERY", "/products", 403, "Missing Authentication Token"),
        ("GET", "/boom", 502, "Internal server error"),
        ("GET", "/malformed", 502, "Internal server error"),
        ("GET", "/slow", 504, "Endpoint request timed out"),
    ],
)
def test_api_gateways_own_error_responses(
    shop: Shop, method: str, path: str, status: int, message: str
) -> None:
    started = time.perf_counter()
    response = requests.request(method, f"{shop.base}{path}", timeout=10)

    assert (response.status_code, response.json()) == (status, {"message": message})
    assert response.headers["Content-Type"] == "application/json"
    assert time.perf_counter() - started < 0.9  # the 200 ms integration timeout, not 1 s


def test_an_unknown_stage_is_forbidden(shop: Shop) -> None:
    response = requests.get(f"{shop.gateway.url}/no-such-stage/products", timeout=10)

    assert (response.status_code, response.json()) == (403, {"message": "Forbidden"})


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer ", "not-a-jwt", "a.b.c"],
)
def test_requests_without_a_valid_token_are_unauthorized(
    shop: Shop, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    calls = len(shop.invoker.calls)

    response = requests.get(f"{shop.base}/products/p1", headers=headers, timeout=10)

    assert (response.status_code, response.json()) == (401, {"message": "Unauthorized"})
    assert response.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    assert len(shop.invoker.calls) == calls


@pytest.mark.parametrize("scheme", ["Bearer ", "bearer ", "Bearer  "])
def test_a_valid_token_behind_a_bearer_prefix_is_accepted(shop: Shop, scheme: str) -> None:
    """API Gateway's Cognito user pool authorizer accepts "Bearer <ID token>" as well as the
    raw token (sources in docs/conventions.md); the local gateway must not refuse what a
    real stage serves."""
    response = requests.get(
        f"{shop.base}/products/p1",
        headers={"Authorization": f"{scheme}{shop.id_token}"},
        timeout=10,
    )

    assert response.status_code == 200, response.text


def test_a_tampered_token_is_unauthorized(shop: Shop) -> None:
    header, payload, signature = shop.id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cognito:groups"] = ["admin", "root"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    response = requests.get(
        f"{shop.base}/products/p1",
        headers={"Authorization": f"{header}.{forged}.{signature}"},
        timeout=10,
    )

    assert response.status_code == 401


def test_an_access_token_is_refused_where_an_id_token_is_expected(shop: Shop) -> None:
    refused = requests.get(
        f"{shop.base}/products/p1", headers={"Authorization": shop.access_token}, timeout=10
    )
    scoped = requests.get(
        f"{shop.base}/scoped", headers={"Authorization": shop.access_token}, timeout=10
    )
    scoped_with_id_token = requests.get(
        f"{shop.base}/scoped", headers={"Authorization": shop.id_token}, timeout=10
    )

    assert refused.status_code == 401
    assert scoped.status_code == 404  # authorized; the Powertools app has no /scoped route
    assert scoped_with_id_token.status_code == 401


def test_a_token_of_another_user_pool_is_unauthorized(shop: Shop) -> None:
    other = deploy_user_pool({"mallory": ["admin"]})
    token = other.sign_in("mallory", "Passw0rd!local")["IdToken"]

    response = requests.get(
        f"{shop.base}/products/p1", headers={"Authorization": token}, timeout=10
    )

    assert response.status_code == 401


def test_an_expired_token_gets_api_gateways_expiry_message(
    shop: Shop, moto_server: MotoServer
) -> None:
    two_hours_later = CognitoTokenVerifier(
        moto_server.endpoint_url, "us-east-1", clock=lambda: time.time() + 7200
    )
    gateway = RestGateway(moto_server.endpoint_url, shop.invoker, verifier=two_hours_later)
    gateway.refresh()

    response = gateway.handle(
        "GET",
        f"/restapis/{shop.api_id}/v1/_user_request_/products/p1",
        "",
        [("Authorization", shop.id_token)],
        b"",
    )

    assert response.status == 401
    assert json.loads(response.body) == {"message": "The incoming token has expired"}


def test_proxy_response_headers_and_base64_bodies_are_mapped(shop: Shop) -> None:
    response = requests.get(f"{shop.base}/cookies", timeout=10)

    assert response.content == b"\x00\x01binary"
    assert response.headers["X-One"] == "1"
    assert response.headers["Content-Type"] == "text/plain"
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_the_moto_style_url_addresses_one_api(shop: Shop) -> None:
    url = f"{shop.gateway.url}/restapis/{shop.api_id}/v1/_user_request_/products/special"

    response = requests.get(url, timeout=10)

    assert (response.status_code, response.text) == (200, "special")


def test_refresh_picks_up_a_later_deployment(shop: Shop) -> None:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(shop.gateway.endpoint_url).items():
            env.setenv(key, value)
        later = deploy_rest_api([RestRoute("/later", "GET", "special")], stage="later")

    with pytest.raises(LookupError):
        shop.gateway.base_url_for(later)
    shop.gateway.refresh()
    response = requests.get(f"{shop.gateway.base_url_for(later)}/later", timeout=10)

    assert response.text == "special"


def test_a_mock_integration_answers_a_cors_preflight(shop: Shop) -> None:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(shop.gateway.endpoint_url).items():
            env.setenv(key, value)
        api_id = deploy_rest_api([RestRoute("/items", "GET", "special")], stage="cors")
        apigateway = boto3.client("apigateway")
        items = next(
            r for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/items"
        )
        apigateway.put_method(
            restApiId=api_id, resourceId=items["id"], httpMethod="OPTIONS", authorizationType="NONE"
        )
        apigateway.put_integration(
            restApiId=api_id,
            resourceId=items["id"],
            httpMethod="OPTIONS",
            type="MOCK",
            requestTemplates={"application/json": '{"statusCode": 200}'},
        )
        apigateway.put_integration_response(
            restApiId=api_id,
            resourceId=items["id"],
            httpMethod="OPTIONS",
            statusCode="204",
            responseParameters={
                "method.response.header.Access-Control-Allow-Origin": "'*'",
                "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
            },
        )
    shop.gateway.refresh()

    response = requests.options(f"{shop.gateway.base_url_for(api_id)}/items", timeout=10)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS"


def test_a_stopped_gateway_starts_again(moto_server: MotoServer, shop: Shop) -> None:
    gateway = RestGateway(moto_server.endpoint_url, shop.invoker)
    gateway.start()
    gateway.stop()
    gateway.start()
    try:
        response = requests.get(f"{gateway.base_url_for(shop.api_id)}/products/special", timeout=10)
    finally:
        gateway.stop()

    assert response.text == "special"
