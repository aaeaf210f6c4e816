"""shared.contracts.validate_event: the contract check every publisher and consumer runs."""

from __future__ import annotations

import copy
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from shared.contracts import ContractViolation, known_event_types, validate_event

ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS = ROOT / "functions"
PRODUCT_EVENTS = ROOT / "schemas" / "events" / "products"
CREATED = "ecommerce.products.ProductCreated.v1"


def example(event: str, name: str) -> dict[str, Any]:
    path = PRODUCT_EVENTS / event / "examples" / "v1.0" / "valid" / f"{name}.json"
    document: dict[str, Any] = json.loads(path.read_text())
    return document


@pytest.fixture
def created() -> dict[str, Any]:
    return example("ProductCreated", "created")


@pytest.fixture
def updated() -> dict[str, Any]:
    return example("ProductUpdated", "price-and-stock-changed")


def violation_of(event: Any) -> ContractViolation:
    with pytest.raises(ContractViolation) as raised:
        validate_event(event)
    return raised.value


def test_valid_event_is_returned(created: dict[str, Any]) -> None:
    expected = copy.deepcopy(created)
    assert validate_event(created) == expected


def test_known_event_types() -> None:
    assert {
        CREATED,
        "ecommerce.products.ProductUpdated.v1",
        "ecommerce.products.ProductDeleted.v1",
    } <= known_event_types()


def test_bad_data_names_type_field_and_reason(created: dict[str, Any]) -> None:
    created["data"]["price"]["amount"] = -5
    violation = violation_of(created)
    assert violation.event_type == CREATED
    assert violation.field == "data.price.amount"
    assert violation.rule == "minimum"
    assert str(violation) == f"{CREATED}: data.price.amount must be bigger than or equal to 0"
    assert isinstance(violation, ValueError)


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (lambda d: d["price"].pop("currency"), "data.price.currency", "required"),
        (lambda d: d.update(colour="blue"), "data.colour", "additionalProperties"),
        (lambda d: d.update(stock="3"), "data.stock", "type"),
        (lambda d: d.update(stock=True), "data.stock", "type"),
        (lambda d: d.update(productId="42"), "data.productId", "format"),
        (lambda d: d.update(createdAt="2025-13-01T00:00:00Z"), "data.createdAt", "format"),
        (lambda d: d["price"].update(currency="EURO"), "data.price.currency", "pattern"),
        (lambda d: d["price"].update(currency="EUR\n"), "data.price.currency", "pattern"),
    ],
    ids=[
        "missing-nested",
        "undeclared",
        "string-number",
        "bool-number",
        "uuid",
        "date-time",
        "currency",
        "trailing-newline",
    ],
)
def test_data_violations_point_at_the_field(
    created: dict[str, Any], change: Any, field: str, rule: str
) -> None:
    change(created["data"])
    violation = violation_of(created)
    assert (violation.event_type, violation.field, violation.rule) == (CREATED, field, rule)


def test_array_item_violation_is_indexed(updated: dict[str, Any]) -> None:
    updated["data"]["changes"] = ["price", "colour"]
    violation = violation_of(updated)
    assert violation.field == "data.changes[1]"
    assert violation.rule == "enum"


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        (lambda e: e.pop("id"), "id", "required"),
        (lambda e: e.update(id="not-a-uuid"), "id", "format"),
        (lambda e: e.update(specversion="0.3"), "specversion", "const"),
        (lambda e: e.update(time="yesterday"), "time", "format"),
        (lambda e: e.update(source="products"), "source", "pattern"),
        (lambda e: e.update(datacontenttype="text/plain"), "datacontenttype", "const"),
        (lambda e: e.update(priority="high"), "priority", "additionalProperties"),
        (lambda e: e.update(data="{}"), "data", "type"),
        (lambda e: e.pop("data"), "data", "required"),
        (lambda e: e.update(source="/ecommerce/orders"), "source", "source-matches-type"),
    ],
    ids=[
        "missing-id",
        "id-format",
        "specversion",
        "time",
        "source-pattern",
        "content-type",
        "extension",
        "data-string",
        "no-data",
        "source-service",
    ],
)
def test_envelope_violations(created: dict[str, Any], change: Any, field: str, rule: str) -> None:
    change(created)
    violation = violation_of(created)
    assert (violation.event_type, violation.field, violation.rule) == (CREATED, field, rule)
    assert not violation.reason.startswith("event.")


