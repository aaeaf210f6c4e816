"""Open WebSocket connections and the ``@connections`` management endpoint.

``ConnectionRegistry`` is the thread-safe table of open connections; the WebSocket
gateway adds a connection once its handshake succeeded and removes it on close. Each
``Connection`` carries thread-safe ``send``/``close`` callables, so this module knows
nothing about asyncio or the websockets package.

``ConnectionsEndpoint`` serves API Gateway's management API over HTTP, so function
code talks to it with boto3's ``apigatewaymanagementapi`` client
(``endpoint_url="http://<host>:<port>/<stage>"``)::

    POST   /<stage>/@connections/{id}   body = data   200 | 410 GoneException | 413
    GET    /<stage>/@connections/{id}   200 {connectedAt, identity, lastActiveAt} | 410
    DELETE /<stage>/@connections/{id}   204 (the client is disconnected) | 410

Any path prefix before ``/@connections/`` is accepted (``/<api_id>/<stage>`` too):
connection ids are unique across APIs and stages.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

logger = logging.getLogger("localcloud.connections")

MAX_POST_BYTES = 128 * 1024
"""API Gateway's WebSocket frame limit for @connections posts."""

_CONNECTION_PATH = re.compile(r"^(?:/.*)?/@connections/(?P<id>[^/]+)/?$")


class ConnectionGoneError(Exception):
    """The connection does not exist (any more)."""


@dataclass
class Connection:
    connection_id: str
    api_id: str
    stage: str
    connected_at_ms: int
    source_ip: str
    user_agent: str | None
    send: Callable[[str | bytes], None]
    """Thread-safe; raises ConnectionGoneError when the socket is closed."""
    close: Callable[[], None]
    """Thread-safe; the gateway then runs $disconnect."""
    authorizer: dict[str, Any] | None = None
    last_active_ms: int = field(default=0)

    def touch(self) -> None:
        self.last_active_ms = int(time.time() * 1000)


class ConnectionRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Connection] = {}

    def add(self, connection: Connection) -> None:
        connection.last_active_ms = connection.last_active_ms or connection.connected_at_ms
        with self._lock:
            self._open[connection.connection_id] = connection

    def remove(self, connection_id: str) -> None:
        with self._lock:
            self._open.pop(connection_id, None)

    def get(self, connection_id: str) -> Connection:
        with self._lock:
            connection = self._open.get(connection_id)
        if connection is None:
            raise ConnectionGoneError(connection_id)
        return connection

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._open)

    def post(self, connection_id: str, data: bytes) -> None:
        """Send data to the client: a text frame when it is UTF-8, else a binary frame."""
        connection = self.get(connection_id)
        try:
            message: str | bytes = data.decode("utf-8")
        except UnicodeDecodeError:
            message = data
        connection.send(message)
        connection.touch()

    def info(self, connection_id: str) -> dict[str, Any]:
        """GetConnection's response document."""
        connection = self.get(connection_id)
        return {
            "connectedAt": _iso(connection.connected_at_ms),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "lastActiveAt": _iso(connection.last_active_ms),
        }

    def disconnect(self, connection_id: str) -> None:
        connection = self.get(connection_id)
        self.remove(connection_id)
        connection.close()


class ConnectionsEndpoint:
    """The @connections HTTP endpoint over a registry; start() returns its base URL."""

    def __init__(self, registry: ConnectionRegistry, host: str = "127.0.0.1", port: int = 0):
        self.registry = registry
        self.host = host
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_class(self.registry))
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="connections-endpoint", daemon=True
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


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _handler_class(registry: ConnectionRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "localcloud-apigateway"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_POST(self) -> None:
            self._serve(self._post)

        def do_GET(self) -> None:
            self._serve(lambda connection_id, _body: (200, registry.info(connection_id)))

        def do_DELETE(self) -> None:
            self._serve(self._delete)

        @staticmethod
        def _post(connection_id: str, body: bytes) -> tuple[int, Any]:
            if len(body) > MAX_POST_BYTES:
                return 413, _error("PayloadTooLargeException", "Message too long")
            registry.post(connection_id, body)
            return 200, None

        @staticmethod
        def _delete(connection_id: str, _body: bytes) -> tuple[int, Any]:
            registry.disconnect(connection_id)
            return 204, None

        def _serve(self, action: Callable[[str, bytes], tuple[int, Any]]) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            match = _CONNECTION_PATH.match(unquote(self.path.split("?", 1)[0]))
            if match is None:
                self._reply(403, _error("ForbiddenException", "Forbidden"))
                return
            try:
                status, document = action(match.group("id"), body)
            except ConnectionGoneError:
                status, document = 410, _error("GoneException", None)
            except Exception:
                logger.exception("@connections %s failed", self.command)
                status, document = 500, _error("InternalServerErrorException", "Internal error")
            self._reply(status, document)

        def _reply(self, status: int, document: Any) -> None:
            error_type = document.pop("__type", None) if isinstance(document, dict) else None
            body = b"" if document is None else json.dumps(document).encode()
            self.send_response(status)
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug(format, *args)

    return Handler


def _error(error_type: str, message: str | None) -> dict[str, Any]:
    return {"__type": error_type, "message": message}
