#!/usr/bin/env python3
"""Checks the event contracts in schemas/ (run by `make contracts`).

- every schema is valid draft-07, self-describing ($id matching its path, title,
  description) and strict (`additionalProperties: false` on every object it describes),
  and uses only formats that the generated validators enforce;
- schema files follow the layout, and the minor versions of each major are contiguous;
- every example passes or fails as labelled, an invalid one for its labelled reason (the
  field and rule in its `.expect.json`), and valid examples of older minors still pass the
  newest minor of their major;
- each minor version is backward compatible with the previous one (a new major may break);
- schemas/consumers.json is well formed: known event types, one topic per queue, handler
  modules that exist, no handler subscribed twice to a type;
- the generated validators and the event catalog (docs/events/) are up to date.

Exits non-zero listing every problem found.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterator
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions"))

import fastjsonschema
from fastjsonschema.draft07 import CodeGeneratorDraft07

from contracts import catalog, generate
from contracts.compatibility import breaking_changes
from contracts.layout import (
    COMPILE_OPTIONS,
    CONSUMERS,
    CUSTOM_FORMATS,
    DRAFT_07,
    ENVELOPE,
    EVENT_NAME,
    EVENTS,
    ID_BASE,
    QUEUE_NAME,
    ROOT,
    SCHEMAS,
    SERVICE_NAME,
    VERSION_FILE,
    EventSchema,
    event_schemas,
    load_json,
    newest_minors,
    relative,
)
from shared.contracts import ContractViolation, Validator, validate_event_with

META_SCHEMA = Path(__file__).with_name("draft-07.schema.json")
ENFORCED_FORMATS = frozenset(CodeGeneratorDraft07.FORMAT_REGEXS) | frozenset(CUSTOM_FORMATS)
EXPECT_KEYS = frozenset({"field", "rule", "why"})

Problems = Iterator[str]


def compile_schema(definition: dict[str, Any]) -> Validator:
    """A validator compiled in memory (checker only: the runtime uses generated code)."""
    return fastjsonschema.compile(definition, **COMPILE_OPTIONS)


# -- schemas -------------------------------------------------------------------------------


def check_schema_document(
    path: Path, definition: Any, expected_id: str, expected_title: str | None = None
) -> Problems:
    where = relative(path)
    if not isinstance(definition, dict):
        yield f"{where}: a schema must be a JSON object"
        return
    try:
        _meta_validator()(copy.deepcopy(definition))
    except fastjsonschema.JsonSchemaValueException as error:
        yield f"{where}: not a valid draft-07 schema: {error.message}"
        return
    if definition.get("$schema") != DRAFT_07:
        yield f"{where}: $schema must be {DRAFT_07!r}"
    if definition.get("$id") != expected_id:
        yield f"{where}: $id must be {expected_id!r} (its path), not {definition.get('$id')!r}"
    for keyword in ("title", "description"):
        if not isinstance(definition.get(keyword), str) or not definition[keyword].strip():
            yield f"{where}: needs a non-empty {keyword}"
    if expected_title is not None and definition.get("title") != expected_title:
        yield f"{where}: title must be {expected_title!r}"
    if definition.get("type") != "object":
        yield f"{where}: the root must be of type object"
    for pointer, node in _subschemas(definition, "#"):
        if "properties" in node and node.get("additionalProperties") is not False:
            yield f"{where}: {pointer} must set additionalProperties: false"
        if "format" in node and node["format"] not in ENFORCED_FORMATS:
            yield f"{where}: {pointer} uses format {node['format']!r}, which is not enforced"
    try:
        fastjsonschema.compile_to_code(copy.deepcopy(definition), **COMPILE_OPTIONS)
    except fastjsonschema.JsonSchemaDefinitionException as error:
        yield f"{where}: cannot be compiled to a validator: {error}"


@cache
def _meta_validator() -> Validator:
    return fastjsonschema.compile(load_json(META_SCHEMA), use_default=False)


def _subschemas(schema: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object nested in `schema` (itself included), with its JSON pointer."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for keyword in ("properties", "patternProperties", "definitions", "dependencies"):
        for name, child in schema.get(keyword, {}).items():
            yield from _subschemas(child, f"{pointer}/{keyword}/{name}")
    for keyword in ("items", "additionalItems", "additionalProperties", "contains", "not"):
        child = schema.get(keyword)
        if isinstance(child, list):
            for index, item in enumerate(child):
                yield from _subschemas(item, f"{pointer}/{keyword}/{index}")
        else:
            yield from _subschemas(child, f"{pointer}/{keyword}")
    for keyword in ("propertyNames", "if", "then", "else"):
        yield from _subschemas(schema.get(keyword), f"{pointer}/{keyword}")
    for keyword in ("allOf", "anyOf", "oneOf"):
        for index, child in enumerate(schema.get(keyword, [])):
            yield from _subschemas(child, f"{pointer}/{keyword}/{index}")


def check_layout(schemas: list[EventSchema]) -> Problems:
    for path in sorted(EVENTS.glob("*/*/*.json")):
        if not VERSION_FILE.match(path.name):
            yield f"{relative(path)}: schema files are named v<major>.<minor>.json"
    for path in sorted(p for p in EVENTS.glob("*/*") if p.is_dir()):
        if not SERVICE_NAME.match(path.parent.name):
            yield f"{relative(path.parent)}: service folders are lower-case letters"
        if not EVENT_NAME.match(path.name):
            yield f"{relative(path)}: event folders are PascalCase (e.g. ProductCreated)"
    minors: dict[tuple[str, int], list[int]] = {}
    for schema in schemas:
        minors.setdefault((f"{schema.service}/{schema.event}", schema.major), []).append(
            schema.minor
        )
    for (event, major), found in sorted(minors.items()):
        if sorted(found) != list(range(len(found))):
            yield f"schemas/events/{event}: v{major} minors must be 0, 1, 2...; found {found}"


# -- examples ------------------------------------------------------------------------------


def check_examples(schema: EventSchema, envelope: Validator, data: Validator) -> Problems:
    """The examples of one schema version, validated against exactly that version."""

    def lookup(event_type: str) -> Validator | None:
        return data if event_type == schema.event_type else None

    valid, invalid = schema.examples("valid"), schema.examples("invalid")
    if not valid or not invalid:
        yield f"{relative(schema.path)}: needs at least one valid and one invalid example"
    for path in valid:
        yield from _expect_valid(path, lambda event: validate_event_with(event, envelope, lookup))
    for path in invalid:
        yield from _expect_invalid(path, envelope, lookup)
    folder = schema.path.parent / "examples" / schema.version
    for expectation in sorted(folder.glob("*/*.expect.json")):
        example = expectation.with_name(expectation.name.replace(".expect.json", ".json"))
        if expectation.parent.name != "invalid" or not example.is_file():
            yield f"{relative(expectation)}: labels no invalid example"
    for path in sorted(folder.glob("*/*")):
        if path.parent.name not in ("valid", "invalid") or path.suffix != ".json":
            yield f"{relative(path)}: examples are JSON files under valid/ or invalid/"


def _expect_valid(path: Path, validate: Callable[[dict[str, Any]], Any]) -> Problems:
    try:
        validate(load_json(path))
    except ContractViolation as violation:
        yield f"{relative(path)}: labelled valid but fails at {violation.field}: {violation}"
    except json.JSONDecodeError as error:
        yield f"{relative(path)}: not JSON: {error}"


def _expect_invalid(
    path: Path, envelope: Validator, lookup: Callable[[str], Validator | None]
) -> Problems:
    expectation_path = path.with_name(path.name.removesuffix(".json") + ".expect.json")
    if not expectation_path.is_file():
        yield f"{relative(path)}: needs {expectation_path.name} naming the field at fault"
        return
    expected = load_json(expectation_path)
    if not isinstance(expected, dict) or "field" not in expected or set(expected) - EXPECT_KEYS:
        yield f"{relative(expectation_path)}: must be an object with 'field' (and 'rule', 'why')"
        return
    try:
        validate_event_with(load_json(path), envelope, lookup)
    except ContractViolation as violation:
        if violation.field != expected["field"]:
            yield (
                f"{relative(path)}: fails for the wrong field: {violation.field!r} "
                f"instead of {expected['field']!r} ({violation.reason})"
            )
        elif "rule" in expected and violation.rule != expected["rule"]:
            yield (
                f"{relative(path)}: fails for the wrong rule: {violation.rule!r} "
                f"instead of {expected['rule']!r} ({violation.reason})"
            )
    else:
        yield f"{relative(path)}: labelled invalid but passes"


def check_examples_still_valid(
    schema: EventSchema, latest: EventSchema, envelope: Validator, data: Validator
) -> Problems:
    """Valid examples of an older minor must pass the newest minor of their major."""

    def lookup(event_type: str) -> Validator | None:
        return data if event_type == latest.event_type else None

    for path in schema.examples("valid"):
        for finding in _expect_valid(
            path, lambda event: validate_event_with(event, envelope, lookup)
        ):
            yield f"{finding} (against {latest.version})"


# -- versions ------------------------------------------------------------------------------


def check_compatibility(schemas: list[EventSchema]) -> Problems:
    by_major: dict[tuple[str, int], list[EventSchema]] = {}
    for schema in schemas:
        by_major.setdefault((schema.event_type, schema.major), []).append(schema)
    for versions in by_major.values():
        for old, new in pairwise(versions):
            for finding in breaking_changes(old.document, new.document):
                yield (
                    f"{relative(new.path)}: not backward compatible with {old.version}: "
                    f"{finding} (make it additive, or publish v{new.major + 1}.0)"
                )


def check_consumers(known_types: set[str]) -> Problems:
    """schemas/consumers.json: service -> queue -> {handler, events}, every event type known,
    each queue fed by one producer's topic, no handler subscribed twice to one type."""
    where = relative(CONSUMERS)
    document = load_json(CONSUMERS)
    services = document.get("consumers") if isinstance(document, dict) else None
    if not isinstance(services, dict):
        yield f"{where}: needs a `consumers` object (service -> queue -> handler and events)"
        return
    seen_by_handler: dict[str, set[str]] = {}
    for service, queues in sorted(services.items()):
        if not SERVICE_NAME.match(service):
            yield f"{where}: {service!r} is not a service name"
        if not isinstance(queues, dict) or not queues:
            yield f"{where}: {service} needs an object of queues"
            continue
        for queue, declared in queues.items():
            name = f"{service}/{queue}"
            if not QUEUE_NAME.match(queue):
                yield f"{where}: {name}: {queue!r} is not a queue name (lower-case words, dashes)"
            if not isinstance(declared, dict) or set(declared) != {"handler", "events"}:
                yield f"{where}: {name} needs exactly `handler` and `events`"
                continue
            yield from _check_subscription(name, service, declared, known_types, seen_by_handler)


