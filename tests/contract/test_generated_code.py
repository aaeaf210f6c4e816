"""The generated validators (scripts/contracts/codegen.py) check exactly what fastjsonschema's
own code checks: on every example, on thousands of variations of them (seeded, so a failure
reproduces) and on schemas using the keywords our contracts do not use yet, both accept the
same documents (returning the same value, defaults applied) and reject the others with the
same error (message, name, value, definition, rule)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import fastjsonschema
import pytest
from contracts import codegen
from contracts.layout import (
    COMPILE_OPTIONS,
    ENVELOPE,
    IMPORTS,
    SCHEMAS,
    event_schemas,
    load_json,
    newest_minors,
)

Validate = Callable[..., Any]

# Values a mutation puts somewhere: every JSON type, edge cases of the formats and patterns
# in schemas/, and what JSON itself cannot carry but a caller could pass.
VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2,
    100,
    5001,
    10**20,
    1.0,
    1.5,
    -0.5,
    float("nan"),
    "",
    "x",
    "EUR",
    "eur",
    "EURO",
    "EUR\n",
    "DE",
    "SKU-1",
    "sku with spaces",
    "a" * 300,
    "3f1c2a4e-8b7d-4c2a-9e1f-6a5b4c3d2e1f",
    "3f1c2a4e-8b7d-4c2a-9e1f-6a5b4c3d2e1",
    "2026-03-14T09:26:53.589Z",
    "2026-02-30T09:26:53Z",
    "jane@example.com",
    "jane@@example",
    "https://example.com/x",
    "/ecommerce/products",
    "ecommerce.products.ProductCreated.v1",
    "price",
    "stock",
    "1.0",
    "application/json",
    [],
    [1],
    ["price", "price"],
    ["price", "stock"],
    [{"a": 1}, {"a": 1}],
    [True, 1],
    {},
    {"amount": 1, "currency": "EUR"},
    {"amount": -1, "currency": "EUR"},
    (1, 2),
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _mutate(document: Any, rng: random.Random) -> Any:
    document = copy.deepcopy(document)
    path = rng.choice(list(_paths(document)))
    if not path:
        return rng.choice([*VALUES, document])
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    target = parent[last]
    action = rng.randrange(6)
    if action == 0:  # remove it
        del parent[last]
    elif action == 1 and isinstance(target, dict):  # add a property
        target[rng.choice(["extra", "a-b", "ab", "price", "x y", *target])] = rng.choice(VALUES)
    elif action == 2 and isinstance(target, list):  # repeat or add an item
        target.append(copy.deepcopy(rng.choice(target)) if target else rng.choice(VALUES))
    elif action == 3 and isinstance(target, list):
        target.clear()
    else:  # replace it
        parent[last] = copy.deepcopy(rng.choice(VALUES))
    return document


def _variations(seeds: list[Any], count: int, seed: int) -> Iterator[Any]:
    rng = random.Random(seed)
    yield from seeds
    for _ in range(count):
        document = rng.choice(seeds)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            document = _mutate(document, rng)
        yield document


def _outcome(validate: Validate, document: Any) -> tuple[Any, ...]:
    document = copy.deepcopy(document)
    try:
        result = validate(document)
    except fastjsonschema.JsonSchemaValueException as error:
        return (
            "invalid",
            error.message,
            error.name,
            repr(error.value),
            error.rule,
            error.definition,
        )
    except Exception as error:  # e.g. multipleOf of NaN: the same crash
        return ("crashed", type(error).__name__, str(error))
    return ("valid", json.dumps(result, sort_keys=True, default=repr))


def _compiled(definition: dict[str, Any]) -> tuple[Validate, Validate]:
    """(fastjsonschema's in-memory validator, ours), of independent copies."""
    plain = fastjsonschema.compile(copy.deepcopy(definition), **COMPILE_OPTIONS)
    ours = codegen.compile_in_memory(copy.deepcopy(definition), **COMPILE_OPTIONS)
    return plain, ours


def _assert_same(definition: dict[str, Any], documents: Iterator[Any]) -> int:
    plain, ours = _compiled(definition)
    checked = 0
    for document in documents:
        expected, got = _outcome(plain, document), _outcome(ours, document)
        assert got == expected, f"document {document!r}"
        checked += 1
    return checked


def _contract_schemas() -> list[Any]:
    """What scripts/contracts/generate.py generates, with the examples validated by each."""
    cases = []
    envelope_examples = []
    for schema in newest_minors(event_schemas()):
        examples = [load_json(p) for k in ("valid", "invalid") for p in schema.examples(k)]
        envelope_examples += examples
        data = [e["data"] for e in examples if isinstance(e, dict) and "data" in e]
        cases.append(pytest.param(schema.document, data, id=schema.event_type))
    cases.append(pytest.param(load_json(ENVELOPE), envelope_examples, id="envelope"))
    import_examples = [load_json(p) for p in sorted((IMPORTS / "examples").rglob("*.json"))]
    cases.append(
        pytest.param(
            load_json(IMPORTS / "invoice-import.v1.json"),
            [e for e in import_examples if "number" in e],
            id="invoice-import",
        )
    )
    return cases


@pytest.mark.parametrize(("definition", "examples"), _contract_schemas())
def test_contract_validators_agree_with_fastjsonschema(
    definition: dict[str, Any], examples: list[Any]
) -> None:
    assert examples
    assert _assert_same(definition, _variations(examples, 1500, seed=7)) > 1500


# Keywords and shapes the contracts do not use (yet): the generator must get them right too.
FEATURES: list[tuple[str, dict[str, Any], list[Any]]] = [
    (
        "combinators",
        {
            "type": "object",
            "allOf": [
                {"required": ["kind"]},
                {"properties": {"kind": {"enum": ["a", "b", 1, True, None]}}},
            ],
            "properties": {
                "kind": {"type": ["string", "integer", "boolean", "null"]},
                "n": {"anyOf": [{"type": "integer", "minimum": 3}, {"type": "string"}]},
                "o": {"oneOf": [{"type": "number", "multipleOf": 2}, {"maximum": 1}]},
                "x": {"not": {"type": "string"}},
                "c": {
                    "if": {"type": "integer"},
                    "then": {"minimum": 2},
                    "else": {"type": "string"},
                },
            },
            "dependencies": {"n": ["o"], "x": {"required": ["c"]}},
        },
        [{"kind": "a", "n": 3, "o": 4, "x": 1, "c": 5}, {"kind": 1}, {"kind": None, "c": "s"}],
    ),
    (
        "properties",
        {
            "type": "object",
            "required": ["a-b", "ab", 'q"uote', "b{r}ace"],
            "properties": {
                "a-b": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                "ab": {"type": "integer", "exclusiveMinimum": 0},
                'q"uote': {"type": "object", "additionalProperties": False, "properties": {}},
                "x y": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]},
                "b{r}ace": {"enum": ["x{y}", "{", "}"]},
                "with-default": {"type": "integer", "default": 7},
                "req-default": {"type": "string", "default": "d"},
            },
            "patternProperties": {"^p-": {"type": "integer"}},
            "additionalProperties": {"type": "string", "maxLength": 3},
            "propertyNames": {"maxLength": 12},
            "minProperties": 3,
            "maxProperties": 8,
        },
        [
            {
                "a-b": "xy",
                "ab": 1,
                'q"uote': {},
                "b{r}ace": "{",
                "x y": ["s", 1],
                "p-1": 2,
                "zz": "abc",
            }
        ],
    ),
    (
        "strict objects",
        {
            "type": "object",
            "required": ["id", "req-default"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "when": {"type": "string", "format": "date-time"},
                "mail": {"type": "string", "format": "email"},
                "tags": {"type": "array", "uniqueItems": True, "contains": {"const": "t"}},
                "req-default": {"type": "string", "default": "d"},
                "nested": {
                    "type": "object",
                    "properties": {"v": {"type": "number", "maximum": 10}},
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
        },
        [
            {
                "id": "3f1c2a4e-8b7d-4c2a-9e1f-6a5b4c3d2e1f",
                "req-default": "x",
                "tags": ["t", {"a": [1, True]}, 1, True],
                "nested": {"v": 2},
            }
        ],
    ),
    (
        "references",
        {
            "$id": "https://example.com/tree.json",
            "type": "object",
            "properties": {"root": {"$ref": "#/definitions/node"}},
            "definitions": {
                "node": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {
                        "value": {"$ref": "#/definitions/value"},
                        "children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
                    },
                    "additionalProperties": False,
                },
                "value": {"type": "integer", "minimum": 0},
            },
        },
        [{"root": {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}}],
    ),
    (
        "self reference",
        {
            "$id": "https://example.com/list.json",
            "type": ["object", "null"],
            "properties": {"head": {"type": "string"}, "tail": {"$ref": "#"}},
            "additionalProperties": False,
        },
        [{"head": "a", "tail": {"head": "b", "tail": None}}],
    ),
    (
        "decoded content",
        {
            "type": "object",
            "required": ["json"],
            "properties": {
                "json": {
                    "type": "string",
                    "allOf": [{"contentMediaType": "application/json"}],
                    "not": {"type": "null"},
                    "minLength": 3,
                    "required": ["k"],
                }
            },
            "additionalProperties": False,
        },
        [{"json": '{"k": 1}'}, {"json": '"abcd"'}, {"json": "[1, 2, 3]"}, {"json": "no"}],
    ),
    (
        "keywords of other types",
        {
            "properties": {
                "yes": True,
                "no": False,
                "len": {"minLength": 2, "minimum": 2, "minItems": 2, "required": ["k"]},
                "s": {"type": "string", "minimum": 3, "minItems": 1, "required": ["a"]},
                "n": {"type": ["integer", "string"], "minimum": 2, "minLength": 2},
                "a": {"type": "array", "minLength": 1, "maximum": 0, "properties": {"p": False}},
                "o": {"type": "object", "minItems": 1, "pattern": "^x", "format": "uuid"},
                "i": {"type": "integer", "maxLength": 0, "uniqueItems": True},
            },
            "required": ["len"],
        },
        [
            {"yes": 1, "len": "ab", "s": "x", "n": 3, "a": [1], "o": {}, "i": 4},
            {"len": 3, "n": "ab"},
            {"len": [1, 2]},
            {"len": {"k": 1}},
        ],
    ),
]


