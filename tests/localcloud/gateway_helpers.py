"""Test doubles and deploy helpers for the front-door tests.

``FakeInvoker`` stands in for the function workers (``localcloud.invocation.Invoker``):
it records every event and runs plain Python handlers in-process, with a JSON round
trip each way like the Lambda Invoke API. The ``deploy_*`` helpers create API Gateway
and Cognito resources with boto3 the way Terraform's aws provider does.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from localcloud.invocation import InvocationResult

ACCOUNT = "123456789012"
REGION = "us-east-1"
Handler = Callable[[dict[str, Any], Any], Any]


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def invoke_arn(name: str) -> str:
    """What aws_lambda_function.invoke_arn holds."""
    return (
        f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"{function_arn(name)}/invocations"
    )


@dataclass
class FakeContext:
    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class FakeInvoker:
    """Records events; runs registered handlers (exceptions become Lambda error documents)."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def register(self, function_name: str, handler: Handler) -> None:
        self.handlers[function_name] = handler

    def returns(self, function_name: str, payload: Any, delay_s: float = 0.0) -> None:
        def canned(_event: dict[str, Any], _context: Any) -> Any:
            time.sleep(delay_s)
            return payload

        self.register(function_name, canned)

    def events_for(self, function_name: str) -> list[dict[str, Any]]:
        with self._lock:
            return [event for name, event in self.calls if name == function_name]

    def invoke(
        self,
        function_name: str,
        event: dict[str, Any],
        trace_header: str | None = None,  # noqa: ARG002
    ) -> InvocationResult:
        event = json.loads(json.dumps(event))
        with self._lock:
            self.calls.append((function_name, event))
        started = time.perf_counter()
        handler = self.handlers.get(function_name)
        try:
            if handler is None:
                raise LookupError(f"Function not found: {function_name}")
            payload = json.loads(json.dumps(handler(event, FakeContext(function_name))))
        except Exception as exc:
            error = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "stackTrace": traceback.format_tb(exc.__traceback__),
            }
            return InvocationResult(None, error, (time.perf_counter() - started) * 1000)
        return InvocationResult(payload, None, (time.perf_counter() - started) * 1000)


@dataclass(frozen=True)
class UserPool:
    pool_id: str
    arn: str
    client_id: str

    def sign_in(self, username: str, password: str) -> dict[str, str]:
        cognito = boto3.client("cognito-idp")
        result = cognito.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return dict(result["AuthenticationResult"])  # type: ignore[arg-type]


