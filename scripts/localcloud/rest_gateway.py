"""The REST API front door: serves every REST API deployed into the emulator over HTTP.

URLs (``base_url_for`` returns the first form whenever it is unambiguous)::

    http://<host>:<port>/<stage>/<path>                               (like execute-api)
    http://<host>:<port>/restapis/<api_id>/<stage>/_user_request_/<path>   (moto/LocalStack)

With several APIs sharing a stage name the first form tries them in name order and
serves the first that has a matching route. Behaviour follows API Gateway: resource
matching (literal > {param} > {proxy+}, method > ANY), Lambda proxy (AWS_PROXY) and
static MOCK integrations (CORS preflights, with their header mappings), the Cognito
user pool authorizer (the ID token in the identity-source header, raw or behind
``Bearer `` as API Gateway accepts it; access token with scopes when the method has OAuth
scopes), the Lambda
proxy event (format 1.0) and API Gateway's own error responses, customized by the API's
gateway responses (status, headers such as Access-Control-Allow-Origin, body template;
see gateway_responses.py):

    403 {"message":"Forbidden"}                      unknown API or stage (not customized)
    403 {"message":"Missing Authentication Token"}   no resource/method matches
    401 {"message":"Unauthorized"}                   missing or invalid token
    401 {"message":"The incoming token has expired"}
    413 {"message":"Request Too Long"}               body over 10 MB
    500 {"message":"Internal server error"}          an authorizer/integration not served here
    502 {"message":"Internal server error"}          function error or malformed result
    504 {"message":"Endpoint request timed out"}     integration timeout (29 s max)

(The stage's throttling is not enforced locally, so THROTTLED (429) never occurs.)

Public API::

    gateway = RestGateway(endpoint_url, invoker, host="127.0.0.1", port=0)
    base = gateway.start()            # "http://127.0.0.1:<port>"; discovers the APIs
    gateway.base_url_for("shop-api")  # "http://127.0.0.1:<port>/<stage>" (name or id)
    gateway.refresh()                 # rescan after a later terraform apply
    gateway.stop()

``handle(request)`` is the same gateway without the HTTP server (used by tests).
Unknown routes also trigger a rescan (at most once a second), so a fresh apply is
picked up without an explicit refresh.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from localcloud import gateway_responses
from localcloud.api_discovery import RestApi, RestMethod, discover_rest_apis
from localcloud.emulator import LOCAL_REGION
from localcloud.gateway_responses import GatewayError, RequestView
from localcloud.invocation import Invoker
from localcloud.jwt_verifier import CognitoTokenVerifier, TokenError, TokenExpiredError
from localcloud.rest_proxy import (
    LOCAL_ACCOUNT_ID,
    HttpRequest,
    HttpResponse,
    MalformedProxyResponseError,
    authorizer_claims,
    build_proxy_event,
    proxy_response,
)
from localcloud.rest_routes import RouteMatch, RouteTable
from localcloud.traces import new_root, trace_fields

logger = logging.getLogger("localcloud.rest_gateway")

MAX_BODY_BYTES = 10 * 1024 * 1024
_REFRESH_ON_MISS_EVERY_S = 1.0


@dataclass(frozen=True)
class _Deployed:
    api: RestApi
    routes: RouteTable


class RestGateway:
    def __init__(
        self,
        endpoint_url: str,
        invoker: Invoker,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = LOCAL_REGION,
        account_id: str = LOCAL_ACCOUNT_ID,
        verifier: CognitoTokenVerifier | None = None,
        discover: Callable[[], list[RestApi]] | None = None,
        max_concurrency: int = 64,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.host = host
        self.port = port
        self.account_id = account_id
        self._invoker = invoker
        self._verifier = verifier or CognitoTokenVerifier(endpoint_url, region)
        self._discover = discover or (lambda: discover_rest_apis(endpoint_url, region))
        self._deployed: list[_Deployed] = []
        self._refresh_lock = threading.Lock()
        self._last_refresh = 0.0
        self._max_concurrency = max_concurrency
        self._pool = self._new_pool()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def apis(self) -> list[RestApi]:
        return [deployed.api for deployed in self._deployed]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _new_pool(self) -> concurrent.futures.ThreadPoolExecutor:
        return concurrent.futures.ThreadPoolExecutor(
            self._max_concurrency, thread_name_prefix="rest-invoke"
        )

    def refresh(self) -> list[RestApi]:
        """Rescan the emulator's REST APIs; requests in flight keep the previous view."""
        with self._refresh_lock:
            apis = sorted(self._discover(), key=lambda api: (api.name, api.api_id))
            self._deployed = [_Deployed(api, RouteTable(api)) for api in apis]
            self._last_refresh = time.monotonic()
        logger.info("REST APIs: %s", ", ".join(f"{a.name}({a.api_id})" for a in apis) or "none")
        return apis

    def start(self) -> str:
        self.refresh()
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_class(self))
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="rest-gateway", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()  # the gateway can be started again

    def __enter__(self) -> RestGateway:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def base_url_for(self, api: str | None = None, stage: str | None = None) -> str:
        """The invoke URL of an API (name or id; default: the only one) and stage."""
        candidates = [d.api for d in self._deployed if api in (None, d.api.name, d.api.api_id)]
        if not candidates:
            raise LookupError(f"no REST API {api!r} is deployed")
        if len(candidates) > 1:
            raise LookupError(f"several REST APIs match {api!r}; name one")
        chosen = candidates[0]
        stage = stage or next(iter(chosen.stages), None)
        if stage is None:
            raise LookupError(f"REST API {chosen.name} has no stage")
        sharing = [d for d in self._deployed if stage in d.api.stages]
        if len(sharing) == 1:
            return f"{self.url}/{stage}"
        return f"{self.url}/restapis/{chosen.api_id}/{stage}/_user_request_"

    def handle(
        self,
        method: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        source_ip: str = "127.0.0.1",
    ) -> HttpResponse:
        """Serve one request; raw_path is the full URL path, percent-encoded."""
        request_id = str(uuid.uuid4())
        # API Gateway adds a trace header to a request without one, hands it to the
        # function and answers with it: the caller can find its request's trace
        headers, trace_header = with_trace_header(headers)
        response = self._serve(
            method, raw_path, query, headers, body, source_ip=source_ip, request_id=request_id
        )
        response.headers.extend(
            [
                ("x-amzn-RequestId", request_id),
                ("x-amz-apigw-id", request_id[:16]),
                ("X-Amzn-Trace-Id", trace_header),
            ]
        )
        return response

    def _serve(
        self,
        method: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        source_ip: str,
        request_id: str,
    ) -> HttpResponse:
        located = self._locate(method, raw_path)
        if (located is None or located[3] is None) and self._refresh_on_miss():
            located = self._locate(method, raw_path)
        if located is None:
            # No API to customize the answer with.
            error = gateway_responses.request_too_large() if len(body) > MAX_BODY_BYTES else None
            return gateway_responses.render(error or gateway_responses.forbidden())
        api, stage, path, match = located
        view = RequestView(
            headers=headers,
            query=query,
            path_parameters=match.path_parameters if match else {},
            stage=stage,
            stage_variables=api.stages.get(stage, {}),
            request_id=request_id,
        )
        request = HttpRequest(method, path, query, headers, body, stage, source_ip, self.port)
        outcome = self._serve_located(api, request, match, request_id)
        if isinstance(outcome, GatewayError):
            return gateway_responses.render(outcome, api.gateway_responses, view)
        return outcome

    def _serve_located(
        self, api: RestApi, request: HttpRequest, match: RouteMatch | None, request_id: str
    ) -> HttpResponse | GatewayError:
        if len(request.body) > MAX_BODY_BYTES:
            return gateway_responses.request_too_large()
        if match is None:
            return gateway_responses.missing_authentication_token()
        claims, denied = self._authorize(match.method, request)
        if denied:
            return denied
        return self._integrate(api, request, match, claims, request_id)

    def _locate(
        self, method: str, raw_path: str
    ) -> tuple[RestApi, str, str, RouteMatch | None] | None:
        """(api, stage, path after the stage, route match or None); None: no such stage."""
        parts = raw_path.split("/")
        if len(parts) >= 5 and parts[1] == "restapis" and parts[4:5] == ["_user_request_"]:
            stage, path = parts[3], "/" + "/".join(parts[5:])
            deployed = [d for d in self._deployed if d.api.api_id == parts[2]]
        else:
            stage, path = unquote(parts[1]) if len(parts) > 1 else "", "/" + "/".join(parts[2:])
            deployed = list(self._deployed)
        deployed = [d for d in deployed if stage in d.api.stages]
        if not deployed:
            return None
        for candidate in deployed:
            match = candidate.routes.match(method, path)
            if match:
                return candidate.api, stage, path, match
        return deployed[0].api, stage, path, None

    def _refresh_on_miss(self) -> bool:
        if time.monotonic() - self._last_refresh < _REFRESH_ON_MISS_EVERY_S:
            return False
        try:
            self.refresh()
        except Exception:
            logger.exception("rescanning the REST APIs failed")
            return False
        return True

    def _authorize(
        self, method: RestMethod, request: HttpRequest
    ) -> tuple[dict[str, str] | None, GatewayError | None]:
        """(claims for requestContext.authorizer, None) or (None, the refusal)."""
        if method.authorization_type == "NONE":
            return None, None
        if method.authorization_type != "COGNITO_USER_POOLS" or method.authorizer is None:
            logger.error("authorization type %s is not served locally", method.authorization_type)
            return None, gateway_responses.authorizer_configuration_error()
        # API Gateway's Cognito user pool authorizer takes the token raw or behind a
        # "Bearer " scheme (sources in docs/conventions.md), so the prefix is dropped.
        token = (request.header(method.authorizer.header) or "").strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        if not token:
            return None, gateway_responses.unauthorized()
        token_use = "access" if method.authorization_scopes else "id"
        expired = False
        for pool_id in method.authorizer.user_pool_ids:
            try:
                claims = self._verifier.verify(token, pool_id, token_use=token_use)
            except TokenExpiredError:
                expired = True
                continue
            except TokenError as exc:
                logger.debug("token refused by %s: %s", pool_id, exc)
                continue
            granted = set(str(claims.get("scope", "")).split())
            if method.authorization_scopes and not granted & set(method.authorization_scopes):
                return None, gateway_responses.unauthorized()
            return authorizer_claims(claims), None
        message = "The incoming token has expired" if expired else "Unauthorized"
        return None, gateway_responses.unauthorized(message)

    def _integrate(
        self,
        api: RestApi,
        request: HttpRequest,
        match: RouteMatch,
        claims: dict[str, str] | None,
        request_id: str,
    ) -> HttpResponse | GatewayError:
        method = match.method
        if method.mock is not None:
            headers = list(method.mock.headers)
            if not any(key.lower() == "content-type" for key, _ in headers):
                headers.append(("Content-Type", "application/json"))
            return HttpResponse(method.mock.status, headers, method.mock.body.encode())
        if method.integration_type != "AWS_PROXY" or not method.function_name:
            logger.error(
                "%s %s: integration %s is not served locally",
                method.http_method,
                match.resource.path,
                method.integration_type,
            )
            return gateway_responses.api_configuration_error()
        event = build_proxy_event(
            api, request, match, claims=claims, request_id=request_id, account_id=self.account_id
        )
        future = self._pool.submit(self._invoker.invoke, method.function_name, event)
        try:
            result = future.result(timeout=method.timeout_ms / 1000)
        except concurrent.futures.TimeoutError:
            logger.warning("%s timed out after %d ms", method.function_name, method.timeout_ms)
            return gateway_responses.integration_timeout()
        except Exception:
            logger.exception("invoking %s failed", method.function_name)
            return gateway_responses.integration_failure()
        if not result.ok:
            logger.warning("%s failed: %s", method.function_name, result.error)
            return gateway_responses.integration_failure()
        try:
            return proxy_response(result.payload)
        except MalformedProxyResponseError as exc:
            logger.warning("%s: malformed Lambda proxy response: %s", method.function_name, exc)
            return gateway_responses.integration_failure()


def with_trace_header(headers: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], str]:
    """The request headers with a valid ``X-Amzn-Trace-Id`` (the caller's, else a new
    root), and that header."""
    for name, value in headers:
        if name.lower() == "x-amzn-trace-id" and trace_fields(value):
            return headers, value
    trace_header = f"Root={new_root()}"
    kept = [(name, value) for name, value in headers if name.lower() != "x-amzn-trace-id"]
    return [*kept, ("X-Amzn-Trace-Id", trace_header)], trace_header


def _handler_class(gateway: RestGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "localcloud-apigateway"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            response = gateway.handle(
                self.command,
                path,
                query,
                list(self.headers.items()),
                body,
                source_ip=self.client_address[0],
            )
            self.send_response(response.status)
            for key, value in response.headers:
                if key.lower() not in {"content-length", "connection", "transfer-encoding"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def __getattr__(self, name: str) -> Any:
            # do_GET, do_TRACE, do_QUERY...: every method reaches the gateway, which
            # answers the ones no route has with API Gateway's 403.
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug(format, *args)

    return Handler
