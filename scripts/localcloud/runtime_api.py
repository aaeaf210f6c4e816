"""A Lambda Runtime API server for one execution environment (one worker process).

Speaks the subset the runtime interface client (awslambdaric) uses:

    GET  /2018-06-01/runtime/invocation/next          -> the next event, with headers
    POST /2018-06-01/runtime/invocation/{id}/response -> the handler's result
    POST /2018-06-01/runtime/invocation/{id}/error    -> the handler's error document
    POST /2018-06-01/runtime/init/error               -> the init (import) error document
"""

from __future__ import annotations

import json
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_PREFIX = "/2018-06-01/runtime"
MAX_RESPONSE_BYTES = 6 * 1024 * 1024


@dataclass
class Invocation:
    """One event on its way through a worker; the first outcome wins."""

    request_id: str
    event: bytes
    function_arn: str
    timeout_s: float
    trace_id: str
    deadline_ms: int | None = None
    """Epoch milliseconds at which the invocation times out; set once the runtime takes it."""
    started_at: float | None = None
    finished_at: float | None = None
    response: bytes | None = None
    error: dict[str, Any] | None = None
    _done: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _finished: bool = field(default=False, init=False)

    def start(self) -> None:
        with self._done:
            self.started_at = time.monotonic()
            self.deadline_ms = int(time.time() * 1000 + self.timeout_s * 1000)
            self._done.notify_all()

    def succeed(self, response: bytes) -> bool:
        return self._finish(response, None)

    def fail(self, error: dict[str, Any]) -> bool:
        return self._finish(None, error)

    def _finish(self, response: bytes | None, error: dict[str, Any] | None) -> bool:
        with self._done:
            if self._finished:
                return False
            self.response, self.error, self._finished = response, error, True
            self.finished_at = time.monotonic()
            self._done.notify_all()
            return True

    @property
    def finished(self) -> bool:
        return self._finished

    def wait(self, init_timeout_s: float) -> bool:
        """Waits for an outcome: `init_timeout_s` until the runtime takes the event, then
        until the deadline. False when either limit passed first."""
        limit = time.monotonic() + init_timeout_s
        with self._done:
            while not self._finished:
                if self.started_at is not None:
                    limit = self.started_at + self.timeout_s
                remaining = limit - time.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(remaining)
            return True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A runtime killed mid-request (timeout, crash) is business as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RuntimeApi:
    """Serves the Runtime API on 127.0.0.1 (a free port) on a background thread."""

    def __init__(self, on_init_error: Callable[[dict[str, Any]], None]) -> None:
        self._next: queue.SimpleQueue[Invocation | None] = queue.SimpleQueue()
        self._in_flight: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self._on_init_error = on_init_error
        self._server = _QuietServer(("127.0.0.1", 0), _handler_class(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="runtime-api", daemon=True
        )
        self._thread.start()

    @property
    def address(self) -> str:
        """host:port, the value of AWS_LAMBDA_RUNTIME_API."""
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def submit(self, invocation: Invocation) -> None:
        with self._lock:
            self._in_flight[invocation.request_id] = invocation
        self._next.put(invocation)

    def forget(self, invocation: Invocation) -> None:
        with self._lock:
            self._in_flight.pop(invocation.request_id, None)

    def close(self) -> None:
        """Releases waiting requests and stops serving (in the background: shutdown() waits
        for the serve loop's next poll)."""
        self._next.put(None)
        threading.Thread(target=self._shut_down, daemon=True).start()

    def _shut_down(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- called by the request handler --

    def next_invocation(self) -> Invocation | None:
        while True:
            invocation = self._next.get()
            if invocation is None:
                self._next.put(None)  # keep every other waiter released too
                return None
            if not invocation.finished:
                invocation.start()
                return invocation

    def in_flight(self, request_id: str) -> Invocation | None:
        with self._lock:
            return self._in_flight.get(request_id)

    def init_error(self, error: dict[str, Any]) -> None:
        self._on_init_error(error)


def _handler_class(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class RuntimeApiHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "LocalLambdaRuntimeAPI"

        def setup(self) -> None:
            super().setup()
            # headers and body leave in separate writes: without this, Nagle's algorithm
            # and the client's delayed ACKs add ~40 ms to every exchange
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the worker's own output is what matters."""

        def do_GET(self) -> None:
            if self.path != f"{API_PREFIX}/invocation/next":
                self._reply(HTTPStatus.NOT_FOUND, {"errorMessage": f"unknown path {self.path}"})
                return
            invocation = api.next_invocation()
            if invocation is None:
                self._reply(HTTPStatus.GONE, {"errorMessage": "runtime is shutting down"})
                return
            headers = {
                "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                "Lambda-Runtime-Trace-Id": invocation.trace_id,
            }
            self._send(HTTPStatus.OK, invocation.event, headers)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == f"{API_PREFIX}/init/error":
                api.init_error(_error_document(body, self.headers))
                self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})
                return
            parts = self.path.removeprefix(f"{API_PREFIX}/invocation/").split("/")
            invocation = api.in_flight(parts[0]) if len(parts) == 2 else None
            if invocation is None or parts[1] not in ("response", "error"):
                self._reply(HTTPStatus.BAD_REQUEST, {"errorType": "InvalidRequestID"})
                return
            if parts[1] == "error":
                invocation.fail(_error_document(body, self.headers))
            elif len(body) > MAX_RESPONSE_BYTES:
                invocation.fail(
                    {
                        "errorType": "Function.ResponseSizeTooLarge",
                        "errorMessage": f"Response payload size ({len(body)} bytes) exceeded"
                        f" maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes).",
                    }
                )
            else:
                invocation.succeed(body)
            self._reply(HTTPStatus.ACCEPTED, {"status": "OK"})

        def _reply(self, status: HTTPStatus, document: dict[str, Any]) -> None:
            self._send(status, json.dumps(document).encode(), {})

        def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return RuntimeApiHandler


def _error_document(body: bytes, headers: Any) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, dict):
        return document
    return {
        "errorType": headers.get("Lambda-Runtime-Function-Error-Type") or "Runtime.Unknown",
        "errorMessage": body.decode(errors="replace"),
    }
