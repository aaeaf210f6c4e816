"""Browser tests: a real headless Chromium, driven by Playwright, against the same target
as the end-to-end suite (TARGET=local, localstack or aws).

The browser is Debian's `chromium` (scripts/install_browser.sh installs it; `make e2e`
calls that), or whatever `$CHROMIUM_PATH` names: Playwright's own browser download is not
used. Every test here carries the `browser` marker (`-m "not browser"` leaves them out).

Fixtures:
- `endpoints` (session): the target's endpoints, with `web_url` and `mailbox_url`;
- `browser` (session): the Chromium instance;
- `new_page(viewport="desktop"|"phone", **context_options)`: a Page in a fresh context
  (desktop 1280x800, phone 390x844); its console errors, uncaught exceptions, failed
  requests and HTTP error responses are collected (`new_page.problems(page)`) and
  reported when the test fails, together with a screenshot of every page still open;
- `shot(page, name)`: saves `tests/browser/results/<test>/<NN>-<name>.png`, returns the path;
- `assert_accessible(page, name)`: axe-core on the page as it is now; fails on any serious
  or critical violation; the report is saved beside the screenshots (`<NN>-<name>.axe.json`);
- `read_code(email, at_least=1)`: the newest Cognito verification code sent to that
  address, waiting up to ~20 s for it to arrive.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from tests.e2e.endpoints import Endpoints, load
from tests.e2e.mailbox import sent_emails

RESULTS_DIR = Path(__file__).resolve().parent / "results"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
BLOCKING_IMPACTS = ("serious", "critical")
# A request the browser cancelled (the page navigated away while it was in flight, e.g. the
# mailbox's poll when a link is clicked): not a failure of the page.
CANCELLED = "net::ERR_ABORTED"
CODE_SENDER = "no-reply@verificationemail.com"
CODE_SUBJECT = "Your verification code"
CODE_PATTERN = re.compile(r"\b(\d{6})\b")
CODE_WAIT_SECONDS = 20.0

_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_page_factory = pytest.StashKey["PageFactory"]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the item (fixtures see whether the test failed) and
    adds what the pages logged to a failed test's report."""
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    factory = item.stash.get(_page_factory, None)
    problems = factory.all_problems() if factory is not None and report.failed else []
    if problems:
        report.sections.append(("browser: what the pages logged", "\n".join(problems)))
    return report


def _failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_phase_reports, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="session")
def endpoints() -> Endpoints:
    loaded = load(os.environ.get("TARGET", "local"))
    if loaded.aws_endpoint_url:  # an emulator: any credentials will do
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    return loaded


