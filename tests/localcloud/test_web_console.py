"""The local static server of the web console: files, config.json, headers, refusals."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from localcloud.web_console import WEB_ROOT, WebConsole, config_document

CONFIG = config_document(
    rest_url="http://127.0.0.1:4001/",
    websocket_url="ws://127.0.0.1:4002",
    region="us-east-1",
    user_pool_id="us-east-1_abc",
    user_pool_client_id="client123",
    cognito_endpoint="http://127.0.0.1:4000",
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "web"
    (root / "js").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>shop</title>")
    (root / "js" / "app.js").write_text("export const x = 1;\n")
    (root / "style.css").write_text("body{}")
    (root / ".secret").write_text("hidden")
    (root / "blob.bin").write_bytes(b"\x00\x01")
    (tmp_path / "outside.txt").write_text("outside the root")
    os.symlink(tmp_path / "outside.txt", root / "link.txt")
    return root


@pytest.fixture
def console(site: Path) -> Iterator[WebConsole]:
    server = WebConsole(root=site)
    server.bind()
    server.start()
    yield server
    server.stop()


def request(console: WebConsole, path: str, method: str = "GET") -> http.client.HTTPResponse:
    host, port = console.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    # putrequest sends the path byte for byte (no normalisation by the client)
    connection.putrequest(method, path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    return response


def body_of(console: WebConsole, path: str) -> bytes:
    host, port = console.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)
    return connection.getresponse().read()


def test_the_url_is_known_after_bind_before_serving(site: Path) -> None:
    server = WebConsole(root=site)
    url = server.bind()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert not url.endswith("/")
        assert int(url.rsplit(":", 1)[1]) > 0
    finally:
        server.stop()


def test_serves_index_at_root_and_files_with_explicit_types(console: WebConsole) -> None:
    root = request(console, "/")
    assert root.status == 200
    assert root.getheader("Content-Type") == "text/html; charset=utf-8"
    assert root.getheader("Cache-Control") == "no-store"
    assert body_of(console, "/") == b"<!doctype html><title>shop</title>"

    script = request(console, "/js/app.js")
    assert script.status == 200
    assert script.getheader("Content-Type") == "text/javascript; charset=utf-8"
    assert request(console, "/style.css").getheader("Content-Type") == "text/css; charset=utf-8"
    assert request(console, "/blob.bin").getheader("Content-Type") == "application/octet-stream"
    assert request(console, "/js/app.js?v=1").status == 200


def test_head_has_headers_and_no_body(console: WebConsole) -> None:
    response = request(console, "/index.html", method="HEAD")
    assert response.status == 200
    assert response.getheader("Content-Length") == str(len("<!doctype html><title>shop</title>"))


def test_security_headers_on_every_answer(console: WebConsole) -> None:
    console.configure(CONFIG, extra_connect_urls=["http://127.0.0.1:4000/bucket"])
    for path in ("/", "/js/app.js", "/config.json", "/missing"):
        response = request(console, path)
        csp = response.getheader("Content-Security-Policy") or ""
        assert "unsafe-inline" not in csp
        assert "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert response.getheader("X-Content-Type-Options") == "nosniff"
        assert response.getheader("X-Frame-Options") == "DENY"
    connect = next(
        part
        for part in (request(console, "/").getheader("Content-Security-Policy") or "").split("; ")
        if part.startswith("connect-src")
    )
    assert connect.split()[1:] == [
        "'self'",
        "http://127.0.0.1:4000",
        "http://127.0.0.1:4001",
        "ws://127.0.0.1:4002",
    ]


def test_config_json_is_unavailable_until_configured_then_served(console: WebConsole) -> None:
    assert request(console, "/config.json").status == 503
    console.configure(CONFIG)
    response = request(console, "/config.json")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/json"
    assert response.getheader("Cache-Control") == "no-store"
    assert json.loads(body_of(console, "/config.json")) == {
        "restUrl": "http://127.0.0.1:4001",
        "websocketUrl": "ws://127.0.0.1:4002",
        "region": "us-east-1",
        "userPoolId": "us-east-1_abc",
        "userPoolClientId": "client123",
        "cognitoEndpoint": "http://127.0.0.1:4000/",
    }


def test_configure_refuses_a_config_with_missing_keys(console: WebConsole) -> None:
    with pytest.raises(ValueError, match="userPoolId"):
        console.configure({**CONFIG, "userPoolId": ""})


@pytest.mark.parametrize(
    "path",
    [
        "/../outside.txt",
        "/js/../../outside.txt",
        "/%2e%2e/outside.txt",
        "/js/%2e%2e/%2e%2e/outside.txt",
        "/..%2foutside.txt",
        "/js%2f..%2f..%2foutside.txt",
        "/..\\outside.txt",
        "/%5c..%5coutside.txt",
        "/index.html%00.js",
        "/link.txt",
        "/.secret",
        "//etc/passwd",
        "/etc/passwd",
    ],
)
def test_nothing_outside_the_root_or_hidden_is_served(console: WebConsole, path: str) -> None:
    response = request(console, path)
    assert response.status == 404, path


def test_no_directory_listing(console: WebConsole) -> None:
    assert request(console, "/js/").status == 404
    assert request(console, "/js").status == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_only_get_and_head(console: WebConsole, method: str) -> None:
    response = request(console, "/index.html", method=method)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_the_real_console_has_an_index_and_a_module_entry_point() -> None:
    server = WebConsole(root=WEB_ROOT)
    assert server.resolve("/") == WEB_ROOT.resolve() / "index.html"
    assert server.resolve("/js/main.js") is not None
    assert server.resolve("/../Makefile") is None  # the repository root stays out
