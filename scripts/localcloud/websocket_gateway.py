"""The WebSocket API front door: serves the WebSocket APIs deployed into the emulator.

URLs::

    ws://<host>:<port>/<stage>              (the first API, by name, with that stage)
    ws://<host>:<port>/<api_id>/<stage>
    http://<host>:<connections_port>/<stage>/@connections/{connectionId}   (management API)

Behaviour follows API Gateway WebSocket APIs:

- Handshake: the ``$connect`` route's REQUEST authorizer runs first. Missing identity
  sources (e.g. no ``?token=``) -> 401 without calling it; the authorizer raising
  "Unauthorized" -> 401; a policy that does not allow ``execute-api:Invoke`` on
  ``arn:aws:execute-api:<region>:<account>:<api>/<stage>/$connect`` -> 403; any other
  authorizer failure -> 500, including a ``context`` value that is not a string,
  number or boolean (API Gateway admits no objects, arrays or null there). Then the
  ``$connect`` integration runs; an error -> 502, a non-2xx statusCode refuses the
  handshake with that status. Refusals carry a JSON body ``{"message": ...}``.
- Messages are routed with the API's RouteSelectionExpression (``$request.body.action``)
  to a custom route, else ``$default`` (an ``action`` naming ``$connect`` or
  ``$disconnect`` matches nothing: those run only on connect and disconnect), else the
  client gets ``{"message": "Forbidden",
  "connectionId": ..., "requestId": ...}``. Messages are handled concurrently. A route
  with a RouteResponseSelectionExpression is two-way: the proxy response's ``body`` is
  sent back. Integration errors send ``{"message": "Internal server error", ...}``. A
  binary frame closes the connection with 1003 (API Gateway takes no binary payloads).
- ``$disconnect`` runs when either side closes (best effort, like API Gateway).
- The authorizer's ``context`` (every value stringified, as API Gateway passes it on) plus
  ``principalId`` and ``integrationLatency`` appear as ``requestContext.authorizer`` in
  every later event of the connection.

Public API::

    gateway = WebSocketGateway(endpoint_url, invoker, host="127.0.0.1")
    endpoints = gateway.start()   # WebSocketEndpoints(websocket_url, connections_url)
    gateway.websocket_url_for("shop-ws", "prod"); gateway.connections_url_for(...)
    gateway.refresh()             # rescan after a later terraform apply
    gateway.stop()

Function code reaches ``@connections`` with
``boto3.client("apigatewaymanagementapi", endpoint_url=endpoints.connections_url)``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import http
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from localcloud.api_discovery import (
    WebSocketApi,
    WebSocketAuthorizer,
    WebSocketRoute,
    discover_websocket_apis,
)
from localcloud.connections import (
    Connection,
    ConnectionGoneError,
    ConnectionRegistry,
    ConnectionsEndpoint,
)
from localcloud.emulator import LOCAL_REGION
from localcloud.invocation import InvocationResult, Invoker
from localcloud.rest_proxy import LOCAL_ACCOUNT_ID
from localcloud.websocket_events import (
    AuthorizerResponseError,
    Handshake,
    authorizer_request_event,
    connect_event,
    disconnect_event,
    evaluate_policy,
    message_event,
    method_arn,
    new_connection_id,
    select_route,
)

logger = logging.getLogger("localcloud.websocket_gateway")

MAX_MESSAGE_BYTES = 128 * 1024
_AUTHORIZER_TIMEOUT_MS = 29_000
_REFRESH_ON_MISS_EVERY_S = 1.0


@dataclass(frozen=True)
class WebSocketEndpoints:
    websocket_url: str
    """ws://<host>:<port>/<stage> of the default API (the base URL when none is deployed)."""
    connections_url: str
    """The @connections endpoint_url for boto3's apigatewaymanagementapi client."""


class _Refused(Exception):
    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


@dataclass
class _Session:
    api: WebSocketApi
    handshake: Handshake
    authorizer: dict[str, Any] | None
    closed_by_gateway: bool = False
    refused_frame: str | None = None
    """Why the gateway closed the connection on a frame it does not take."""


