"""`make load` cannot rot: a few seconds of it against the local cloud of the e2e run, with
every post-run check (no order lost or PENDING, no oversell, one invoice and one e-mail per
outcome). The figures of a real run come from `make load`, never from here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.endpoints import ROOT, Endpoints


def test_a_short_load_run_passes_its_checks(endpoints: Endpoints, tmp_path: Path) -> None:
    if endpoints.target != "local":
        pytest.skip("the load smoke run targets the local cloud only (make load TARGET=aws)")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "TARGET": "local",
    }
    command = [
        sys.executable,
        "-m",
        "load",
        "--users",
        "4",
        "--spawn-rate",
        "4",
        "--run-time",
        "6",
        "--max-rps",
        "15",
        "--customers",
        "2",
        "--products",
        "2",
        "--stock",
        "16",
        "--drain-timeout",
        "30",
        "--results-dir",
        str(tmp_path),
    ]
    finished = subprocess.run(
        command,
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]

    summary = json.loads((tmp_path / "load-latest.json").read_text())
    assert (tmp_path / summary["html_report"]).stat().st_size > 0
    assert summary["checks"]["passed"] is True
    assert {check["name"] for check in summary["checks"]["results"]} == {
        "orders-not-lost",
        "orders-settled",
        "idempotent-replays",
        "no-oversell",
        "one-invoice-per-confirmed-order",
        "one-email-per-outcome",
        "nothing-parked",
        "error-rate",
    }
    names = {row["name"] for row in summary["endpoints"]}
    assert {"/products", "/orders", "Aggregated"} <= names
    # the shopper's first act is an order, so the saga ran and was checked
    assert summary["orders"]["acknowledged"] >= 1
    assert summary["orders"]["found"] >= summary["orders"]["acknowledged"]
    assert summary["local_cloud"]["rss_mb_peak"] > 0