def _check_subscription(
    name: str,
    service: str,
    declared: dict[str, Any],
    known_types: set[str],
    seen_by_handler: dict[str, set[str]],
) -> Problems:
    where = relative(CONSUMERS)
    handler, events = declared["handler"], declared["events"]
    if not isinstance(handler, str) or not handler.startswith(f"{service}."):
        yield f"{where}: {name}: handler {handler!r} is not a module of the {service} service"
    elif not (ROOT / "functions" / (handler.replace(".", "/") + ".py")).is_file():
        yield f"{where}: {name}: handler {handler} has no module under functions/"
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        yield f"{where}: {name}: `events` must be a non-empty list of event types"
        return
    if len(set(events)) != len(events):
        yield f"{where}: {name} lists an event type twice"
    producers = {event.split(".")[1] if event.count(".") >= 3 else event for event in events}
    if len(producers) > 1:
        yield (
            f"{where}: {name} mixes the topics of {', '.join(sorted(producers))}: "
            "a queue subscribes to one producer's topic"
        )
    for event_type in events:
        if event_type not in known_types:
            yield f"{where}: {service} consumes {event_type}, which has no schema"
    if isinstance(handler, str):
        seen = seen_by_handler.setdefault(handler, set())
        for event_type in sorted(seen & set(events)):
            yield f"{where}: {handler} would receive {event_type} from two queues"
        seen.update(events)


