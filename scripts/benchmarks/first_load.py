"""The console's first load: every file a browser downloads to show `web/index.html`,
compressed, against the budget (150 KB compressed, issue 12).

Two ways to find the files, both reported:
- loading the page in headless Chromium (Playwright) from a static server of `web/` and
  recording every same-origin response: exactly what a browser fetches, including modules
  imported dynamically at start-up, fonts and `config.json` (a stand-in when `web/` has
  none: locally and on AWS it is generated);
- walking the static graph from index.html without a browser: scripts, module imports
  (`import ... from`, `export ... from`, an import map), stylesheets and their `@import`s,
  preloads, icons. Dynamic `import()`s are listed apart (not counted).
The budget is checked on the browser's figure when Chromium is available, else on the
graph's.

Sizes: raw, gzip -9 and brotli (quality 11) per file, as HTTP compresses each response on
its own. `served_bytes` is what CloudFront sends a browser that accepts brotli: it
compresses text types from 1,000 bytes up and sends smaller files as they are. The
budget is checked on the gzip total (every browser and proxy speaks gzip; brotli is
smaller).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import brotli

BUDGET_BYTES = 150_000
CLOUDFRONT_MIN_BYTES = 1_000
CLOUDFRONT_MAX_BYTES = 10_000_000
COMPRESSIBLE_SUFFIXES = {
    ".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map", ".webmanifest", ".xml",
    ".ico", ".ttf", ".otf",
}  # fmt: skip
STAND_IN_CONFIG = {
    "restUrl": "http://127.0.0.1:9/api",
    "websocketUrl": "ws://127.0.0.1:9/ws",
    "region": "us-east-1",
    "userPoolId": "us-east-1_benchmark",
    "userPoolClientId": "benchmark",
    "cognitoEndpoint": "http://127.0.0.1:9/",
}
"""Unreachable endpoints: the first load is the console's own files; its API calls fail
fast and are not counted."""
SETTLE_MS = 5_000
PAGE = "/index.html"

_STATIC_IMPORT = re.compile(
    r"""(?:^|[;\s})])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']""", re.MULTILINE
)
_EXPORT_FROM = re.compile(r"""(?:^|[;\s}])export\s*[\w$*{}\s,]*?\s*from\s*["']([^"'\n]+)["']""")
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"'\n]+)["']\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")
_COMMENTS = re.compile(r"/\*.*?\*/|(?<![:\"'\\])//[^\n]*", re.DOTALL)
_LINK_RELS = {"stylesheet", "modulepreload", "preload", "icon", "manifest"}


def sizes(data: bytes, suffix: str) -> dict[str, int]:
    compressed_gzip = len(gzip.compress(data, compresslevel=9, mtime=0))
    compressed_brotli = len(brotli.compress(data, quality=11))
    compressible = suffix.lower() in COMPRESSIBLE_SUFFIXES
    served = (
        compressed_brotli
        if compressible and CLOUDFRONT_MIN_BYTES <= len(data) <= CLOUDFRONT_MAX_BYTES
        else len(data)
    )
    return {"bytes": len(data), "gzip": compressed_gzip, "brotli": compressed_brotli,
            "served": served}  # fmt: skip


# --- the static graph -----------------------------------------------------------------


