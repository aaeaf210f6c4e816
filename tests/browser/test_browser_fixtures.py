"""The browser fixtures themselves, against small pages served from a temporary folder:
no local cloud needed."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import RESULTS_DIR, PageFactory, verification_codes
from tests.e2e.mailbox import Email

ACCESSIBLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fixture page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Hello</h1>
<form><label for="q">Search</label><input id="q" name="q"></form>
<script src="missing.js"></script>
</main></body></html>
"""
INACCESSIBLE = """<!doctype html>
<html><head><title>Broken page</title></head>
<body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input name="unlabelled"></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    (root / "ok.html").write_text(ACCESSIBLE)
    (root / "broken.html").write_text(INACCESSIBLE)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("viewport", "width"), [("desktop", 1280), ("phone", 390)])
def test_screenshots_are_numbered_in_the_tests_results_folder(
    new_page: PageFactory,
    shot: Callable[[Page, str], Path],
    site: str,
    viewport: str,
    width: int,
) -> None:
    page = new_page(viewport)
    page.goto(f"{site}/ok.html")

    first, second = shot(page, "loaded"), shot(page, "again: same page")

    assert page.evaluate("window.innerWidth") == width
    assert first.parent.parent == RESULTS_DIR
    assert first.parent.name.endswith(f"_folder_{viewport}-{width}")
    assert (first.name, second.name) == ("01-loaded.png", "02-again_same_page.png")
    assert first.read_bytes().startswith(b"\x89PNG")


def test_an_accessible_page_passes_and_its_report_is_saved(
    new_page: PageFactory, assert_accessible: Callable[[Page, str], Path], site: str
) -> None:
    page = new_page()
    page.goto(f"{site}/ok.html")

    report = assert_accessible(page, "ok")

    assert report.name == "01-ok.axe.json"
    assert json.loads(report.read_text())["url"].endswith("/ok.html")


def test_serious_and_critical_violations_fail_the_check(
    new_page: PageFactory, assert_accessible: Callable[[Page, str], Path], site: str
) -> None:
    page = new_page("phone")
    page.goto(f"{site}/broken.html")

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "broken")

    assert "image-alt (critical)" in str(failure.value)
    assert "label (critical)" in str(failure.value)


def test_what_a_page_logs_is_collected(new_page: PageFactory, site: str) -> None:
    page = new_page()
    page.goto(f"{site}/ok.html")
    page.evaluate("console.error('something broke')")

    problems = new_page.problems(page)

    assert any("HTTP 404" in line and "missing.js" in line for line in problems), problems
    assert any("console error: something broke" in line for line in problems), problems


def test_verification_codes_are_read_for_one_address_oldest_first() -> None:
    def code_mail(to: str, code: str) -> Email:
        return Email(
            source="no-reply@verificationemail.com",
            recipients=(to,),
            subject="Your verification code",
            body=f"Your verification code is {code}.",
        )

    emails = [
        code_mail("Ana@Example.com", "111111"),
        code_mail("bob@example.com", "222222"),
        Email("shop@example.com", ("ana@example.com",), "Order confirmed", "Order 333333"),
        code_mail("ana@example.com", "444444"),
    ]

    assert verification_codes(emails, "ana@example.com") == ["111111", "444444"]
    assert verification_codes(emails, "carol@example.com") == []
