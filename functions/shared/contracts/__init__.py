"""Event contracts: validate a whole CloudEvent against the JSON Schemas in `schemas/`.

The validators are plain Python generated at build time from `schemas/` by
`scripts/contracts/generate.py` into the `generated` package; nothing is compiled at run
time. The validator of an event type is imported on its first use, so a function only
loads the contracts it actually touches.

    from shared.contracts import ContractViolation, validate_event

    try:
        validate_event(event)
    except ContractViolation as violation:
        logger.warning("contract violation", extra={"field": violation.field})
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from fastjsonschema import JsonSchemaValueException

__all__ = [
    "ContractViolation",
    "Validator",
    "known_event_types",
    "validate_event",
    "validate_event_with",
]

UNKNOWN_TYPE = "<unknown>"
ENVELOPE_ROOT = "event"
DATA_ROOT = "data"

Validator = Callable[..., Any]
"""A generated validator: `validate(value, name_prefix=...)` returns the value or raises."""


class ContractViolation(ValueError):
    """An event does not match its contract.

    `event_type` is the event's `type` (or "<unknown>"), `field` the offending path in the
    event ("type", "data.price.amount", "data.changes[0]"), `reason` the validator's
    message and `rule` the broken JSON Schema keyword ("minimum", "required", ...) or one
    of the checks done here ("known-type", "source-matches-type").
    """

    def __init__(self, event_type: str, field: str, reason: str, rule: str = "") -> None:
        super().__init__(f"{event_type}: {reason}")
        self.event_type = event_type
        self.field = field
        self.reason = reason
        self.rule = rule

    def __reduce__(self) -> tuple[type[ContractViolation], tuple[str, str, str, str]]:
        return type(self), (self.event_type, self.field, self.reason, self.rule)


def validate_event(event: dict[str, Any]) -> dict[str, Any]:
    """Validate a whole CloudEvent: the envelope first, then `data` against the schema of
    its `type` (the newest minor version of that major).

    Raises ContractViolation, also for an unknown type. Returns the event, with schema
    defaults applied if any.
    """
    return validate_event_with(event, _envelope or _envelope_validator(), _data_validator)


def known_event_types() -> frozenset[str]:
    """Every event type that has a contract, e.g. "ecommerce.products.ProductCreated.v1"."""
    return frozenset(_event_modules())


def validate_event_with(
    event: dict[str, Any],
    envelope: Validator,
    data_validator_for: Callable[[str], Validator | None],
) -> dict[str, Any]:
    """`validate_event` with explicit validators (the contract checker uses it to validate
    examples against one exact schema version)."""
    event_type = _type_of(event)
    try:
        envelope(event, name_prefix=ENVELOPE_ROOT)
    except JsonSchemaValueException as error:
        raise _violation(error, event_type, ENVELOPE_ROOT) from error
    if event["source"] != _source_of(event_type):
        raise ContractViolation(
            event_type,
            "source",
            f"source {event['source']} does not match the service of type {event_type}",
            rule="source-matches-type",
        )
    validate_data = data_validator_for(event_type)
    if validate_data is None:
        raise ContractViolation(
            event_type, "type", f"type {event_type} has no contract", rule="known-type"
        )
    try:
        event["data"] = validate_data(event["data"], name_prefix=DATA_ROOT)
    except JsonSchemaValueException as error:
        raise _violation(error, event_type, DATA_ROOT) from error
    return event


def _type_of(event: object) -> str:
    event_type = event.get("type") if isinstance(event, dict) else None
    return event_type if isinstance(event_type, str) and event_type else UNKNOWN_TYPE


def _source_of(event_type: str) -> str:
    """The source of the service of `event_type` (a valid type, the envelope checked it):
    "ecommerce.products.ProductCreated.v1" -> "/ecommerce/products"."""
    return f"/ecommerce/{event_type.split('.', 2)[1]}"


def _violation(error: JsonSchemaValueException, event_type: str, root: str) -> ContractViolation:
    field = _offending_field(error, root)
    reason = error.message
    if root == ENVELOPE_ROOT:
        # The envelope's fields are the event's top level: "event.type" -> "type".
        field = field.removeprefix(f"{ENVELOPE_ROOT}.")
        reason = reason.removeprefix(f"{ENVELOPE_ROOT}.")
    return ContractViolation(event_type, field, reason, rule=error.rule or "")


def _offending_field(error: JsonSchemaValueException, root: str) -> str:
    """The path of the field at fault. For "required" and "additionalProperties" the
    validator names the object; name the missing or undeclared property instead."""
    path = error.name or root
    value, definition = error.value, error.definition
    if not isinstance(value, dict) or not isinstance(definition, dict):
        return path
    if error.rule == "required":
        missing = [name for name in definition["required"] if name not in value]
        return f"{path}.{missing[0]}" if missing else path
    if error.rule == "additionalProperties":
        declared = definition.get("properties", {})
        patterns = [re.compile(p) for p in definition.get("patternProperties", {})]
        undeclared = sorted(
            key for key in value if key not in declared and not any(p.search(key) for p in patterns)
        )
        return f"{path}.{undeclared[0]}" if undeclared else path
    return path


# Validators already imported; the per-event path looks them up without function calls.
_envelope: Validator | None = None
_data_validators: dict[str, Validator] = {}


def _envelope_validator() -> Validator:
    global _envelope  # noqa: PLW0603 (a cache filled on first use)
    envelope_module: str = _registry().ENVELOPE_MODULE
    _envelope = _load_validator(envelope_module)
    return _envelope


def _data_validator(event_type: str) -> Validator | None:
    validate = _data_validators.get(event_type)
    if validate is None:
        module_name = _event_modules().get(event_type)
        if module_name is None:
            return None
        validate = _data_validators[event_type] = _load_validator(module_name)
    return validate


def _event_modules() -> Mapping[str, str]:
    event_modules: Mapping[str, str] = _registry().EVENT_MODULES
    return event_modules


@cache
def _registry() -> ModuleType:
    package = f"{__name__}.generated"
    try:
        return importlib.import_module(package)
    except ModuleNotFoundError as error:
        if error.name != package:
            raise
        raise RuntimeError(
            "event validators are not generated: run `make generate` "
            "(python scripts/contracts/generate.py)"
        ) from error


@cache
def _load_validator(module_name: str) -> Validator:
    module = importlib.import_module(f"{__name__}.generated.{module_name}")
    validate: Validator = module.validate
    return validate
