"""Every schema and every example in schemas/, one test each: adding a schema or an example
adds its tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from contracts.check import check_schema_document, compile_schema
from contracts.layout import (
    ENVELOPE,
    ID_BASE,
    SCHEMAS,
    EventSchema,
    event_schemas,
    load_json,
    newest_minors,
)

from shared.contracts import ContractViolation, validate_event, validate_event_with

SCHEMA_FILES = event_schemas()
NEWEST = {schema.event_type: schema for schema in newest_minors(SCHEMA_FILES)}


def _examples(kind: str) -> list[Any]:
    return [
        pytest.param(schema, path, id=path.relative_to(SCHEMAS).as_posix())
        for schema in SCHEMA_FILES
        for path in schema.examples(kind)
    ]


def _validate_exactly(schema: EventSchema, event: dict[str, Any]) -> dict[str, Any]:
    """Validate against this exact schema version (compiled in memory)."""
    data = compile_schema(schema.document)
    return validate_event_with(
        event,
        compile_schema(load_json(ENVELOPE)),
        lambda event_type: data if event_type == schema.event_type else None,
    )


def test_there_are_contracts() -> None:
    assert NEWEST, "no schemas found under schemas/events"


def test_envelope_schema_is_well_formed() -> None:
    expected_id = ID_BASE + ENVELOPE.relative_to(SCHEMAS).as_posix()
    assert list(check_schema_document(ENVELOPE, load_json(ENVELOPE), expected_id)) == []


@pytest.mark.parametrize(
    "schema", SCHEMA_FILES, ids=[s.path.relative_to(SCHEMAS).as_posix() for s in SCHEMA_FILES]
)
def test_event_schema_is_well_formed(schema: EventSchema) -> None:
    problems = check_schema_document(
        schema.path, schema.document, schema.expected_id, schema.expected_title
    )
    assert list(problems) == []
    assert schema.examples("valid"), "needs a valid example"
    assert schema.examples("invalid"), "needs an invalid example"


@pytest.mark.parametrize(("schema", "path"), _examples("valid"))
def test_valid_example_passes(schema: EventSchema, path: Path) -> None:
    event = load_json(path)
    assert event["type"] == schema.event_type
    assert _validate_exactly(schema, load_json(path)) == event
    # What runs in the functions: the generated validator of the newest minor.
    assert validate_event(load_json(path)) == event


@pytest.mark.parametrize(("schema", "path"), _examples("invalid"))
def test_invalid_example_fails_for_its_labelled_reason(schema: EventSchema, path: Path) -> None:
    expected = load_json(path.with_name(path.stem + ".expect.json"))
    validators: list[Callable[[dict[str, Any]], dict[str, Any]]] = [
        lambda event: _validate_exactly(schema, event)
    ]
    if NEWEST[schema.event_type] == schema:
        validators.append(validate_event)
    for validate in validators:
        with pytest.raises(ContractViolation) as raised:
            validate(load_json(path))
        assert raised.value.field == expected["field"], raised.value.reason
        assert raised.value.rule == expected.get("rule", raised.value.rule), raised.value.reason
