"""Backward compatibility between two minor versions of an event schema.

A new minor version must accept every event the previous one accepted (consumers built
from the new schema keep accepting events from producers still on the old one), so it may
only add: new optional properties, wider types, wider enums, looser bounds. Anything this
checker cannot prove to be a widening is reported: change it back, or publish a new major.

`breaking_changes(old, new)` returns human-readable findings; empty means compatible.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

# Keywords that only document; changing them never breaks a consumer.
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "readOnly"}
)
# Keywords compared by the rules below; any other keyword must be left unchanged.
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
HANDLED = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "const",
        "pattern",
        "format",
        "uniqueItems",
        "definitions",
        *LOWER_BOUNDS,
        *UPPER_BOUNDS,
    }
)
ANY = object()  # an unconstrained value (absent keyword or `true` schema)


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why `new` may reject events `old` accepted (empty when `new` is a widening)."""
    return list(_compare(_Resolver(old), _Resolver(new), old, new, "data"))


class _Resolver:
    """Follows local `$ref`s ("#/definitions/money") within one schema document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: Any, seen: frozenset[str] = frozenset()) -> Any:
        if not isinstance(schema, dict) or "$ref" not in schema:
            return schema
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise ValueError(f"only local $ref are supported, got {ref!r}")
        if ref in seen:
            raise ValueError(f"recursive $ref {ref!r} is not supported")
        target: Any = self.document
        for token in filter(None, ref[1:].split("/")):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        return self.resolve(target, seen | {ref})


def _compare(
    old_resolver: _Resolver, new_resolver: _Resolver, old: Any, new: Any, path: str
) -> Iterator[str]:
    old, new = old_resolver.resolve(old), new_resolver.resolve(new)
    if new is True or _without_annotations(new) == {}:
        return  # new accepts anything
    if old is False:
        return  # old accepted nothing
    if old is True:
        yield f"{path}: was unconstrained, now constrained"
        return
    if new is False:
        yield f"{path}: now rejects every value"
        return

    yield from _compare_types(old, new, path)
    yield from _compare_values(old, new, path)
    yield from _compare_bounds(old, new, path)
    yield from _compare_objects(old_resolver, new_resolver, old, new, path)
    if "items" in old or "items" in new:
        yield from _compare(
            old_resolver, new_resolver, old.get("items", True), new.get("items", True), f"{path}[]"
        )
    if new.get("uniqueItems") and not old.get("uniqueItems"):
        yield f"{path}: items newly required to be unique"

    for keyword in sorted((set(old) | set(new)) - HANDLED - ANNOTATIONS - {"$ref"}):
        if _canonical(old.get(keyword)) != _canonical(new.get(keyword)):
            yield f"{path}: '{keyword}' changed (cannot prove it only widens; bump the major)"


def _types(schema: dict[str, Any]) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _compare_types(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[str]:
    old_types, new_types = _types(old), _types(new)
    if new_types is None:
        return
    if old_types is None:
        yield f"{path}: type newly restricted to {sorted(new_types)}"
        return
    accepted = new_types | ({"integer"} if "number" in new_types else set())
    if old_types - accepted:
        yield f"{path}: type changed from {sorted(old_types)} to {sorted(new_types)}"


def _compare_values(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[str]:
    old_values = _allowed_values(old)
    new_values = _allowed_values(new)
    if new_values is not None:
        if old_values is None:
            yield f"{path}: values newly restricted to {new_values}"
        elif missing := [v for v in old_values if _canonical(v) not in map(_canonical, new_values)]:
            yield f"{path}: no longer accepts {missing}"
    for keyword in ("pattern", "format"):
        if keyword in new and old.get(keyword) != new[keyword]:
            was = f"{old[keyword]!r}" if keyword in old else "none"
            yield f"{path}: {keyword} changed from {was} to {new[keyword]!r}"


def _allowed_values(schema: dict[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return list(schema["enum"])
    return None


def _compare_bounds(old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[str]:
    for keyword in LOWER_BOUNDS:
        if keyword in new and (keyword not in old or new[keyword] > old[keyword]):
            yield f"{path}: {keyword} raised from {old.get(keyword, 'none')} to {new[keyword]}"
    for keyword in UPPER_BOUNDS:
        if keyword in new and (keyword not in old or new[keyword] < old[keyword]):
            yield f"{path}: {keyword} lowered from {old.get(keyword, 'none')} to {new[keyword]}"


def _compare_objects(
    old_resolver: _Resolver,
    new_resolver: _Resolver,
    old: dict[str, Any],
    new: dict[str, Any],
    path: str,
) -> Iterator[str]:
    old_properties: dict[str, Any] = old.get("properties", {})
    new_properties: dict[str, Any] = new.get("properties", {})
    old_additional = old.get("additionalProperties", True)
    new_additional = new.get("additionalProperties", True)

    for name, old_property in old_properties.items():
        if name not in new_properties:
            yield f"{path}.{name}: property removed"
            continue
        yield from _compare(
            old_resolver, new_resolver, old_property, new_properties[name], f"{path}.{name}"
        )
    for name, new_property in new_properties.items():
        if name not in old_properties:
            # Old events may carry it only if old allowed undeclared properties.
            yield from _compare(
                old_resolver, new_resolver, old_additional, new_property, f"{path}.{name}"
            )
    if newly_required := sorted(set(new.get("required", [])) - set(old.get("required", []))):
        yield f"{path}: newly required {newly_required}"
    yield from _compare(
        old_resolver, new_resolver, old_additional, new_additional, f"{path}.<additional>"
    )


def _without_annotations(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    return {k: v for k, v in schema.items() if k not in ANNOTATIONS}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
