"""A deployed WebSocket API with in-process handlers, shared by the WebSocket tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayWebSocketEvent
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponseWebSocket,
)
from gateway_helpers import FakeInvoker, deploy_websocket_api

from localcloud.emulator import MotoServer, aws_environment
from localcloud.websocket_gateway import WebSocketGateway

ROUTES = {
    "$connect": "ws-connect",
    "$disconnect": "ws-disconnect",
    "$default": "ws-default",
    "subscribe": "ws-subscribe",
    "fail": "ws-fail",
    "echoViaApi": "ws-echo-via-api",
}


def authorizer(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """A REQUEST authorizer written the way the realtime service would."""
    request = APIGatewayAuthorizerRequestEvent(event)
    token = request.query_string_parameters.get("token")
    if token == "raise":
        raise RuntimeError("Unauthorized")
    if token == "broken":
        return {"no": "policy"}
    context: dict[str, Any] = {"userId": "user-1", "admin": True, "level": 3}
    if token == "nested":
        context["groups"] = ["admin", "customer"]  # API Gateway admits scalars only
    if token == "null":
        context["email"] = None
    policy = APIGatewayAuthorizerResponseWebSocket.from_route_arn(
        request.method_arn, principal_id="user-1", context=context
    )
    if token == "deny":
        policy.deny_all_routes()
    else:
        policy.allow_route("$connect")
    return policy.asdict()


def on_connect(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    if APIGatewayWebSocketEvent(event).query_string_parameters.get("reject"):
        return {"statusCode": 409, "body": "already connected"}
    return {"statusCode": 200}


def on_subscribe(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    message = APIGatewayWebSocketEvent(event)
    reply = {
        "subscribed": message.json_body["topic"],
        "user": message.request_context.get("authorizer", {}).get("userId"),
    }
    return {"statusCode": 200, "body": json.dumps(reply)}


def fail(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
    raise ValueError("boom")


def echo_via_api(connections_url: Callable[[], str]) -> Callable[[dict[str, Any], Any], Any]:
    """Pushes back through @connections with boto3, as function code does."""

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        message = APIGatewayWebSocketEvent(event)
        client = boto3.client("apigatewaymanagementapi", endpoint_url=connections_url())
        client.post_to_connection(
            ConnectionId=message.request_context.connection_id,
            Data=json.dumps({"echo": message.json_body["text"]}).encode(),
        )
        return {"statusCode": 200}

    return handler


@dataclass
class WebSocketStack:
    gateway: WebSocketGateway
    invoker: FakeInvoker
    api_id: str
    url: str
    connections_url: str

    def last_connection_id(self) -> str:
        return str(self.invoker.events_for("ws-connect")[-1]["requestContext"]["connectionId"])

    def wait_for_event(
        self, function: str, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.invoker.events_for(function):
                if predicate(event):
                    return event
            time.sleep(0.02)
        raise AssertionError(f"no matching event for {function} within {timeout}s")


@contextmanager
def websocket_stack(moto_server: MotoServer) -> Iterator[WebSocketStack]:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        api_id = deploy_websocket_api(
            ROUTES, authorizer_function="ws-authorizer", two_way=("subscribe",)
        )
        invoker = FakeInvoker()
        gateway = WebSocketGateway(moto_server.endpoint_url, invoker)
        invoker.register("ws-authorizer", authorizer)
        invoker.register("ws-connect", on_connect)
        invoker.returns("ws-disconnect", {"statusCode": 200})
        invoker.returns("ws-default", {"statusCode": 200, "body": "not sent: one-way route"})
        invoker.register("ws-subscribe", on_subscribe)
        invoker.register("ws-fail", fail)
        invoker.register(
            "ws-echo-via-api", echo_via_api(lambda: gateway.connections_url_for(api_id))
        )
        gateway.start()
        try:
            yield WebSocketStack(
                gateway,
                invoker,
                api_id,
                gateway.websocket_url_for(api_id),
                gateway.connections_url_for(api_id),
            )
        finally:
            gateway.stop()
