"""The minor-version compatibility rules, on small synthetic schema pairs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from contracts.compatibility import breaking_changes

BASE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "status", "amount"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "amount": {"type": "integer", "minimum": 0, "maximum": 100},
        "note": {"type": "string", "maxLength": 50},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["sku"],
                "properties": {"sku": {"type": "string", "pattern": "^[A-Z]+$"}},
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def changed(change: Any) -> dict[str, Any]:
    schema = copy.deepcopy(BASE)
    change(schema)
    return schema


def props(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema["properties"]
    return properties


ADDITIVE = {
    "unchanged": lambda _: None,
    "new optional property": lambda s: props(s).update(colour={"type": "string"}),
    "new optional nested property": lambda s: props(s)["lines"]["items"]["properties"].update(
        qty={"type": "integer"}
    ),
    "wider enum": lambda s: props(s)["status"]["enum"].append("archived"),
    "integer to number": lambda s: props(s)["amount"].update(type="number"),
    "type to a list including it": lambda s: props(s)["note"].update(type=["string", "null"]),
    "lower minimum": lambda s: props(s)["amount"].update(minimum=-10),
    "higher maximum": lambda s: props(s)["amount"].update(maximum=1000),
    "maximum dropped": lambda s: props(s)["amount"].pop("maximum"),
    "property no longer required": lambda s: s["required"].remove("status"),
    "additionalProperties loosened": lambda s: s.update(additionalProperties=True),
    "descriptions changed": lambda s: s.update(description="new words", title="New"),
    "pattern dropped": lambda s: props(s)["lines"]["items"]["properties"]["sku"].pop("pattern"),
}

BREAKING = {
    "removed property": (lambda s: props(s).pop("note"), "data.note: property removed"),
    "newly required": (lambda s: s["required"].append("note"), "newly required ['note']"),
    "type changed": (lambda s: props(s)["id"].update(type="integer"), "data.id: type changed"),
    "narrowed enum": (
        lambda s: props(s)["status"]["enum"].remove("closed"),
        "data.status: no longer accepts ['closed']",
    ),
    "new const": (lambda s: props(s)["note"].update(const="x"), "values newly restricted"),
    "raised minimum": (lambda s: props(s)["amount"].update(minimum=1), "minimum raised"),
    "lowered maximum": (lambda s: props(s)["amount"].update(maximum=99), "maximum lowered"),
    "new maxLength": (
        lambda s: props(s)["lines"]["items"]["properties"]["sku"].update(maxLength=5),
        "data.lines[].sku: maxLength lowered",
    ),
    "changed pattern": (
        lambda s: props(s)["lines"]["items"]["properties"]["sku"].update(pattern="^[A-Z]{3}$"),
        "data.lines[].sku: pattern changed",
    ),
    "new format": (lambda s: props(s)["note"].update(format="date-time"), "format changed"),
    "nested newly required": (
        lambda s: props(s)["lines"]["items"]["required"].append("qty"),
        "data.lines[]: newly required ['qty']",
    ),
    "unique items": (lambda s: props(s)["lines"].update(uniqueItems=True), "unique"),
    "unknown keyword changed": (
        lambda s: props(s)["amount"].update(multipleOf=5),
        "'multipleOf' changed",
    ),
}


@pytest.mark.parametrize("change", ADDITIVE.values(), ids=ADDITIVE.keys())
def test_additive_change_is_compatible(change: Any) -> None:
    assert breaking_changes(BASE, changed(change)) == []


@pytest.mark.parametrize(("change", "finding"), BREAKING.values(), ids=BREAKING.keys())
def test_breaking_change_is_reported(change: Any, finding: str) -> None:
    findings = breaking_changes(BASE, changed(change))
    assert any(finding in f for f in findings), findings


def test_number_narrowed_to_integer_is_reported() -> None:
    number = changed(lambda s: props(s)["amount"].update(type="number"))
    assert any("data.amount: type changed" in f for f in breaking_changes(number, BASE))


def test_tightening_additional_properties_is_reported() -> None:
    loose = changed(lambda s: s.update(additionalProperties=True))
    assert breaking_changes(loose, BASE) != []


def test_new_property_is_breaking_when_old_allowed_anything_there() -> None:
    loose = changed(lambda s: s.update(additionalProperties=True))
    stricter = changed(lambda s: props(s).update(colour={"type": "string"}))
    stricter["additionalProperties"] = True
    assert any("data.colour" in f for f in breaking_changes(loose, stricter))


def test_local_refs_are_followed() -> None:
    old: dict[str, Any] = {
        "definitions": {"money": {"type": "object", "properties": {"amount": {"minimum": 0}}}},
        "type": "object",
        "properties": {"price": {"$ref": "#/definitions/money"}},
    }
    new = copy.deepcopy(old)
    new["definitions"]["money"]["properties"]["amount"]["minimum"] = 1
    assert breaking_changes(old, new) == ["data.price.amount: minimum raised from 0 to 1"]
