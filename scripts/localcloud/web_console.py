"""The web console (`web/`) served locally, with the `config.json` the SPA reads at start.

`make up` binds the socket first (so `console_url` is known to `terraform apply`, which
allows that origin for CORS and puts it in the e-mail links), then hands the console its
configuration once the stack's endpoints exist, then serves.

What a static host must get right, locally as on CloudFront:
- only regular files under the root are served; `/` is `index.html`; no directory
  listing; `..`, encoded separators, NUL bytes and symlinks leaving the root are refused;
- explicit content types (never guessed from the host's mime database) and `nosniff`;
- a Content-Security-Policy without `unsafe-inline`, `frame-ancestors 'none'`, and
  `connect-src` limited to the origins in the configuration (REST, WebSocket, Cognito,
  the S3 endpoint for presigned uploads);
- `index.html` and `config.json` are never cached, so a new run is picked up at once.
"""

from __future__ import annotations

import json
import logging
import posixpath
import socket
import threading
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
WEB_ROOT = ROOT / "web"
CONFIG_PATH = "/config.json"
CONFIG_KEYS = (
    "restUrl",
    "websocketUrl",
    "region",
    "userPoolId",
    "userPoolClientId",
    "cognitoEndpoint",
)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
NO_STORE = {"/index.html", CONFIG_PATH}

log = logging.getLogger(__name__)


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute http(s)/ws(s) URL, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(connect_origins: Iterable[str]) -> str:
    connect = " ".join(["'self'", *sorted(set(connect_origins))])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def config_document(
    *,
    rest_url: str,
    websocket_url: str,
    region: str,
    user_pool_id: str,
    user_pool_client_id: str,
    cognito_endpoint: str,
) -> dict[str, str]:
    """The console's `config.json` (the same keys Terraform writes on AWS)."""
    return {
        "restUrl": rest_url.rstrip("/"),
        "websocketUrl": websocket_url,
        "region": region,
        "userPoolId": user_pool_id,
        "userPoolClientId": user_pool_client_id,
        "cognitoEndpoint": cognito_endpoint.rstrip("/") + "/",
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "web-console"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _refuse_method(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED, b"Method not allowed\n", extra={"Allow": "GET, HEAD"}
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    def _serve(self, *, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path == CONFIG_PATH:
            config = self.server.console.config
            if config is None:
                self._send(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    b'{"error": "NotReady"}\n',
                    "application/json",
                    send_body=send_body,
                )
            else:
                body = (json.dumps(config, indent=2) + "\n").encode()
                self._send(HTTPStatus.OK, body, "application/json", send_body=send_body, path=path)
            return
        file = self.server.console.resolve(path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", send_body=send_body)
            return
        content_type = CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
        served_as = "/" + file.relative_to(self.server.console.root).as_posix()
        self._send(
            HTTPStatus.OK, file.read_bytes(), content_type, send_body=send_body, path=served_as
        )

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str = "text/plain; charset=utf-8",
        *,
        send_body: bool = True,
        path: str = "",
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.server.console.security_headers().items():
            self.send_header(name, value)
        cache = "no-store" if path in NO_STORE or status != HTTPStatus.OK else "no-cache"
        self.send_header("Cache-Control", cache)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("web console: " + format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, console: WebConsole, sock: socket.socket) -> None:
        self.console = console
        super().__init__(sock.getsockname()[:2], _Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_activate()


class WebConsole:
    """`bind()` -> `url`; `configure(...)`; `start()`; `stop()`."""

    def __init__(self, root: Path = WEB_ROOT, port: int = 0, host: str = "127.0.0.1") -> None:
        self.root = root.resolve()
        self.host = host
        self.port = port
        self.config: dict[str, str] | None = None
        self._connect_origins: set[str] = set()
        self._socket: socket.socket | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The console's origin, without a trailing slash (Terraform's `console_url`)."""
        if self._socket is None:
            raise RuntimeError("bind() first")
        return f"http://{self.host}:{self._socket.getsockname()[1]}"

    def bind(self) -> str:
        """Reserves the port (before anything needs the URL) and returns the URL."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._socket = sock
        return self.url

    def configure(self, config: Mapping[str, str], extra_connect_urls: Iterable[str] = ()) -> None:
        """Sets `config.json` and the CSP's `connect-src` (its URLs' origins plus extras)."""
        missing = [key for key in CONFIG_KEYS if not config.get(key)]
        if missing:
            raise ValueError(f"config.json lacks {', '.join(missing)}")
        origins = {origin_of(str(value)) for value in config.values()}
        origins |= {origin_of(url) for url in extra_connect_urls}
        self._connect_origins = {origin for origin in origins if origin}
        self.config = dict(config)

    def security_headers(self) -> dict[str, str]:
        return {
            "Content-Security-Policy": content_security_policy(self._connect_origins),
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }

    def resolve(self, request_path: str) -> Path | None:
        """The regular file under the root a URL path names, or None (never outside)."""
        decoded = unquote(request_path)
        if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
            return None
        normalized = posixpath.normpath(decoded)
        if any(part.startswith(".") for part in normalized.split("/") if part):
            return None  # dot files and anything that still has `..`
        if normalized == "/":
            normalized = "/index.html"
        candidate = (self.root / normalized.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def start(self) -> None:
        if self._socket is None:
            self.bind()
        assert self._socket is not None
        self._server = _Server(self, self._socket)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},  # how soon stop() is noticed
            name="web-console",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        elif self._socket is not None:
            self._socket.close()
        self._socket = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
