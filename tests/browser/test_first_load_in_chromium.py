"""`make bench`'s console first-load figure, measured in headless Chromium: what the
browser fetched is what the module graph predicts, plus what the page asks for when it
runs (config.json), and nothing it only imports lazily."""

from __future__ import annotations

from pathlib import Path

from benchmarks import first_load
from playwright.sync_api import Browser

from tests.bench.console_fixture import FIRST_LOAD, build


def test_chromium_fetches_the_static_graph_and_what_runs_at_start(
    tmp_path: Path, browser: Browser
) -> None:
    web = build(tmp_path)

    loaded = first_load.browser_load(web, browser=browser)

    assert set(loaded["files"]) == FIRST_LOAD | {"config.json"}
    assert loaded["failed"] == []


def test_the_figure_counts_what_chromium_loaded(tmp_path: Path, browser: Browser) -> None:
    web = build(tmp_path)

    result = first_load.measure(web, browser=browser)

    assert result["method"] == "chromium"
    assert set(result["files"]) == FIRST_LOAD | {"config.json"}
    assert result["module_graph"]["lazy"] == ["js/admin.js"]
    assert result["total"]["gzip"] == sum(f["gzip"] for f in result["files"].values())
