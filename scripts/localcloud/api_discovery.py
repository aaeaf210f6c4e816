"""What Terraform deployed behind the front doors, read only through AWS APIs.

moto stores API Gateway definitions but does not serve them; the gateways in this
package serve what this module finds:

- ``discover_rest_apis(endpoint_url, region)``: every REST API (API Gateway v1) with its
  resources, methods (authorization type, Cognito authorizer, OAuth scopes), Lambda
  proxy integrations (function name, timeout), static MOCK integrations (CORS
  preflights), stages and stage variables, and its customized gateway responses
  (the headers, status and body API Gateway gives its own error answers).
- ``discover_websocket_apis(endpoint_url, region)``: every WebSocket API (API Gateway v2)
  with its route selection expression, routes (target function, REQUEST authorizer,
  two-way or not) and stages.

moto 5.2 quirks handled here: apigatewayv2 GetAuthorizers and GetRouteResponses are not
implemented (500), so authorizers are read one by one (GetAuthorizer) from the ids the
routes reference, and a route is two-way when it has a RouteResponseSelectionExpression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client

DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000
"""API Gateway's default (and, for REST, maximum) integration timeout."""

_LAMBDA_INVOKE_URI = re.compile(
    r"^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path/2015-03-31/functions/(?P<arn>.+)/invocations$"
)
_FUNCTION_ARN = re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:\d+:function:(?P<name>[^:]+)(:.+)?$")


@dataclass(frozen=True)
class CognitoAuthorizer:
    """A COGNITO_USER_POOLS authorizer of a REST API."""

    authorizer_id: str
    name: str
    user_pool_ids: tuple[str, ...]
    header: str
    """The request header carrying the token (from identitySource), e.g. Authorization."""


@dataclass(frozen=True)
class MockResponse:
    """The static answer of a MOCK integration (e.g. a CORS preflight)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: str


@dataclass(frozen=True)
class GatewayResponse:
    """A customized gateway response (PutGatewayResponse) of a REST API."""

    response_type: str
    """DEFAULT_4XX, DEFAULT_5XX, UNAUTHORIZED, MISSING_AUTHENTICATION_TOKEN, THROTTLED, ..."""
    status_code: int | None
    """None: the status of the error being answered."""
    headers: tuple[tuple[str, str], ...]
    """Header name -> mapping expression ('literal', method.request.header.X, ...)."""
    templates: tuple[tuple[str, str], ...] = ()
    """Content type -> body template."""


@dataclass(frozen=True)
class RestMethod:
    http_method: str
    authorization_type: str
    """NONE, COGNITO_USER_POOLS, CUSTOM or AWS_IAM (only the first two are served)."""
    authorizer: CognitoAuthorizer | None
    authorization_scopes: tuple[str, ...]
    integration_type: str | None
    function_name: str | None
    """The Lambda function of an AWS_PROXY integration."""
    timeout_ms: int = DEFAULT_INTEGRATION_TIMEOUT_MS
    mock: MockResponse | None = None


@dataclass(frozen=True)
class RestResource:
    resource_id: str
    path: str
    """The resource path template, e.g. /products/{id} or /{proxy+}."""
    methods: dict[str, RestMethod]


@dataclass(frozen=True)
class RestApi:
    api_id: str
    name: str
    resources: tuple[RestResource, ...]
    stages: dict[str, dict[str, str]]
    """Stage name -> stage variables."""
    binary_media_types: tuple[str, ...] = ()
    gateway_responses: dict[str, GatewayResponse] = field(default_factory=dict)
    """Response type -> its customization (only the customized ones)."""


@dataclass(frozen=True)
class WebSocketAuthorizer:
    """A REQUEST (Lambda) authorizer of a WebSocket API."""

    authorizer_id: str
    name: str
    function_name: str | None
    identity_sources: tuple[str, ...]
    """e.g. route.request.querystring.token, route.request.header.Authorization."""


@dataclass(frozen=True)
class WebSocketRoute:
    route_key: str
    function_name: str | None
    authorizer: WebSocketAuthorizer | None = None
    two_way: bool = False
    """Whether the integration's response is sent back to the client."""
    timeout_ms: int = DEFAULT_INTEGRATION_TIMEOUT_MS


