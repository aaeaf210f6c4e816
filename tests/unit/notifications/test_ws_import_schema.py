"""The invoice import file's contract: examples pass and fail as labelled, and the
compiled validator shipped in the zip is up to date with the schema.

After changing schemas/imports/invoice-import.v1.json, regenerate with
``REGENERATE_VALIDATORS=1 .venv/bin/python -m pytest <this file>``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import fastjsonschema
import pytest
from contracts.layout import COMPILE_OPTIONS
from fastjsonschema.ref_resolver import RefResolver

from notifications.invoice_import import check

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = ROOT / "schemas" / "imports" / "invoice-import.v1.json"
EXAMPLES = ROOT / "schemas" / "imports" / "examples" / "v1"
COMPILED = ROOT / "functions" / "notifications" / "invoice_import_schema.py"


def compiled_source() -> str:
    definition = json.loads(SCHEMA.read_text())
    code = fastjsonschema.compile_to_code(definition, **COMPILE_OPTIONS)
    entry_point = RefResolver.from_schema(definition, store={}).get_scope_name()
    return (
        "# fmt: off\n"
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
        f"# Generated from schemas/imports/invoice-import.v1.json ($id {definition['$id']}).\n"
        "# Do not edit: regenerate as tests/unit/notifications/test_ws_import_schema.py says.\n"
        f"{code.rstrip()}\n\n\n"
        f"validate = {entry_point}\n"
    )


def test_the_compiled_validator_matches_the_schema() -> None:
    expected = compiled_source()
    if os.environ.get("REGENERATE_VALIDATORS"):
        COMPILED.write_text(expected)
    assert COMPILED.read_text() == expected, "stale: regenerate (see this module's docstring)"


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.json")), ids=lambda p: p.stem)
def test_valid_examples_pass(path: Path) -> None:
    assert check(json.loads(path.read_text())) == []


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (EXAMPLES / "invalid").glob("*.json") if not p.stem.endswith(".expect")),
    ids=lambda p: p.stem,
)
def test_invalid_examples_fail_for_their_reason(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expect.json").read_text())
    reasons = check(json.loads(path.read_text()))
    assert reasons, "an invalid example passed"
    assert (reasons[0]["field"], reasons[0]["rule"]) == (expected["field"], expected["rule"])


def test_a_missing_property_is_named() -> None:
    document = json.loads((EXAMPLES / "valid" / "two-lines.json").read_text())
    del document["customer"]["email"]
    assert check(document)[0]["field"] == "customer.email"
    assert check(document)[0]["rule"] == "required"


def test_mixed_currencies_are_refused() -> None:
    document = json.loads((EXAMPLES / "valid" / "two-lines.json").read_text())
    document["tax"]["currency"] = "USD"
    assert {"field": "tax.currency", "rule": "currency", "message": "must be EUR"} in check(
        document
    )
