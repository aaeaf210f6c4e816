"""`make bench` in miniature: the build is reproducible, every handler initialises from its
zip alone (the import test that guards the build's size cuts), the stubbed scenarios
answer as expected, and the results are written."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of every package (host and Lambda variants) in a temporary folder."""
    output = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [PY, "scripts/build.py", "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return output


def digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.glob("*/*.zip"))
    }


def test_a_rebuild_gives_identical_zips(dist: Path, tmp_path: Path) -> None:
    subprocess.run(
        [PY, "scripts/build.py", "--output", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    assert digests(tmp_path) == digests(dist)
    assert digests(dist)


def test_the_quick_bench_initialises_every_handler_from_its_zip(dist: Path, tmp_path: Path) -> None:
    completed = subprocess.run(
        [PY, "scripts/bench.py", "--quick", "--dist", str(dist), "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((tmp_path / "latest.json").read_text())
    handlers = {f["handler"] for f in results["functions"]}
    assert {"products.api.handler", "products.stream_publisher.handler"} <= handlers
    for name, entry in results["cold_start"]["functions"].items():
        assert entry["traced"]["tracer_loaded"], name  # inside Lambda, tracing is on
        assert entry["traced"]["init_ms"] > 0
    for kind, floor in results["cold_start"]["floors"].items():
        assert floor["traced"]["init_ms"] > 0, kind
        assert floor["traced"]["tracer_loaded"], kind
    cold_start = results["cold_start"]
    assert cold_start["baseline"]["clients"] == ["dynamodb"]
    # the factories a handler module binds at module level count too (relay.publisher)
    assert cold_start["functions"]["products-stream-publisher"]["traced"]["clients"] == ["sns"]
    floors = cold_start["floors"]
    assert floors["rest-api"]["traced"]["pydantic_loaded"]
    assert not floors["rest-api-unvalidated"]["traced"]["pydantic_loaded"]
    for name, figures in results["overhead"].items():
        assert figures["us"] > 0, name
    for package, size in results["package_size"].items():
        assert 0 < size["zipped_bytes"] < size["unzipped_bytes"], package
    assert results["contracts"]["examples"] > 0
    assert results["cost"]["usd_total"] > 0
    assert "Cold init" in completed.stdout