def test_envelope_is_checked_before_data(created: dict[str, Any]) -> None:
    created["data"]["stock"] = -1
    created.pop("correlationid")
    assert violation_of(created).field == "correlationid"


def test_allowed_extensions_pass(created: dict[str, Any]) -> None:
    created |= {
        "causationid": "5f0c1f6e-6f0b-4d8e-9a51-3f1f7f0e2b10",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "dataschema": "https://ecommerce.example.com/schemas/events/products/ProductCreated/v1.0.json",
    }
    assert validate_event(created) is created


def test_unknown_type(created: dict[str, Any]) -> None:
    created["type"] = "ecommerce.products.ProductRenamed.v1"
    violation = violation_of(created)
    assert violation.event_type == "ecommerce.products.ProductRenamed.v1"
    assert (violation.field, violation.rule) == ("type", "known-type")


def test_unknown_major_version(created: dict[str, Any]) -> None:
    created["type"] = "ecommerce.products.ProductCreated.v9"
    assert violation_of(created).rule == "known-type"


def test_events_of_unknown_types_do_not_grow_the_cache(created: dict[str, Any]) -> None:
    from shared import contracts

    for number in range(400):
        created["type"] = f"ecommerce.products.ProductNumber.v{number}"
        assert violation_of(created).rule == "known-type"
        created["source"] = "/ecommerce/orders"
        assert violation_of(created).rule == "source-matches-type"
        created["source"] = "/ecommerce/products"
    assert set(contracts._data_validators) <= known_event_types()


@pytest.mark.parametrize("event", [{}, {"type": 42}, [], "text", None], ids=repr)
def test_event_without_a_type_is_unknown(event: Any) -> None:
    violation = violation_of(event)
    assert violation.event_type == "<unknown>"
    assert str(violation).startswith("<unknown>: ")


def test_missing_type_field(created: dict[str, Any]) -> None:
    created.pop("type")
    violation = violation_of(created)
    assert (violation.event_type, violation.field, violation.rule) == (
        "<unknown>",
        "type",
        "required",
    )


def test_violation_survives_pickling() -> None:
    violation = ContractViolation(CREATED, "data.stock", "data.stock must be integer", "type")
    copied = pickle.loads(pickle.dumps(violation))
    assert (copied.event_type, copied.field, copied.reason, copied.rule, str(copied)) == (
        violation.event_type,
        violation.field,
        violation.reason,
        violation.rule,
        str(violation),
    )


def run_python(code: str, pythonpath: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(pythonpath), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_validators_are_imported_lazily_and_never_compiled() -> None:
    output = run_python(
        f"""
        import json, sys
        import fastjsonschema

        def refuse(*args, **kwargs):
            raise AssertionError("compiled at run time")

        fastjsonschema.compile = fastjsonschema.compile_to_code = refuse
        from shared.contracts import validate_event

        def loaded():
            return sorted(m.rsplit(".", 1)[1] for m in sys.modules
                          if m.startswith("shared.contracts.generated."))

        before = loaded()
        path = "{PRODUCT_EVENTS}/ProductDeleted/examples/v1.0/valid/deleted.json"
        validate_event(json.load(open(path)))
        print(json.dumps([before, loaded()]))
        """,
        FUNCTIONS,
    )
    before, after = json.loads(output)
    assert before == []
    assert after == ["cloudevent_v1", "products_product_deleted_v1"]


def test_missing_generated_validators_say_how_to_fix(tmp_path: Path) -> None:
    package = tmp_path / "shared" / "contracts"
    package.mkdir(parents=True)
    (tmp_path / "shared" / "__init__.py").write_text("")
    shutil.copy(FUNCTIONS / "shared" / "contracts" / "__init__.py", package / "__init__.py")
    output = run_python(
        """
        from shared.contracts import validate_event
        try:
            validate_event({"type": "x"})
        except RuntimeError as error:
            print(error)
        """,
        tmp_path,
    )
    assert "make generate" in output