@pytest.mark.parametrize(
    ("definition", "seeds"), [pytest.param(d, s, id=name) for name, d, s in FEATURES]
)
def test_other_keywords_agree_with_fastjsonschema(
    definition: dict[str, Any], seeds: list[Any]
) -> None:
    definition = {"$schema": "http://json-schema.org/draft-07/schema#", **definition}
    assert _assert_same(definition, _variations(seeds, 1500, seed=11)) > 1500


def test_generated_code_is_faster_code_for_the_same_checks() -> None:
    code = codegen.compile_to_code(
        load_json(SCHEMAS / "events" / "products" / "StockReserved" / "v1.0.json"),
        **COMPILE_OPTIONS,
    )
    function_body = code[code.index("\ndef ") :]
    assert "set(['orderId', 'lines', 'reservedAt']) - data.keys()" in function_body  # errors only
    assert "data_keys = set(data.keys())\n" in function_body  # errors only
    assert "REGEX_PATTERNS[" not in function_body
    assert "if True:" not in function_body
    assert "definition={" not in function_body
    assert function_body.count("\ndef ") == 1  # the $ref is inlined


def test_a_self_referencing_schema_still_compiles_to_a_call() -> None:
    definition = dict(
        next(d for name, d, _ in FEATURES if name == "self reference"),
        **{"$schema": "http://json-schema.org/draft-07/schema#"},
    )
    code = codegen.compile_to_code(copy.deepcopy(definition), **COMPILE_OPTIONS)
    assert code.count("validate_https___example_com_list_json(") >= 2


def test_only_draft_07_schemas() -> None:
    with pytest.raises(fastjsonschema.JsonSchemaDefinitionException):
        codegen.compile_to_code({"type": "string"}, **COMPILE_OPTIONS)
