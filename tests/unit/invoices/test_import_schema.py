"""The invoice import file's contract: examples pass and fail as labelled.

The validator is generated from schemas/imports/invoice-import.v1.json by
scripts/contracts/generate.py (`make generate`; `make contracts` fails when it is stale).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoices.import_files import check

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "schemas" / "imports" / "examples" / "v1"


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