def check_generated_files() -> Problems:
    for path, content in catalog.render().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            yield f"{relative(path)} is stale: run `python scripts/contracts/catalog.py`"
    stale, obsolete = generate.stale_files(generate.render())
    if stale or obsolete:
        yield "generated validators are stale: run `make generate`"


# -- main ----------------------------------------------------------------------------------


def run_checks() -> tuple[list[str], dict[str, int]]:
    """(problems, counts of what was checked)."""
    problems: list[str] = []
    schemas = event_schemas()
    envelope_definition = load_json(ENVELOPE)
    problems += check_schema_document(
        ENVELOPE, envelope_definition, ID_BASE + ENVELOPE.relative_to(SCHEMAS).as_posix()
    )
    problems += check_layout(schemas)
    valid_schemas = []
    for schema in schemas:
        found = list(
            check_schema_document(
                schema.path, schema.document, schema.expected_id, schema.expected_title
            )
        )
        problems += found
        if not found:
            valid_schemas.append(schema)
    if problems and not valid_schemas:
        return problems, {}

    envelope = compile_schema(envelope_definition)
    compiled = {schema: compile_schema(schema.document) for schema in valid_schemas}
    for schema, data in compiled.items():
        problems += check_examples(schema, envelope, data)

    newest = {schema.event_type: schema for schema in newest_minors(valid_schemas)}
    for schema in valid_schemas:
        latest = newest[schema.event_type]
        if schema != latest:
            problems += check_examples_still_valid(schema, latest, envelope, compiled[latest])

    problems += check_compatibility(valid_schemas)
    problems += check_consumers({schema.event_type for schema in schemas})
    problems += check_generated_files()
    counts = {
        "schemas": len(schemas) + 1,
        "examples": sum(len(s.examples("valid")) + len(s.examples("invalid")) for s in schemas),
        "event types": len(newest),
    }
    return problems, counts


def main() -> int:
    problems, counts = run_checks()
    for problem in problems:
        print(f"contracts: {problem}", file=sys.stderr)
    if problems:
        print(f"contracts: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("contracts: OK (" + ", ".join(f"{n} {what}" for what, n in counts.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
