"""The local mailbox: a small web page of the e-mails the emulator recorded (`mailbox_url`).

Locally SES does not deliver: the emulator keeps every message (order outcomes with
their invoice PDF, Cognito's verification codes). This server shows them, newest first,
to people (`/`, `/messages/<id>`) and to scripts (`/api/messages`, `/api/messages/<id>`;
`?to=<address>` filters by recipient).

Local only: it binds 127.0.0.1. Every page is sent with a strict Content-Security-Policy
(scripts and styles from this server only, no inline code); an e-mail's HTML part is
served on its own URL with a CSP `sandbox` and shown in a sandboxed frame, so nothing in
an e-mail can run or reach the network. Attachments download with their own names and
content types (never rendered here: `Content-Disposition: attachment`, `nosniff`).

The port comes from `LOCALCLOUD_MAILBOX_PORT` (default 0: a free one).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import urllib.error
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from localcloud.mail_store import MailMessage, MailStore
from localcloud.mailbox_pages import (
    PageContext,
    choose_language,
    list_page,
    message_page,
    notice_page,
)

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "mailbox_static"
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
MAIL_POLICY = (
    # An e-mail's HTML, shown in the pages' sandboxed frame: no script, no request leaves
    # it (images only as data: URLs); inline styles stay, e-mails are styled that way.
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
)
DOWNLOAD_POLICY = "sandbox; default-src 'none'"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
MESSAGE_ROUTE = re.compile(r"^/messages/([^/]+)(?:/(html|attachments/(\d+)))?$")
API_MESSAGE_ROUTE = re.compile(r"^/api/messages/([^/]+)$")


class MailboxServer:
    """The mailbox's HTTP server, in a daemon thread; start() binds, stop() closes."""

    def __init__(self, emulator_url: str, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.store = MailStore(emulator_url)
        self.host = host
        self.port = int(os.environ.get("LOCALCLOUD_MAILBOX_PORT", "0")) if port is None else port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the mailbox is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> MailboxServer:
        store = self.store

        class Handler(MailboxHandler):
            mail_store = store

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="mailbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class MailboxHandler(BaseHTTPRequestHandler):
    mail_store: MailStore
    server_version = "localcloud-mailbox"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("mailbox: " + format, *args)

    def do_HEAD(self) -> None:
        self._dispatch(send_body=False)

    def do_GET(self) -> None:
        self._dispatch(send_body=True)

    def _refuse(self) -> None:
        self._send_json(
            HTTPStatus.METHOD_NOT_ALLOWED,
            {"error": "MethodNotAllowed", "message": "The mailbox is read-only: use GET."},
            extra={"Allow": "GET, HEAD"},
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def _dispatch(self, send_body: bool) -> None:
        self._send_body = send_body
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self._context = PageContext(
            language=choose_language(_first(query, "lang"), self.headers.get("Accept-Language")),
            explicit_language=bool(query.get("lang")),
        )
        path = url.path
        try:
            if path.startswith("/api/"):
                self._api(path, query)
            elif path.startswith("/static/"):
                self._static(path)
            elif path in ("/", "/index.html"):
                self._send_page(HTTPStatus.OK, list_page(self._context, self.mail_store.messages()))
            elif (match := MESSAGE_ROUTE.match(path)) is not None:
                self._message(unquote(match.group(1)), match.group(2), match.group(3))
            else:
                self._send_page(HTTPStatus.NOT_FOUND, notice_page(self._context, "not_found"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            if isinstance(error, BrokenPipeError | ConnectionResetError):
                return
            logger.warning("mailbox: cannot read the emulator's e-mails: %s", error)
            if path.startswith("/api/"):
                self._send_json(
                    HTTPStatus.BAD_GATEWAY,
                    {
                        "error": "EmulatorUnavailable",
                        "message": f"The emulator does not answer: {error}",
                    },
                )
            else:
                self._send_page(HTTPStatus.BAD_GATEWAY, notice_page(self._context, "unreachable"))

    def _api(self, path: str, query: dict[str, list[str]]) -> None:
        if path == "/api/messages":
            messages = self.mail_store.messages()
            recipient = _first(query, "to")
            if recipient:
                messages = [m for m in messages if m.sent_to(recipient)]
            self._send_json(HTTPStatus.OK, {"messages": [_api_form(m) for m in messages]})
            return
        match = API_MESSAGE_ROUTE.match(path)
        message = self.mail_store.message(unquote(match.group(1))) if match else None
        if message is None:
            self._send_json(
                HTTPStatus.NOT_FOUND,
                {"error": "NotFound", "message": f"No e-mail at {path}."},
            )
            return
        self._send_json(HTTPStatus.OK, _api_form(message))

    def _message(self, message_id: str, part: str | None, attachment: str | None) -> None:
        message = self.mail_store.message(message_id)
        if message is None:
            self._send_page(HTTPStatus.NOT_FOUND, notice_page(self._context, "not_found"))
        elif part is None:
            self._send_page(HTTPStatus.OK, message_page(self._context, message))
        elif part == "html" and message.html is not None:
            self._send(
                HTTPStatus.OK,
                message.html.encode(),
                "text/html; charset=utf-8",
                {"Content-Security-Policy": MAIL_POLICY},
            )
        elif attachment is not None and int(attachment) < len(message.attachments):
            found = message.attachments[int(attachment)]
            self._send(
                HTTPStatus.OK,
                found.data,
                found.content_type,
                {
                    "Content-Security-Policy": DOWNLOAD_POLICY,
                    "Content-Disposition": _attachment_disposition(found.filename),
                },
            )
        else:
            self._send_page(HTTPStatus.NOT_FOUND, notice_page(self._context, "not_found"))

    def _static(self, path: str) -> None:
        name = path.removeprefix("/static/")
        file = STATIC_DIR / name
        if "/" in name or file.suffix not in STATIC_TYPES or not file.is_file():
            self._send_page(HTTPStatus.NOT_FOUND, notice_page(self._context, "not_found"))
            return
        self._send(
            HTTPStatus.OK,
            file.read_bytes(),
            STATIC_TYPES[file.suffix],
            {"Content-Security-Policy": PAGE_POLICY},
        )

    def _send_page(self, status: HTTPStatus, page: str) -> None:
        self._send(
            status,
            page.encode(),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": PAGE_POLICY, "Content-Language": self._context.language},
        )

    def _send_json(
        self, status: HTTPStatus, body: Any, extra: dict[str, str] | None = None
    ) -> None:
        headers = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"}
        self._send(
            status,
            json.dumps(body, indent=2).encode(),
            "application/json",
            {**headers, **(extra or {})},
        )

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, headers: dict[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in {**COMMON_HEADERS, **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "_send_body", True):
            self.wfile.write(body)


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _api_form(message: MailMessage) -> dict[str, Any]:
    form = message.summary()
    base = f"/messages/{quote(message.id, safe='')}"
    form["url"] = base
    for attachment in form["attachments"]:
        attachment["url"] = f"{base}/attachments/{attachment['index']}"
    return form


def _attachment_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback name and the exact one, percent-encoded (RFC 8187)."""
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", filename) or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