@dataclass
class Graph:
    files: list[str] = field(default_factory=list)
    lazy: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class _PageReferences(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.inline_modules: list[str] = []
        self.import_map: dict[str, str] = {}
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            if values.get("src"):
                self.references.append(values["src"])
                self._script_type = None
            else:
                self._script_type = values.get("type", "")
        elif tag == "link" and values.get("href"):
            if _LINK_RELS & set(values.get("rel", "").lower().split()):
                self.references.append(values["href"])
        elif tag == "img" and values.get("src"):
            self.references.append(values["src"])

    def handle_data(self, data: str) -> None:
        if self._script_type == "module":
            self.inline_modules.append(data)
        elif self._script_type == "importmap":
            self.import_map.update(json.loads(data).get("imports", {}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_type = None


def module_graph(web: Path) -> Graph:
    """The files index.html needs before it can run, found without a browser."""
    graph = Graph()
    page = _PageReferences()
    page.feed((web / "index.html").read_text(encoding="utf-8"))
    base = PAGE
    pending: list[tuple[str, str]] = [(base, ref) for ref in page.references]
    for module in page.inline_modules:
        pending += [(base, ref) for ref in _js_references(module, graph, base, page)]
    graph.files.append("index.html")
    seen = {base}
    while pending:
        origin, reference = pending.pop(0)
        if reference.startswith("data:"):  # inline: nothing to download
            continue
        target = _resolve(origin, reference, page.import_map)
        if target is None:
            graph.external.append(reference)
            continue
        if target in seen:
            continue
        seen.add(target)
        file = web / target.lstrip("/")
        if not file.is_file():
            graph.missing.append(target.lstrip("/"))
            continue
        graph.files.append(target.lstrip("/"))
        if file.suffix in (".js", ".mjs"):
            source = file.read_text(encoding="utf-8")
            pending += [(target, ref) for ref in _js_references(source, graph, target, page)]
        elif file.suffix == ".css":
            source = _COMMENTS.sub("", file.read_text(encoding="utf-8"))
            pending += [(target, ref) for ref in _CSS_IMPORT.findall(source)]
    return graph


def _js_references(source: str, graph: Graph, origin: str, page: _PageReferences) -> list[str]:
    code = _COMMENTS.sub("", source)
    for lazy in _DYNAMIC_IMPORT.findall(code):
        target = _resolve(origin, lazy, page.import_map)
        if target is not None and target.lstrip("/") not in graph.lazy:
            graph.lazy.append(target.lstrip("/"))
    return _STATIC_IMPORT.findall(code) + _EXPORT_FROM.findall(code)


def _resolve(origin: str, reference: str, import_map: dict[str, str]) -> str | None:
    """The site path a reference names, or None when it leaves the site."""
    if reference in import_map:  # an import map's addresses are relative to the page
        origin, reference = PAGE, import_map[reference]
    else:
        for prefix, target in import_map.items():
            if prefix.endswith("/") and reference.startswith(prefix):
                origin, reference = PAGE, target + reference[len(prefix) :]
                break
    resolved = urlsplit(urljoin(f"http://site{origin}", reference))
    if resolved.netloc != "site":
        return None
    path = PurePosixPath(unquote(resolved.path))
    return str(path / "index.html" if resolved.path.endswith("/") else path)


# --- in a browser ---------------------------------------------------------------------


def chromium_executable() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the handler class's own table, extended)
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if (
            urlsplit(self.path).path == "/config.json"
            and not Path(self.directory, "config.json").exists()
        ):
            body = json.dumps(STAND_IN_CONFIG).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@contextmanager
def static_server(web: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(web)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def browser_load(web: Path, executable: str | None = None, browser: Any = None) -> dict[str, Any]:
    """Loads index.html in headless Chromium (`browser`, a Playwright Browser, or one
    started from `executable`); the same-origin files it fetched, in order, and those it
    could not get."""
    if browser is not None:
        return _load(web, browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        started = driver.chromium.launch(executable_path=executable, headless=True)
        try:
            return _load(web, started)
        finally:
            started.close()


def _load(web: Path, browser: Any) -> dict[str, Any]:
    from playwright.sync_api import Error as PlaywrightError

    fetched: list[str] = []
    failed: list[str] = []
    with static_server(web) as base:
        context = browser.new_context()
        try:
            page = context.new_page()

            def record(response: Any) -> None:
                url = urlsplit(response.url)
                if f"{url.scheme}://{url.netloc}" != base:
                    return
                path = unquote(url.path).lstrip("/") or "index.html"
                (fetched if response.ok else failed).append(path)

            page.on("response", record)
            page.goto(f"{base}/", wait_until="load")
            # something that keeps polling never idles: what loaded so far is the first load
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
        finally:
            context.close()
    return {"files": list(dict.fromkeys(fetched)), "failed": list(dict.fromkeys(failed))}


# --- the figure -----------------------------------------------------------------------


def _file_bytes(web: Path, path: str) -> bytes:
    file = web / path
    if path == "config.json" and not file.exists():
        return json.dumps(STAND_IN_CONFIG).encode()
    if file.is_dir():
        file = file / "index.html"
    return file.read_bytes()


def measure(web: Path, *, use_browser: bool = True, browser: Any = None) -> dict[str, Any]:
    """The first-load figure of the console in `web`; `browser`: a running Playwright
    Browser to load it in (else one is started when Chromium is installed)."""
    if not (web / "index.html").is_file():
        return {"skipped": f"no console: {web}/index.html does not exist"}
    graph = module_graph(web)
    result: dict[str, Any] = {
        "web": os.path.relpath(web) if web.resolve().is_relative_to(Path.cwd()) else str(web),
        "budget_bytes": BUDGET_BYTES,
        "module_graph": {
            "files": graph.files,
            "lazy": graph.lazy,
            "external": graph.external,
            "missing": graph.missing,
        },
    }
    executable = chromium_executable() if use_browser else None
    if use_browser and (browser is not None or executable):
        loaded = browser_load(web, executable, browser)
        result["method"] = "chromium"
        result["failed"] = loaded["failed"]
        counted = loaded["files"]
    else:
        result["method"] = "module-graph"
        result["why_not_chromium"] = (
            "not asked (--quick)" if not use_browser else "no Chromium (scripts/install_browser.sh)"
        )
        counted = graph.files
    files = {path: sizes(_file_bytes(web, path), PurePosixPath(path).suffix) for path in counted}
    total = {
        key: sum(f[key] for f in files.values()) for key in ("bytes", "gzip", "brotli", "served")
    }
    result["files"] = files
    result["total"] = total
    result["within_budget"] = total["gzip"] <= BUDGET_BYTES
    return result