def chromium_executable() -> str:
    """`$CHROMIUM_PATH`, else `chromium` on PATH (scripts/install_browser.sh installs it)."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        raise pytest.UsageError(
            "No Chromium found: run scripts/install_browser.sh (make e2e does) "
            "or set CHROMIUM_PATH to a Chromium or Chrome executable."
        )
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Playwright starts Chromium without its sandbox by default (needed as root, in CI)
    chromium = playwright.chromium.launch(executable_path=chromium_executable(), headless=True)
    yield chromium
    chromium.close()


@dataclass
class TestResults:
    """The test's folder under tests/browser/results/, emptied on first use, and the
    step counter its files are numbered with."""

    directory: Path
    step: int = 0
    _prepared: bool = False

    def next_path(self, name: str, suffix: str) -> Path:
        if not self._prepared:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory.mkdir(parents=True, exist_ok=True)
            self._prepared = True
        self.step += 1
        return self.directory / f"{self.step:02d}-{_safe(name)}{suffix}"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"


@pytest.fixture
def results(request: pytest.FixtureRequest) -> TestResults:
    return TestResults(RESULTS_DIR / _safe(request.node.name))


@dataclass
class PageFactory:
    """`new_page(viewport="desktop"|"phone", **context_options)` -> Page."""

    browser: Browser
    contexts: list[BrowserContext] = field(default_factory=list)
    _problems: dict[int, list[str]] = field(default_factory=dict)
    _pages: list[Page] = field(default_factory=list)

    def __call__(self, viewport: str = "desktop", **context_options: Any) -> Page:
        if viewport not in VIEWPORTS:
            raise ValueError(f"viewport must be one of {sorted(VIEWPORTS)}, not {viewport!r}")
        options = {"locale": "en-US", **VIEWPORTS[viewport], **context_options}
        context = self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        self._pages.append(page)
        log = self._problems.setdefault(id(page), [])
        page.on(
            "console",
            lambda message: (
                log.append(f"console {message.type}: {message.text} (at {_where(message)})")
                if message.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda error: log.append(f"uncaught exception: {error}"))
        page.on(
            "requestfailed",
            lambda request: (
                None
                if request.failure == CANCELLED
                else log.append(
                    f"request failed: {request.method} {request.url}: {request.failure}"
                )
            ),
        )
        page.on(
            "response",
            lambda response: (
                log.append(f"HTTP {response.status}: {response.request.method} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        return page

    def problems(self, page: Page) -> list[str]:
        """What the page logged so far: console errors and warnings, uncaught exceptions,
        failed requests, HTTP error responses."""
        return list(self._problems.get(id(page), []))

    def all_problems(self) -> list[str]:
        lines: list[str] = []
        for number, page in enumerate(self._pages, start=1):
            lines += [f"page {number} ({_url(page)}): {line}" for line in self.problems(page)]
        return lines

    def open_pages(self) -> list[Page]:
        return [page for page in self._pages if not page.is_closed()]

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):  # already closed with its browser
                context.close()


def _where(message: ConsoleMessage) -> str:
    location = message.location
    return f"{location.get('url', '?')}:{location.get('lineNumber', '?')}"


def _url(page: Page) -> str:
    try:
        return page.url
    except Exception:
        return "?"


@pytest.fixture
def new_page(
    browser: Browser, request: pytest.FixtureRequest, results: TestResults
) -> Iterator[PageFactory]:
    factory = PageFactory(browser)
    request.node.stash[_page_factory] = factory
    yield factory
    if _failed(request.node):
        problems = factory.all_problems()
        for page in factory.open_pages():
            try:
                page.screenshot(path=results.next_path("at-failure", ".png"), full_page=True)
            except Exception as error:
                problems.append(f"no screenshot at failure: {error}")
        if problems:
            results.next_path("page-problems", ".txt").write_text("\n".join(problems) + "\n")
    factory.close()


@pytest.fixture
def shot(results: TestResults) -> Callable[[Page, str], Path]:
    def take(page: Page, name: str) -> Path:
        path = results.next_path(name, ".png")
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe, results: TestResults) -> Callable[[Page, str], Path]:
    def check(page: Page, name: str) -> Path:
        response = axe.run(page).response
        violations = response.get("violations", [])
        report = results.next_path(name, ".axe.json")
        report.write_text(
            json.dumps(
                {
                    "url": response.get("url"),
                    "testEngine": response.get("testEngine"),
                    "violations": violations,
                },
                indent=2,
            )
        )
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        assert not blocking, (
            f"{len(blocking)} serious or critical accessibility violations on {page.url} "
            f"(report: {report}):\n" + "\n".join(_describe(v) for v in blocking)
        )
        return report

    return check


def _describe(violation: dict[str, Any]) -> str:
    targets = [", ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
    return (
        f"- {violation['id']} ({violation['impact']}): {violation['help']} "
        f"[{violation.get('helpUrl', '')}] at: {'; '.join(targets[:5])}"
        + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
    )


class SentEmail(Protocol):
    """What the code search reads of tests.e2e.mailbox.Email."""

    @property
    def source(self) -> str: ...
    @property
    def recipients(self) -> tuple[str, ...]: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...


def verification_codes(emails: Sequence[SentEmail], address: str) -> list[str]:
    """The Cognito codes sent to `address`, oldest first."""
    wanted = address.strip().lower()
    codes = []
    for email in emails:
        if parseaddr(email.source)[1].lower() != CODE_SENDER or email.subject != CODE_SUBJECT:
            continue
        if wanted not in (parseaddr(r)[1].lower() for r in email.recipients):
            continue
        found = CODE_PATTERN.search(email.body)
        if found:
            codes.append(found.group(1))
    return codes


@pytest.fixture
def read_code(endpoints: Endpoints) -> Callable[..., str]:
    """`read_code(email, at_least=1)`: the newest verification code sent to `email`, once
    at least `at_least` codes reached it (a second code, after a resend or a forgotten
    password: `at_least=2`)."""

    def read(email: str, at_least: int = 1, timeout: float = CODE_WAIT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while True:
            emails = sent_emails(endpoints)
            if emails is None:
                pytest.skip(f"TARGET={endpoints.target} keeps no mailbox to read codes from")
            codes = verification_codes(emails, email)
            if len(codes) >= at_least:
                return codes[-1]
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(codes)} verification code(s) reached {email} within {timeout:.0f} s "
                    f"(waited for {at_least}); {len(emails)} e-mails recorded in all"
                )
            time.sleep(0.5)

    return read
