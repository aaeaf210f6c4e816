"""The WebSocket front door with a real websockets client: authorizer, routes, events."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayWebSocketEvent
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    parse_api_gateway_arn,
)
from gateway_helpers_ws import WebSocketStack, websocket_stack
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from localcloud.emulator import MotoServer
from localcloud.websocket_events import AuthorizerResponseError, evaluate_policy, select_route


@pytest.fixture(scope="module")
def stack(moto_server: MotoServer) -> Iterator[WebSocketStack]:
    with websocket_stack(moto_server) as deployed:
        yield deployed


def test_an_authorized_client_connects_and_the_events_have_api_gateways_shape(
    stack: WebSocketStack,
) -> None:
    with connect(f"{stack.url}?token=good&lang=en", user_agent_header="tests/ws") as client:
        client.send(json.dumps({"action": "subscribe", "topic": "orders"}))
        reply = json.loads(client.recv(timeout=5))

    assert reply == {"subscribed": "orders", "user": "user-1"}
    auth = APIGatewayAuthorizerRequestEvent(stack.invoker.events_for("ws-authorizer")[-1])
    assert auth.get_type == "REQUEST"
    arn = parse_api_gateway_arn(auth.method_arn, is_websocket_authorizer=True)
    assert (arn.api_id, arn.stage, arn.resource) == (stack.api_id, "prod", "$connect")
    assert auth.query_string_parameters == {"token": "good", "lang": "en"}
    assert auth.headers["user-agent"] == "tests/ws"
    assert auth["requestContext"]["eventType"] == "CONNECT"

    connected = APIGatewayWebSocketEvent(stack.invoker.events_for("ws-connect")[-1])
    context = connected.request_context
    assert (context.event_type, context.route_key) == ("CONNECT", "$connect")
    assert context.connection_id == auth["requestContext"]["connectionId"]
    assert (context.api_id, context.stage) == (stack.api_id, "prod")
    assert context.identity.source_ip == "127.0.0.1"
    assert context["authorizer"]["principalId"] == "user-1"
    assert context["authorizer"]["userId"] == "user-1"
    # API Gateway passes the authorizer's context on with every value stringified
    assert (context["authorizer"]["admin"], context["authorizer"]["level"]) == ("true", "3")
    assert isinstance(context["authorizer"]["integrationLatency"], int)
    assert connected.query_string_parameters == {"token": "good", "lang": "en"}
    assert connected.headers["Host"].startswith("127.0.0.1:")

    message = APIGatewayWebSocketEvent(stack.invoker.events_for("ws-subscribe")[-1])
    assert message.request_context.event_type == "MESSAGE"
    assert message.request_context.route_key == "subscribe"
    assert message.request_context.message_id
    assert message.request_context.connection_id == context.connection_id
    assert message.request_context.connected_at == context.connected_at
    assert message.json_body == {"action": "subscribe", "topic": "orders"}
    assert message.is_base64_encoded is False
    assert message.request_context["authorizer"]["userId"] == "user-1"


@pytest.mark.parametrize(
    ("query", "status", "authorizer_called"),
    [
        ("", 401, False),
        ("?token=", 401, False),
        ("?token=raise", 401, True),
        ("?token=deny", 403, True),
        ("?token=broken", 500, True),
        ("?token=nested", 500, True),
        ("?token=null", 500, True),
        ("?token=good&reject=1", 409, True),
    ],
)
def test_the_handshake_is_refused_like_api_gateway(
    stack: WebSocketStack, query: str, status: int, authorizer_called: bool
) -> None:
    calls = len(stack.invoker.events_for("ws-authorizer"))

    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.url}{query}", open_timeout=5)

    assert refused.value.response.status_code == status
    assert (len(stack.invoker.events_for("ws-authorizer")) > calls) == authorizer_called


def test_an_unknown_stage_is_refused(stack: WebSocketStack) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{stack.url.rsplit('/', 1)[0]}/nostage?token=good", open_timeout=5)

    assert refused.value.response.status_code == 403


def test_messages_are_routed_by_action_else_to_default(stack: WebSocketStack) -> None:
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        client.send(json.dumps({"action": "nope", "n": 1}))
        client.send("plain text")
        stack.wait_for_event(
            "ws-default",
            lambda e: (
                e["requestContext"]["connectionId"] == connection_id and e["body"] == "plain text"
            ),
        )
        client.send(json.dumps({"action": "fail"}))
        error = json.loads(client.recv(timeout=5))

    assert error["message"] == "Internal server error"
    assert error["connectionId"] == connection_id
    bodies = sorted(
        e["body"]
        for e in stack.invoker.events_for("ws-default")
        if e["requestContext"]["connectionId"] == connection_id
    )
    assert bodies == sorted(['{"action": "nope", "n": 1}', "plain text"])
    assert all(
        e["requestContext"]["routeKey"] == "$default"
        for e in stack.invoker.events_for("ws-default")
    )


@pytest.mark.parametrize("action", ["$disconnect", "$connect"])
def test_a_message_naming_a_lifecycle_route_goes_to_default(
    stack: WebSocketStack, action: str
) -> None:
    """API Gateway runs $connect and $disconnect only when a connection opens or closes; a
    message whose action names one is unmatched and goes to $default. The connection (and
    its record, which $disconnect would delete) stays."""
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        connects = len(stack.invoker.events_for("ws-connect"))
        body = json.dumps({"action": action})
        client.send(body)
        event = stack.wait_for_event(
            "ws-default",
            lambda e: e["requestContext"]["connectionId"] == connection_id and e["body"] == body,
        )
        client.send(json.dumps({"action": "subscribe", "topic": "still-open"}))
        reply = json.loads(client.recv(timeout=5))
        disconnected = [
            e
            for e in stack.invoker.events_for("ws-disconnect")
            if e["requestContext"]["connectionId"] == connection_id
        ]

        assert event["requestContext"]["routeKey"] == "$default"
        assert event["requestContext"]["eventType"] == "MESSAGE"
        assert reply["subscribed"] == "still-open"
        assert disconnected == []
        assert len(stack.invoker.events_for("ws-connect")) == connects
        assert connection_id in stack.gateway.registry.ids()


def test_a_binary_frame_closes_the_connection_with_1003(stack: WebSocketStack) -> None:
    """API Gateway does not take binary payloads: it closes the connection with 1003."""
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        client.send(b"\x00\x01")
        with pytest.raises(ConnectionClosed):
            client.recv(timeout=5)
        code = client.close_code

    assert code == 1003
    event = stack.wait_for_event(
        "ws-disconnect", lambda e: e["requestContext"]["connectionId"] == connection_id
    )
    assert event["requestContext"]["disconnectStatusCode"] == 1003
    assert event["requestContext"]["disconnectReason"] == "Binary frames are not supported"
    assert not [
        e
        for e in stack.invoker.events_for("ws-default")
        if e["requestContext"]["connectionId"] == connection_id
    ]
    assert connection_id not in stack.gateway.registry.ids()


def test_closing_runs_disconnect_with_the_close_code(stack: WebSocketStack) -> None:
    with connect(f"{stack.url}?token=good") as client:
        connection_id = stack.last_connection_id()
        client.close(code=1000)

    event = APIGatewayWebSocketEvent(
        stack.wait_for_event(
            "ws-disconnect", lambda e: e["requestContext"]["connectionId"] == connection_id
        )
    )
    assert event.request_context.event_type == "DISCONNECT"
    assert event.request_context.route_key == "$disconnect"
    assert event.request_context.disconnect_status_code == 1000
    assert event.request_context.disconnect_reason
    assert event.request_context["authorizer"]["principalId"] == "user-1"
    assert connection_id not in stack.gateway.registry.ids()


def test_route_selection() -> None:
    routes = {"$default", "subscribe"}
    expression = "$request.body.action"

    assert select_route(expression, '{"action": "subscribe"}', routes) == "subscribe"
    assert select_route(expression, '{"action": "other"}', routes) == "$default"
    assert select_route(expression, '{"action": {"x": 1}}', routes) == "$default"
    assert select_route(expression, "[1, 2]", routes) == "$default"
    assert select_route(expression, "[" * 50_000, routes) == "$default"  # nested too deeply
    assert select_route(expression, b"subscribe", routes) == "$default"
    assert select_route(expression, '{"action": "other"}', {"subscribe"}) is None
    lifecycle = routes | {"$connect", "$disconnect"}
    assert select_route(expression, '{"action": "$disconnect"}', lifecycle) == "$default"
    assert select_route(expression, '{"action": "$connect"}', lifecycle) == "$default"
    assert select_route(expression, '{"action": "$connect"}', {"$connect"}) is None
    assert select_route("$request.body.meta.op", '{"meta": {"op": "subscribe"}}', routes) == (
        "subscribe"
    )


def test_policy_evaluation() -> None:
    arn = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/$connect"

    def policy(effect: str, resource: str | list[str]) -> dict[str, object]:
        statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
        return {"principalId": "p", "policyDocument": {"Statement": [statement]}}

    assert evaluate_policy(policy("Allow", arn), arn)[0]
    assert evaluate_policy(policy("Allow", "arn:aws:execute-api:*:*:api1/*"), arn)[0]
    assert evaluate_policy(policy("Allow", [arn]), arn) == (True, {"principalId": "p"})
    assert not evaluate_policy(policy("Allow", arn.replace("prod", "dev")), arn)[0]
    assert not evaluate_policy(policy("Deny", "*"), arn)[0]


@pytest.mark.parametrize("value", [{"id": 3}, ["admin"], None])
def test_an_authorizer_context_value_that_is_not_a_scalar_is_refused(value: object) -> None:
    arn = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/$connect"
    statement = {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}
    response = {
        "principalId": "p",
        "policyDocument": {"Statement": [statement]},
        "context": {"userId": "u-1", "bad": value},
    }

    with pytest.raises(AuthorizerResponseError, match="bad"):
        evaluate_policy(response, arn)


def test_an_authorizer_context_is_passed_on_stringified() -> None:
    arn = "arn:aws:execute-api:us-east-1:123456789012:api1/prod/$connect"
    statement = {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}
    response = {
        "principalId": "p",
        "policyDocument": {"Statement": [statement]},
        "context": {"s": "x", "n": 1, "f": 1.5, "yes": True, "no": False},
    }

    assert evaluate_policy(response, arn) == (
        True,
        {"s": "x", "n": "1", "f": "1.5", "yes": "true", "no": "false", "principalId": "p"},
    )
