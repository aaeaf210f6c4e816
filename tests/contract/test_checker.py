"""The contract checker itself: it passes on the repository and catches what it must."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from contracts import check
from contracts.layout import ENVELOPE, EventSchema, load_json

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://ecommerce.example.com/schemas/events/shop/ThingHappened/v1.0.json",
    "title": "ThingHappened v1.0",
    "description": "A thing happened.",
    "type": "object",
    "required": ["count"],
    "properties": {"count": {"type": "integer", "minimum": 0}},
    "additionalProperties": False,
}
EVENT: dict[str, Any] = {
    "specversion": "1.0",
    "id": "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "source": "/ecommerce/shop",
    "type": "ecommerce.shop.ThingHappened.v1",
    "time": "2025-01-01T00:00:00Z",
    "subject": "thing-1",
    "datacontenttype": "application/json",
    "correlationid": "c-1",
    "data": {"count": 1},
}


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def event_schema(root: Path, version: str, document: dict[str, Any]) -> EventSchema:
    major, minor = (int(part) for part in version.lstrip("v").split("."))
    path = write(root / "shop" / "ThingHappened" / f"{version}.json", document)
    return EventSchema("shop", "ThingHappened", major, minor, path)


def example_problems(schema: EventSchema) -> list[str]:
    envelope = check.compile_schema(load_json(ENVELOPE))
    return list(check.check_examples(schema, envelope, check.compile_schema(schema.document)))


def test_repository_contracts_pass() -> None:
    problems, counts = check.run_checks()
    assert problems == []
    assert counts["event types"] >= 3


def test_examples_labelled_correctly_pass(tmp_path: Path) -> None:
    schema = event_schema(tmp_path, "v1.0", SCHEMA)
    examples = tmp_path / "shop" / "ThingHappened" / "examples" / "v1.0"
    write(examples / "valid" / "ok.json", EVENT)
    write(examples / "invalid" / "negative.json", {**EVENT, "data": {"count": -1}})
    write(examples / "invalid" / "negative.expect.json", {"field": "data.count", "rule": "minimum"})
    assert example_problems(schema) == []


@pytest.mark.parametrize(
    ("example", "expectation", "problem"),
    [
        ({**EVENT, "data": {"count": -1}}, None, "needs negative.expect.json"),
        (EVENT, {"field": "data.count"}, "labelled invalid but passes"),
        (
            {**EVENT, "data": {"count": -1}, "id": "nope"},
            {"field": "data.count"},
            "fails for the wrong field: 'id'",
        ),
        (
            {**EVENT, "data": {"count": "x"}},
            {"field": "data.count", "rule": "minimum"},
            "fails for the wrong rule: 'type'",
        ),
        ({**EVENT, "data": {"count": -1}}, {"field": "data.count", "oops": 1}, "must be an object"),
    ],
    ids=["unlabelled", "passes", "wrong-field", "wrong-rule", "bad-label"],
)
def test_mislabelled_invalid_example_is_reported(
    tmp_path: Path, example: Any, expectation: Any, problem: str
) -> None:
    schema = event_schema(tmp_path, "v1.0", SCHEMA)
    examples = tmp_path / "shop" / "ThingHappened" / "examples" / "v1.0"
    write(examples / "valid" / "ok.json", EVENT)
    write(examples / "invalid" / "negative.json", example)
    if expectation is not None:
        write(examples / "invalid" / "negative.expect.json", expectation)
    problems = example_problems(schema)
    assert any(problem in p for p in problems), problems


def test_failing_valid_example_and_missing_invalid_one_are_reported(tmp_path: Path) -> None:
    schema = event_schema(tmp_path, "v1.0", SCHEMA)
    write(tmp_path / "shop/ThingHappened/examples/v1.0/valid/bad.json", {**EVENT, "data": {}})
    problems = example_problems(schema)
    assert any("needs at least one valid and one invalid example" in p for p in problems)
    assert any("labelled valid but fails" in p and "data.count" in p for p in problems)


def test_minor_must_be_compatible_but_a_new_major_may_break(tmp_path: Path) -> None:
    required_more = {**SCHEMA, "required": ["count", "name"]}
    required_more["properties"] = {**SCHEMA["properties"], "name": {"type": "string"}}
    schemas = [
        event_schema(tmp_path, "v1.0", SCHEMA),
        event_schema(tmp_path, "v1.1", required_more),
        event_schema(tmp_path, "v2.0", {**SCHEMA, "properties": {"other": {"type": "string"}}}),
    ]
    problems = list(check.check_compatibility(schemas))
    assert len(problems) == 1, problems
    assert "v1.1.json: not backward compatible with v1.0" in problems[0]
    assert "newly required ['name']" in problems[0]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"$id": "https://example.com/other.json"}, "$id must be"),
        ({"additionalProperties": True}, "# must set additionalProperties: false"),
        ({"description": ""}, "needs a non-empty description"),
        ({"title": "Thing v1"}, "title must be 'ThingHappened v1.0'"),
        ({"properties": {"count": {"type": "integr"}}}, "not a valid draft-07 schema"),
        ({"properties": {"at": {"type": "string", "format": "timestamp"}}}, "not enforced"),
        (
            {"properties": {"p": {"type": "object", "properties": {}}}},
            "#/properties/p must set additionalProperties: false",
        ),
    ],
    ids=[
        "id",
        "additional",
        "description",
        "title",
        "meta-schema",
        "unknown-format",
        "nested-object",
    ],
)
def test_schema_problems_are_reported(change: dict[str, Any], problem: str) -> None:
    document = {**SCHEMA, **change}
    problems = list(
        check.check_schema_document(
            Path("v1.0.json"), document, SCHEMA["$id"], "ThingHappened v1.0"
        )
    )
    assert any(problem in p for p in problems), problems
