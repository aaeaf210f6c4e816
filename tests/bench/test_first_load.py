"""The console's first-load figure (scripts/benchmarks/first_load.py) without a browser;
tests/browser/test_first_load_in_chromium.py loads the same tree in Chromium."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import brotli
from benchmarks import first_load
from benchmarks.report import table, verdicts

from tests.bench.console_fixture import FIRST_LOAD, build


def test_the_module_graph_follows_imports_stylesheets_and_the_import_map(
    tmp_path: Path,
) -> None:
    graph = first_load.module_graph(build(tmp_path))

    assert set(graph.files) == FIRST_LOAD
    assert graph.files[0] == "index.html"
    assert graph.lazy == ["js/admin.js"]
    assert (graph.external, graph.missing) == ([], [])


def test_references_that_leave_the_site_or_point_nowhere_are_reported(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<script type="module">import "https://cdn.example.com/x.js"; import "./gone.js";</script>'
    )

    graph = first_load.module_graph(tmp_path)

    assert graph.external == ["https://cdn.example.com/x.js"]
    assert graph.missing == ["gone.js"]


def test_each_file_is_compressed_on_its_own_and_summed(tmp_path: Path) -> None:
    web = build(tmp_path)

    result = first_load.measure(web, use_browser=False)

    assert result["method"] == "module-graph"
    assert set(result["files"]) == FIRST_LOAD
    base = (web / "css/base.css").read_bytes()
    assert result["files"]["css/base.css"] == {
        "bytes": len(base),
        "gzip": len(gzip.compress(base, 9, mtime=0)),
        "brotli": len(brotli.compress(base, quality=11)),
        "served": len(brotli.compress(base, quality=11)),  # >= 1,000 bytes: CloudFront compresses
    }
    small = result["files"]["js/router.js"]
    assert small["served"] == small["bytes"]  # under 1,000 bytes: sent as it is
    for key in ("bytes", "gzip", "brotli", "served"):
        assert result["total"][key] == sum(f[key] for f in result["files"].values())
    assert result["total"]["gzip"] < result["total"]["bytes"]
    assert result["within_budget"] is True


def test_the_budget_is_checked_on_the_gzip_total(tmp_path: Path) -> None:
    web = build(tmp_path)
    noise = random.Random(12).randbytes(200_000).hex()  # incompressible beyond hex
    (web / "vendor/tiny-lib.js").write_text(
        f"export function greet(n) {{ return n; }}\n// {noise}\n"
    )

    result = first_load.measure(web, use_browser=False)

    assert result["total"]["gzip"] > first_load.BUDGET_BYTES
    assert result["within_budget"] is False
    assert verdicts({"first_load": result}) == {"first_load_kb": False}
    assert "Console first load" in table({"first_load": result})


def test_without_a_console_the_figure_is_skipped(tmp_path: Path) -> None:
    result = first_load.measure(tmp_path / "web")

    assert "skipped" in result
    assert verdicts({"first_load": result}) == {}
    assert "Console first load: skipped" in table({"first_load": result})