class WebSocketGateway:
    def __init__(
        self,
        endpoint_url: str,
        invoker: Invoker,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        connections_port: int = 0,
        region: str = LOCAL_REGION,
        account_id: str = LOCAL_ACCOUNT_ID,
        discover: Callable[[], list[WebSocketApi]] | None = None,
        max_concurrency: int = 64,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.host = host
        self.port = port
        self.region = region
        self.account_id = account_id
        self.registry = ConnectionRegistry()
        self._invoker = invoker
        self._discover = discover or (lambda: discover_websocket_apis(endpoint_url, region))
        self._apis: list[WebSocketApi] = []
        self._last_refresh = 0.0
        self._endpoint = ConnectionsEndpoint(self.registry, host, connections_port)
        self._max_concurrency = max_concurrency
        self._pool = self._new_pool()
        self._sessions: dict[ServerConnection, _Session] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Server | None = None

    @property
    def apis(self) -> list[WebSocketApi]:
        return list(self._apis)

    def _new_pool(self) -> concurrent.futures.ThreadPoolExecutor:
        return concurrent.futures.ThreadPoolExecutor(
            self._max_concurrency, thread_name_prefix="ws-invoke"
        )

    def refresh(self) -> list[WebSocketApi]:
        apis = sorted(self._discover(), key=lambda api: (api.name, api.api_id))
        self._apis = apis
        self._last_refresh = time.monotonic()
        logger.info(
            "WebSocket APIs: %s", ", ".join(f"{a.name}({a.api_id})" for a in apis) or "none"
        )
        return apis

    def start(self) -> WebSocketEndpoints:
        self.refresh()
        self._endpoint.start()
        loop = asyncio.new_event_loop()
        ready = concurrent.futures.Future[None]()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(self._open_server())
            except Exception as exc:
                ready.set_exception(exc)
                return
            ready.set_result(None)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="websocket-gateway", daemon=True)
        self._thread.start()
        ready.result(timeout=10)
        return self.endpoints()

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop and server:
            server.close()
            try:
                asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(timeout=10)
            except (TimeoutError, concurrent.futures.TimeoutError):
                logger.warning("WebSocket connections did not close in time")
            loop.call_soon_threadsafe(loop.stop)
        if self._thread:
            self._thread.join(timeout=5)
        if loop:
            loop.close()
        self._loop = self._thread = self._server = None
        self._endpoint.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()  # the gateway can be started again

    def __enter__(self) -> WebSocketGateway:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def endpoints(self) -> WebSocketEndpoints:
        try:
            return WebSocketEndpoints(self.websocket_url_for(), self.connections_url_for())
        except LookupError:
            return WebSocketEndpoints(f"ws://{self.host}:{self.port}", self._endpoint.url)

    def websocket_url_for(self, api: str | None = None, stage: str | None = None) -> str:
        return f"ws://{self.host}:{self.port}{self._path_for(api, stage)}"

    def connections_url_for(self, api: str | None = None, stage: str | None = None) -> str:
        return f"{self._endpoint.url}{self._path_for(api, stage)}"

    def _path_for(self, api: str | None, stage: str | None) -> str:
        candidates = [a for a in self._apis if api in (None, a.name, a.api_id)]
        if not candidates:
            raise LookupError(f"no WebSocket API {api!r} is deployed")
        chosen = candidates[0]
        stage = stage or next(iter(chosen.stages), None)
        if stage is None or stage not in chosen.stages:
            raise LookupError(f"WebSocket API {chosen.name} has no stage {stage!r}")
        first_with_stage = next(a for a in self._apis if stage in a.stages)
        return f"/{stage}" if first_with_stage is chosen else f"/{chosen.api_id}/{stage}"

    async def _open_server(self) -> Server:
        server = await serve(
            self._serve_connection,
            self.host,
            self.port,
            process_request=self._open_connection,
            max_size=MAX_MESSAGE_BYTES,
            server_header="localcloud-apigateway",
        )
        self.port = int(next(iter(server.sockets)).getsockname()[1])
        return server

    # --- handshake -------------------------------------------------------------------

    async def _open_connection(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return None  # not a WebSocket handshake: websockets answers 426
        path, _, query = request.path.partition("?")
        located = self._locate(path)
        if located is None and time.monotonic() - self._last_refresh >= _REFRESH_ON_MISS_EVERY_S:
            await asyncio.get_running_loop().run_in_executor(self._pool, self.refresh)
            located = self._locate(path)
        if located is None:
            return _refusal(403, "Forbidden")
        api, stage = located
        remote = connection.remote_address
        handshake = Handshake(
            api_id=api.api_id,
            stage=stage,
            connection_id=new_connection_id(),
            connected_at_ms=int(time.time() * 1000),
            headers=list(request.headers.raw_items()),
            query=query,
            source_ip=str(remote[0]) if remote else "127.0.0.1",
            server_port=self.port,
            stage_variables=api.stages.get(stage, {}),
        )
        route = api.routes.get("$connect")
        try:
            authorizer = await self._authorize(route.authorizer, handshake) if route else None
            if route and route.function_name:
                await self._run_connect_route(route, handshake, authorizer)
        except _Refused as refused:
            logger.info("%s refused: %s %s", handshake.connection_id, refused.status, refused)
            return _refusal(refused.status, refused.message)
        self._sessions[connection] = _Session(api, handshake, authorizer)
        return None

    def _locate(self, path: str) -> tuple[WebSocketApi, str] | None:
        parts = [part for part in path.split("/") if part]
        if len(parts) == 1:
            return next(((a, parts[0]) for a in self._apis if parts[0] in a.stages), None)
        if len(parts) == 2:
            return next(
                (
                    (a, parts[1])
                    for a in self._apis
                    if a.api_id == parts[0] and parts[1] in a.stages
                ),
                None,
            )
        return None

    async def _authorize(
        self, authorizer: WebSocketAuthorizer | None, handshake: Handshake
    ) -> dict[str, Any] | None:
        if authorizer is None:
            return None
        if not authorizer.function_name:
            raise _Refused(500, None)
        if any(_identity_missing(source, handshake) for source in authorizer.identity_sources):
            raise _Refused(401, "Unauthorized")
        started = time.perf_counter()
        event = authorizer_request_event(handshake, account_id=self.account_id, region=self.region)
        result = await self._invoke(authorizer.function_name, event, _AUTHORIZER_TIMEOUT_MS)
        if result is None:
            raise _Refused(504, "Endpoint request timed out")
        if result.error:
            if result.error.get("errorMessage") == "Unauthorized":
                raise _Refused(401, "Unauthorized")
            logger.warning("authorizer %s failed: %s", authorizer.function_name, result.error)
            raise _Refused(500, None)
        try:
            allowed, context = evaluate_policy(
                result.payload, method_arn(handshake, self.account_id, self.region)
            )
        except AuthorizerResponseError as exc:
            logger.warning("authorizer %s: %s", authorizer.function_name, exc)
            raise _Refused(500, None) from exc
        if not allowed:
            raise _Refused(403, "Forbidden")
        context["integrationLatency"] = int((time.perf_counter() - started) * 1000)
        return context

    async def _run_connect_route(
        self, route: WebSocketRoute, handshake: Handshake, authorizer: dict[str, Any] | None
    ) -> None:
        assert route.function_name
        event = connect_event(handshake, authorizer)
        result = await self._invoke(route.function_name, event, route.timeout_ms)
        if result is None:
            raise _Refused(504, "Endpoint request timed out")
        if result.error:
            logger.warning("$connect %s failed: %s", route.function_name, result.error)
            raise _Refused(502, "Internal server error")
        status = result.payload.get("statusCode") if isinstance(result.payload, dict) else None
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        if isinstance(status, int) and not 200 <= status < 300:
            raise _Refused(status, _message_of(result.payload))

    # --- an open connection ------------------------------------------------------------

    async def _serve_connection(self, connection: ServerConnection) -> None:
        session = self._sessions.pop(connection)
        handshake = session.handshake
        loop = asyncio.get_running_loop()
        self.registry.add(
            Connection(
                connection_id=handshake.connection_id,
                api_id=handshake.api_id,
                stage=handshake.stage,
                connected_at_ms=handshake.connected_at_ms,
                source_ip=handshake.source_ip,
                user_agent=handshake.header("User-Agent"),
                send=_thread_safe_sender(connection, loop),
                close=_thread_safe_closer(connection, loop, session),
                authorizer=session.authorizer,
            )
        )
        tasks: set[asyncio.Task[None]] = set()
        try:
            async for message in connection:
                self._touch(handshake.connection_id)
                if isinstance(message, bytes):
                    # API Gateway takes text frames only: a binary one closes the connection.
                    session.refused_frame = "Binary frames are not supported"
                    await connection.close(1003, session.refused_frame)
                    break
                task = asyncio.create_task(self._on_message(session, connection, message))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        except ConnectionClosed:
            pass
        finally:
            self.registry.remove(handshake.connection_id)
            await self._on_disconnect(session, connection)

    def _touch(self, connection_id: str) -> None:
        with contextlib.suppress(ConnectionGoneError):
            self.registry.get(connection_id).touch()

    async def _on_message(
        self, session: _Session, connection: ServerConnection, message: str | bytes
    ) -> None:
        api, handshake = session.api, session.handshake
        route_key = select_route(api.route_selection_expression, message, set(api.routes))
        route = api.routes.get(route_key) if route_key else None
        event = message_event(handshake, route_key or "$default", message, session.authorizer)
        reply = {
            "connectionId": handshake.connection_id,
            "requestId": event["requestContext"]["requestId"],
        }
        if route is None:
            await _send_quietly(connection, json.dumps({"message": "Forbidden", **reply}))
            return
        if not route.function_name:
            return
        result = await self._invoke(route.function_name, event, route.timeout_ms)
        if result is None:
            await _send_quietly(
                connection, json.dumps({"message": "Endpoint request timed out", **reply})
            )
        elif result.error:
            logger.warning("route %s (%s) failed: %s", route_key, route.function_name, result.error)
            await _send_quietly(
                connection, json.dumps({"message": "Internal server error", **reply})
            )
        elif route.two_way:
            body = result.payload.get("body") if isinstance(result.payload, dict) else None
            if isinstance(body, str):
                await _send_quietly(connection, body)

    async def _on_disconnect(self, session: _Session, connection: ServerConnection) -> None:
        route = session.api.routes.get("$disconnect")
        if not route or not route.function_name:
            return
        received = connection.protocol.close_rcvd
        code = received.code if received else (connection.close_code or 1006)
        if session.refused_frame:
            reason = session.refused_frame
        elif session.closed_by_gateway:
            reason = "Connection closed by the @connections API"
        elif received:
            reason = f"Client-side close frame status set to {code}"
        else:
            reason = "Going away"
        event = disconnect_event(session.handshake, session.authorizer, code, reason)
        result = await self._invoke(route.function_name, event, route.timeout_ms)
        if result is not None and result.error:
            logger.warning("$disconnect %s failed: %s", route.function_name, result.error)

    async def _invoke(
        self, function_name: str, event: dict[str, Any], timeout_ms: int
    ) -> InvocationResult | None:
        """The invocation's result; None on an integration timeout."""
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._pool, self._invoker.invoke, function_name, event)
        try:
            return await asyncio.wait_for(call, timeout_ms / 1000)
        except TimeoutError:
            logger.warning("%s timed out after %d ms", function_name, timeout_ms)
            return None
        except Exception as exc:
            logger.exception("invoking %s failed", function_name)
            return InvocationResult(None, {"errorMessage": str(exc), "errorType": "Invoke"}, 0.0)


