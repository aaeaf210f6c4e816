"""What the gateways learn about deployed APIs, read through AWS APIs on the emulator."""

from __future__ import annotations

import pytest
from gateway_helpers import (
    RestRoute,
    deploy_rest_api,
    deploy_user_pool,
    deploy_websocket_api,
    function_arn,
    invoke_arn,
)

from localcloud.api_discovery import (
    discover_rest_apis,
    discover_websocket_apis,
    function_name_from_uri,
)


@pytest.mark.parametrize(
    ("uri", "name"),
    [
        (invoke_arn("shop-products-api"), "shop-products-api"),
        (invoke_arn("shop-products-api:live"), "shop-products-api"),
        (function_arn("shop-orders-api"), "shop-orders-api"),
        ("plain-name", "plain-name"),
        ("arn:aws:apigateway:us-east-1:sqs:path/123/queue", None),
        ("", None),
        (None, None),
    ],
)
def test_function_names_come_from_integration_uris(uri: str | None, name: str | None) -> None:
    assert function_name_from_uri(uri) == name


def test_a_rest_api_is_read_back_as_terraform_deployed_it(aws_env: str) -> None:
    pool = deploy_user_pool({})
    api_id = deploy_rest_api(
        [
            RestRoute("/products", "GET", "shop-products-api"),
            RestRoute("/products/{id}", "DELETE", "shop-products-api", cognito=True),
            RestRoute("/orders", "POST", "shop-orders-api", cognito=True, timeout_ms=5000),
        ],
        user_pool_arn=pool.arn,
        stage="v1",
        variables={"tier": "local"},
    )

    api = next(a for a in discover_rest_apis(aws_env, "us-east-1") if a.api_id == api_id)

    assert api.stages == {"v1": {"tier": "local"}}
    resources = {resource.path: resource for resource in api.resources}
    assert set(resources) == {"/", "/products", "/products/{id}", "/orders"}
    listing = resources["/products"].methods["GET"]
    assert (listing.authorization_type, listing.authorizer) == ("NONE", None)
    assert (listing.integration_type, listing.function_name) == ("AWS_PROXY", "shop-products-api")
    assert listing.timeout_ms == 29_000
    delete = resources["/products/{id}"].methods["DELETE"]
    assert delete.authorization_type == "COGNITO_USER_POOLS"
    assert delete.authorizer is not None
    assert delete.authorizer.user_pool_ids == (pool.pool_id,)
    assert delete.authorizer.header == "Authorization"
    assert resources["/orders"].methods["POST"].timeout_ms == 5000


def test_a_websocket_api_is_read_back_with_its_authorizer(aws_env: str) -> None:
    api_id = deploy_websocket_api(
        {"$connect": "ws-connect", "$default": "ws-default", "subscribe": "ws-subscribe"},
        authorizer_function="ws-authorizer",
        identity_source="route.request.header.Authorization",
        two_way=("subscribe",),
        stage="live",
    )

    api = next(a for a in discover_websocket_apis(aws_env, "us-east-1") if a.api_id == api_id)

    assert api.route_selection_expression == "$request.body.action"
    assert set(api.stages) == {"live"}
    assert set(api.routes) == {"$connect", "$default", "subscribe"}
    connect = api.routes["$connect"]
    assert connect.function_name == "ws-connect"
    assert connect.authorizer is not None
    assert connect.authorizer.function_name == "ws-authorizer"
    assert connect.authorizer.identity_sources == ("route.request.header.Authorization",)
    assert api.routes["subscribe"].two_way
    assert not api.routes["$default"].two_way
    assert api.routes["$default"].authorizer is None
