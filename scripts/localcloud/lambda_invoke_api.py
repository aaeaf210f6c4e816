"""Lambda's Invoke API in front of the local runtime, for callers outside this process.

The emulator runs the Cognito pool's triggers (localcloud.cognito_emulation) but the
functions run here, in the runtime's execution environments. This server speaks the part
of Lambda's API an AWS service uses to call a function synchronously:

    POST /2015-03-31/functions/{name or ARN}/invocations   (the event as the body)

- 200 with the function's result; a function error is 200 too, with
  ``X-Amz-Function-Error: Unhandled`` and Lambda's error document (errorType, errorMessage);
- 404 ResourceNotFoundException, 429 TooManyRequestsException, 502 when the code is missing;
- ``X-Amz-Invocation-Type: Event`` is accepted (202) and run in the background,
  ``DryRun`` answers 204.

``register_with(emulator_url)`` tells the emulator where to send invocations.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from localcloud.cognito_emulation import LAMBDA_ENDPOINT_PATH
from localcloud.invocation import Invoker

_log = logging.getLogger(__name__)
_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations/?$")
_STATUS_OF_ERROR = {
    "ResourceNotFoundException": HTTPStatus.NOT_FOUND,
    "TooManyRequestsException": HTTPStatus.TOO_MANY_REQUESTS,
    "LocalRuntime.CodeNotFound": HTTPStatus.BAD_GATEWAY,
}


class LambdaInvokeApi:
    """A ThreadingHTTPServer on ``host`` (port 0: any free one) over ``invoker``."""

    def __init__(self, invoker: Invoker, host: str = "127.0.0.1", port: int = 0) -> None:
        self.invoker = invoker
        handler = type("Handler", (_InvokeHandler,), {"invoker": invoker})
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LambdaInvokeApi:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="lambda-invoke-api", daemon=True
        )
        self._thread.start()
        return self

    def register_with(self, emulator_url: str) -> None:
        """Tells the emulator to invoke functions (Cognito triggers) through this server."""
        set_emulator_lambda_endpoint(emulator_url, self.url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


def set_emulator_lambda_endpoint(emulator_url: str, url: str | None) -> None:
    request = urllib.request.Request(
        f"{emulator_url}{LAMBDA_ENDPOINT_PATH}",
        data=json.dumps({"url": url}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


class _InvokeHandler(BaseHTTPRequestHandler):
    invoker: Invoker
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        match = _INVOKE_PATH.match(urllib.parse.urlsplit(self.path).path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not match:
            self._error(HTTPStatus.NOT_FOUND, "UnknownOperationException", "Unknown operation")
            return
        function = urllib.parse.unquote(match.group(1))
        try:
            event: Any = json.loads(body) if body else {}
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "InvalidRequestContentException", "Invalid JSON")
            return
        invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        trace_header = self.headers.get("X-Amzn-Trace-Id")  # the caller's trace, continued
        if invocation_type == "DryRun":
            self._send(HTTPStatus.NO_CONTENT, b"")
            return
        if invocation_type == "Event":
            threading.Thread(
                target=self.invoker.invoke, args=(function, event, trace_header), daemon=True
            ).start()
            self._send(HTTPStatus.ACCEPTED, b"")
            return
        result = self.invoker.invoke(function, event, trace_header)
        if result.ok:
            self._send(HTTPStatus.OK, json.dumps(result.payload).encode())
            return
        error = result.error or {}
        status = _STATUS_OF_ERROR.get(str(error.get("errorType")))
        if status is not None:
            self._error(status, str(error["errorType"]), str(error.get("errorMessage", "")))
            return
        self._send(HTTPStatus.OK, json.dumps(error).encode(), {"X-Amz-Function-Error": "Unhandled"})

    def _error(self, status: HTTPStatus, error_type: str, message: str) -> None:
        body = json.dumps({"Type": "User", "message": message}).encode()
        self._send(status, body, {"x-amzn-ErrorType": error_type})

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Amz-Executed-Version", "$LATEST")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("lambda invoke api: " + format, *args)