@dataclass(frozen=True)
class WebSocketApi:
    api_id: str
    name: str
    route_selection_expression: str
    routes: dict[str, WebSocketRoute]
    stages: dict[str, dict[str, str]] = field(default_factory=dict)


def function_name_from_uri(uri: str | None) -> str | None:
    """The function name in a Lambda integration URI (or a bare function ARN or name)."""
    if not uri:
        return None
    invoke = _LAMBDA_INVOKE_URI.match(uri)
    arn = invoke.group("arn") if invoke else uri
    function = _FUNCTION_ARN.match(arn)
    if function:
        return function.group("name")
    return None if arn.startswith("arn:") else arn


def user_pool_id_from_arn(arn: str) -> str:
    """arn:aws:cognito-idp:<region>:<account>:userpool/<pool id> -> <pool id>."""
    return arn.rsplit("/", 1)[-1]


def discover_rest_apis(endpoint_url: str, region: str) -> list[RestApi]:
    client: APIGatewayClient = boto3.client(
        "apigateway", endpoint_url=endpoint_url, region_name=region, config=_NO_RETRIES
    )
    return [_read_rest_api(client, api) for api in _rest_api_items(client)]


def discover_websocket_apis(endpoint_url: str, region: str) -> list[WebSocketApi]:
    client: ApiGatewayV2Client = boto3.client(
        "apigatewayv2", endpoint_url=endpoint_url, region_name=region, config=_NO_RETRIES
    )
    apis = _paged(client.get_apis, "Items")
    return [_read_websocket_api(client, api) for api in apis if api["ProtocolType"] == "WEBSOCKET"]


_NO_RETRIES = Config(retries={"max_attempts": 1})


def _rest_api_items(client: APIGatewayClient) -> Iterator[Any]:
    for page in client.get_paginator("get_rest_apis").paginate():
        yield from page.get("items", [])


def _read_rest_api(client: APIGatewayClient, api: Any) -> RestApi:
    api_id = api["id"]
    authorizers = {
        item["id"]: CognitoAuthorizer(
            authorizer_id=item["id"],
            name=item.get("name", ""),
            user_pool_ids=tuple(user_pool_id_from_arn(a) for a in item.get("providerARNs", [])),
            header=_header_of(item.get("identitySource", "")),
        )
        for item in client.get_authorizers(restApiId=api_id).get("items", [])
        if item.get("type") == "COGNITO_USER_POOLS"
    }
    resources = []
    for page in client.get_paginator("get_resources").paginate(restApiId=api_id, embed=["methods"]):
        for item in page.get("items", []):
            methods = {
                verb: _rest_method(
                    client, api_id, item["id"], verb, method, authorizers=authorizers
                )
                for verb, method in item.get("resourceMethods", {}).items()
            }
            resources.append(RestResource(item["id"], item["path"], methods))
    stages = {
        stage["stageName"]: dict(stage.get("variables", {}))
        for stage in client.get_stages(restApiId=api_id).get("item", [])
    }
    return RestApi(
        api_id=api_id,
        name=api.get("name", ""),
        resources=tuple(resources),
        stages=stages,
        binary_media_types=tuple(api.get("binaryMediaTypes", [])),
        gateway_responses=_gateway_responses(client, api_id),
    )


def _gateway_responses(client: APIGatewayClient, api_id: str) -> dict[str, GatewayResponse]:
    """The API's customized gateway responses (AWS also lists the uncustomized defaults,
    flagged defaultResponse; moto lists only those put)."""
    prefix = "gatewayresponse.header."
    found: dict[str, GatewayResponse] = {}
    for page in client.get_paginator("get_gateway_responses").paginate(restApiId=api_id):
        for item in page.get("items", []):
            if item.get("defaultResponse"):
                continue
            status = item.get("statusCode")
            found[item["responseType"]] = GatewayResponse(
                response_type=item["responseType"],
                status_code=int(status) if status else None,
                headers=tuple(
                    (name.removeprefix(prefix), value)
                    for name, value in (item.get("responseParameters") or {}).items()
                    if name.startswith(prefix)
                ),
                templates=tuple((item.get("responseTemplates") or {}).items()),
            )
    return found


