"""`make bench` in miniature: the build is reproducible, every handler initialises from its
zip alone (the import test that guards the build's size cuts), the stubbed scenarios
answer as expected, and the results are written."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pypdf
import pytest
from benchmarks import sandbox

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
        assert not entry["traced"]["tracer_loaded"], name  # active tracing, no X-Ray SDK
        assert entry["traced"]["init_ms"] > 0
    for kind, floor in results["cold_start"]["floors"].items():
        assert floor["traced"]["init_ms"] > 0, kind
        assert not floor["traced"]["tracer_loaded"], kind
    cold_start = results["cold_start"]
    assert cold_start["baseline"]["clients"] == ["dynamodb"]
    # the factories a handler module binds at module level count too (relay.publisher)
    assert cold_start["functions"]["products-stream-publisher"]["traced"]["clients"] == ["sns"]
    # The REST APIs validate with generated validators: no pydantic in any zip or init.
    assert not cold_start["floors"]["rest-api"]["traced"]["pydantic_loaded"]
    for name in ("products-api", "orders-api", "invoices-api"):
        assert not cold_start["functions"][name]["traced"]["pydantic_loaded"], name
    for name, figures in results["overhead"].items():
        assert figures["us"] > 0, name
    for package, size in results["package_size"].items():
        assert 0 < size["zipped_bytes"] < size["unzipped_bytes"], package
    assert results["contracts"]["examples"] > 0
    assert results["cost"]["usd_total"] > 0
    assert "Cold init" in completed.stdout


def zip_names(dist: Path, variant: str, package: str) -> list[str]:
    with zipfile.ZipFile(dist / variant / f"{package}.zip") as archive:
        return archive.namelist()


def test_only_the_invoices_zip_carries_the_pdf_library_and_just_what_it_needs(
    dist: Path,
) -> None:
    for variant in ("lambda", "host"):
        names = zip_names(dist, variant, "invoices")
        assert "fpdf/fpdf.pyc" in names, variant
        assert "fontTools/subset/__init__.pyc" in names, variant
        fonts = sorted(name for name in names if name.endswith(".ttf"))
        assert fonts == [
            "fontpkg_fira_sans/files/FiraSans-Bold.ttf",
            "fontpkg_fira_sans/files/FiraSans-Regular.ttf",
        ]
        assert "fontpkg_fira_sans/LICENSE" in names  # the font's licence travels with it
        assert not [n for n in names if n.startswith(("PIL/", "fontpkg/"))], variant
        assert not [n for n in names if n.startswith("fontTools/") and n.endswith((".so", ".c"))]
        for package in ("orders", "products", "notifications", "realtime"):
            others = zip_names(dist, variant, package)
            assert not [n for n in others if n.startswith(("fpdf", "fontTools", "fontpkg"))]


# Runs in the stand-in Lambda environment: renders an invoice from the zip alone.
_RENDER = """
import sys, warnings
warnings.simplefilter("error")
from invoices.domain import ConfirmedOrder, InvoiceLine, InvoiceNumber, Party, TaxRate
from shared.money import Money
from invoices.domain import draft_invoice
from invoices.rendering import render_invoice
name = sys.argv[1]
line = InvoiceLine("p", "SKU", name, 1, Money(100, "EUR"), Money(100, "EUR"))
order = ConfirmedOrder("o", "c", "c@example.com", Party(name, ("x",)), (line,),
                       "2026-03-14T09:26:54.120Z", "e", "c")
invoice = draft_invoice(order, invoice_id="i", number=InvoiceNumber(2026, 1),
                        seller=Party("S", ("x",)), tax_rate=TaxRate(2000),
                        issued_at="2026-03-14T09:26:55.000Z", bucket="b")
sys.stdout.buffer.write(render_invoice(invoice))
assert "PIL" not in sys.modules
"""


def test_the_invoices_zip_renders_a_unicode_invoice_without_pillow(dist: Path) -> None:
    name = "Σωκράτης Фёдор Łukasz"
    with (
        sandbox.task_roots({"invoices": dist / "host" / "invoices.zip"}) as roots,
        sandbox.runtime_directory() as runtime,
    ):
        setup = f"import sys; sys.path[:0] = [{str(roots['invoices'])!r}, {str(runtime)!r}]\n"
        completed = subprocess.run(
            [PY, "-S", "-E", "-c", setup + _RENDER, name],
            capture_output=True,
            check=False,
            env={"POWERTOOLS_SERVICE_NAME": "bench", "PATH": "/usr/bin:/bin"},
        )
    assert completed.returncode == 0, completed.stderr.decode()
    text = pypdf.PdfReader(io.BytesIO(completed.stdout)).pages[0].extract_text()
    assert text.count(name) == 2  # the bill-to name and the product name