def _identity_missing(source: str, handshake: Handshake) -> bool:
    if source.startswith("route.request.querystring."):
        name = source.removeprefix("route.request.querystring.")
        return not any(key == name and value for key, value in handshake.query_pairs())
    if source.startswith("route.request.header."):
        return not handshake.header(source.removeprefix("route.request.header."))
    return False


def _message_of(payload: Any) -> str | None:
    body = payload.get("body") if isinstance(payload, dict) else None
    return body if isinstance(body, str) and body else None


def _refusal(status: int, message: str | None) -> Response:
    body = json.dumps({"message": message}).encode()
    headers = Headers(
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ]
    )
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return Response(status, phrase, headers, body)


async def _send_quietly(connection: ServerConnection, message: str) -> None:
    with contextlib.suppress(ConnectionClosed):
        await connection.send(message)


def _thread_safe_sender(
    connection: ServerConnection, loop: asyncio.AbstractEventLoop
) -> Callable[[str | bytes], None]:
    def send(message: str | bytes) -> None:
        future = asyncio.run_coroutine_threadsafe(connection.send(message), loop)
        try:
            future.result(timeout=10)
        except ConnectionClosed as exc:
            raise ConnectionGoneError(str(exc)) from exc

    return send


def _thread_safe_closer(
    connection: ServerConnection, loop: asyncio.AbstractEventLoop, session: _Session
) -> Callable[[], None]:
    def close() -> None:
        session.closed_by_gateway = True
        asyncio.run_coroutine_threadsafe(connection.close(1000, "Going away"), loop)

    return close