def deploy_user_pool(users: dict[str, list[str]], password: str = "Passw0rd!local") -> UserPool:
    """A pool with an app client and the given users (username -> groups)."""
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName=f"pool-{uuid.uuid4().hex[:8]}")["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    for group in sorted({group for groups in users.values() for group in groups}):
        cognito.create_group(UserPoolId=pool["Id"], GroupName=group)
    for username, groups in users.items():
        cognito.admin_create_user(
            UserPoolId=pool["Id"],
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[
                {"Name": "email", "Value": f"{username}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
        cognito.admin_set_user_password(
            UserPoolId=pool["Id"], Username=username, Password=password, Permanent=True
        )
        for group in groups:
            cognito.admin_add_user_to_group(
                UserPoolId=pool["Id"], Username=username, GroupName=group
            )
    return UserPool(pool["Id"], pool["Arn"], client["ClientId"])


@dataclass(frozen=True)
class RestRoute:
    path: str
    method: str
    function: str
    cognito: bool = False
    timeout_ms: int | None = None
    scopes: tuple[str, ...] = ()


def deploy_rest_api(
    routes: list[RestRoute],
    *,
    user_pool_arn: str | None = None,
    stage: str = "v1",
    variables: dict[str, str] | None = None,
    name: str | None = None,
) -> str:
    """A REST API with Lambda proxy routes and an optional Cognito authorizer; its id."""
    apigateway = boto3.client("apigateway")
    api = apigateway.create_rest_api(
        name=name or f"rest-{uuid.uuid4().hex[:8]}", endpointConfiguration={"types": ["REGIONAL"]}
    )
    api_id = api["id"]
    authorizer_id = None
    if user_pool_arn:
        authorizer_id = apigateway.create_authorizer(
            restApiId=api_id,
            name="cognito",
            type="COGNITO_USER_POOLS",
            providerARNs=[user_pool_arn],
            identitySource="method.request.header.Authorization",
        )["id"]
    resource_ids = {"/": api["rootResourceId"]}
    for route in routes:
        parent = "/"
        for part in [p for p in route.path.split("/") if p]:
            path = f"{parent.rstrip('/')}/{part}"
            if path not in resource_ids:
                resource_ids[path] = apigateway.create_resource(
                    restApiId=api_id, parentId=resource_ids[parent], pathPart=part
                )["id"]
            parent = path
        auth: dict[str, Any] = {"authorizationType": "NONE"}
        if route.cognito:
            auth = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": authorizer_id}
            if route.scopes:
                auth["authorizationScopes"] = list(route.scopes)
        apigateway.put_method(
            restApiId=api_id, resourceId=resource_ids[parent], httpMethod=route.method, **auth
        )
        timeout = {"timeoutInMillis": route.timeout_ms} if route.timeout_ms else {}
        apigateway.put_integration(
            restApiId=api_id,
            resourceId=resource_ids[parent],
            httpMethod=route.method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=invoke_arn(route.function),
            **timeout,
        )
    deployment = apigateway.create_deployment(restApiId=api_id)
    apigateway.create_stage(
        restApiId=api_id,
        stageName=stage,
        deploymentId=deployment["id"],
        variables=variables or {},
    )
    return api_id


CORS_ALLOW_HEADERS = "Authorization,Content-Type,Idempotency-Key,If-Match,X-Correlation-Id"


def deploy_cors(api_id: str, origin: str, stage: str = "v1") -> None:
    """What terraform/modules/rest_api does with cors_allowed_origin: an OPTIONS method
    (MOCK, 204) on every resource with methods, and DEFAULT_4XX/5XX gateway responses
    carrying the origin; then a new deployment of the stage."""
    apigateway = boto3.client("apigateway")
    for resource in apigateway.get_resources(restApiId=api_id, embed=["methods"])["items"]:
        methods = sorted({*resource.get("resourceMethods", {}), "OPTIONS"})
        if methods == ["OPTIONS"]:
            continue
        literal = {
            "Access-Control-Allow-Origin": f"'{origin}'",
            "Access-Control-Allow-Methods": f"'{','.join(methods)}'",
            "Access-Control-Allow-Headers": f"'{CORS_ALLOW_HEADERS}'",
            "Access-Control-Max-Age": "'3600'",
            "Vary": "'Origin'",
        }
        where = {"restApiId": api_id, "resourceId": resource["id"], "httpMethod": "OPTIONS"}
        apigateway.put_method(**where, authorizationType="NONE")
        apigateway.put_method_response(
            **where,
            statusCode="204",
            responseParameters={f"method.response.header.{h}": True for h in literal},
        )
        apigateway.put_integration(
            **where, type="MOCK", requestTemplates={"application/json": '{"statusCode":204}'}
        )
        apigateway.put_integration_response(
            **where,
            statusCode="204",
            responseParameters={f"method.response.header.{h}": v for h, v in literal.items()},
        )
    for response_type in ("DEFAULT_4XX", "DEFAULT_5XX"):
        apigateway.put_gateway_response(
            restApiId=api_id,
            responseType=response_type,
            responseParameters={
                "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
                "gatewayresponse.header.Access-Control-Expose-Headers": "'x-amzn-ErrorType'",
                "gatewayresponse.header.Vary": "'Origin'",
            },
            responseTemplates={"application/json": '{"message":$context.error.messageString}'},
        )
    deployment = apigateway.create_deployment(restApiId=api_id)
    apigateway.update_stage(
        restApiId=api_id,
        stageName=stage,
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment["id"]}],
    )


def deploy_websocket_api(
    routes: dict[str, str],
    *,
    authorizer_function: str | None = None,
    identity_source: str = "route.request.querystring.token",
    two_way: tuple[str, ...] = (),
    stage: str = "prod",
) -> str:
    """A WebSocket API (route key -> function), $connect guarded by a REQUEST authorizer."""
    apigw = boto3.client("apigatewayv2")
    api_id = apigw.create_api(
        Name=f"ws-{uuid.uuid4().hex[:8]}",
        ProtocolType="WEBSOCKET",
        RouteSelectionExpression="$request.body.action",
    )["ApiId"]
    authorizer_id = None
    if authorizer_function:
        authorizer_id = apigw.create_authorizer(
            ApiId=api_id,
            AuthorizerType="REQUEST",
            Name="jwt",
            IdentitySource=[identity_source],
            AuthorizerUri=invoke_arn(authorizer_function),
        )["AuthorizerId"]
    for route_key, function in routes.items():
        integration_id = apigw.create_integration(
            ApiId=api_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=invoke_arn(function),
            IntegrationMethod="POST",
        )["IntegrationId"]
        extra: dict[str, Any] = {}
        if route_key == "$connect" and authorizer_id:
            extra = {"AuthorizationType": "CUSTOM", "AuthorizerId": authorizer_id}
        if route_key in two_way:
            extra["RouteResponseSelectionExpression"] = "$default"
        apigw.create_route(
            ApiId=api_id, RouteKey=route_key, Target=f"integrations/{integration_id}", **extra
        )
    apigw.create_stage(ApiId=api_id, StageName=stage, AutoDeploy=True)
    return api_id


def allow_policy(principal_id: str, resource: str, context: dict[str, Any]) -> dict[str, Any]:
    """What a Lambda REQUEST authorizer returns to allow a connection."""
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}
            ],
        },
        "context": context,
    }