def _rest_method(
    client: APIGatewayClient,
    api_id: str,
    resource_id: str,
    verb: str,
    method: Any,
    *,
    authorizers: dict[str, CognitoAuthorizer],
) -> RestMethod:
    if "methodIntegration" not in method and "authorizationType" not in method:
        method = client.get_method(restApiId=api_id, resourceId=resource_id, httpMethod=verb)
    integration = method.get("methodIntegration") or {}
    return RestMethod(
        http_method=verb,
        authorization_type=method.get("authorizationType", "NONE"),
        authorizer=authorizers.get(method.get("authorizerId", "")),
        authorization_scopes=tuple(method.get("authorizationScopes", [])),
        integration_type=integration.get("type"),
        function_name=function_name_from_uri(integration.get("uri")),
        timeout_ms=_timeout_ms(integration.get("timeoutInMillis")),
        mock=_mock_response(integration) if integration.get("type") == "MOCK" else None,
    )


def _mock_response(integration: Any) -> MockResponse:
    """Static values only: literal header mappings ('...') and a static response template."""
    responses = list((integration.get("integrationResponses") or {}).values())
    chosen = next((r for r in responses if not r.get("selectionPattern")), None)
    if chosen is None:
        return MockResponse(200, (), "")
    prefix = "method.response.header."
    headers = tuple(
        (name.removeprefix(prefix), value[1:-1])
        for name, value in (chosen.get("responseParameters") or {}).items()
        if name.startswith(prefix) and len(value) >= 2 and value[0] == value[-1] == "'"
    )
    templates = chosen.get("responseTemplates") or {}
    body = templates.get("application/json") or next(iter(templates.values()), "") or ""
    return MockResponse(int(chosen.get("statusCode", 200)), headers, body)


def _timeout_ms(value: Any) -> int:
    """The integration timeout, capped at API Gateway's 29 s (moto defaults v2 to 30 s)."""
    return min(int(value or DEFAULT_INTEGRATION_TIMEOUT_MS), DEFAULT_INTEGRATION_TIMEOUT_MS)


def _header_of(identity_source: str) -> str:
    """method.request.header.Authorization -> Authorization (the first header source)."""
    for source in identity_source.split(","):
        prefix = "method.request.header."
        if source.strip().startswith(prefix):
            return source.strip()[len(prefix) :]
    return "Authorization"


def _read_websocket_api(client: ApiGatewayV2Client, api: Any) -> WebSocketApi:
    api_id = api["ApiId"]
    integrations = {
        item["IntegrationId"]: item
        for item in _paged(client.get_integrations, "Items", ApiId=api_id)
    }
    authorizers: dict[str, WebSocketAuthorizer] = {}
    routes: dict[str, WebSocketRoute] = {}
    for route in _paged(client.get_routes, "Items", ApiId=api_id):
        authorizer_id = route.get("AuthorizerId")
        if authorizer_id and authorizer_id not in authorizers:
            item = client.get_authorizer(ApiId=api_id, AuthorizerId=authorizer_id)
            authorizers[authorizer_id] = WebSocketAuthorizer(
                authorizer_id=authorizer_id,
                name=item.get("Name", ""),
                function_name=function_name_from_uri(item.get("AuthorizerUri")),
                identity_sources=tuple(item.get("IdentitySource", [])),
            )
        target = str(route.get("Target", ""))
        integration = integrations.get(target.removeprefix("integrations/"), {})
        routes[route["RouteKey"]] = WebSocketRoute(
            route_key=route["RouteKey"],
            function_name=function_name_from_uri(integration.get("IntegrationUri")),
            authorizer=authorizers.get(authorizer_id) if authorizer_id else None,
            two_way=bool(route.get("RouteResponseSelectionExpression")),
            timeout_ms=_timeout_ms(integration.get("TimeoutInMillis")),
        )
    stages = {
        stage["StageName"]: dict(stage.get("StageVariables", {}))
        for stage in _paged(client.get_stages, "Items", ApiId=api_id)
    }
    return WebSocketApi(
        api_id=api_id,
        name=api.get("Name", ""),
        route_selection_expression=api.get("RouteSelectionExpression", "$request.body.action"),
        routes=routes,
        stages=stages,
    )


def _paged(operation: Any, key: str, **kwargs: Any) -> Iterator[Any]:
    """apigatewayv2 lists page with NextToken and have no boto3 paginators for all calls."""
    token: str | None = None
    while True:
        page = operation(**kwargs, **({"NextToken": token} if token else {}))
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return
