"""Contract validation: the generated validators (what functions run) against the
`jsonschema` library, over every example event in schemas/ (valid and invalid).

Both sides do the same work for an event: `shared.contracts.validate_event_with` runs the
envelope schema, checks that the source matches the type, picks the schema of `data` by
type (the newest minor of that major, as functions do; an unknown type is refused) and runs
it, and an error becomes a ContractViolation naming the field. Only the schema validators
differ: the generated ones, or `jsonschema` Draft7Validators built once (never per event),
with format checking and the project's custom formats. `disagreements` lists the examples
the two accept or refuse differently (none expected; the libraries' formats differ a
little: `jsonschema` checks `email` for an "@" only, and `uri` not at all without the
rfc3987 package).
"""

from __future__ import annotations

import copy
import re
import statistics
import timeit
from collections.abc import Callable
from typing import Any

from contracts.layout import (
    CUSTOM_FORMATS,
    ENVELOPE,
    event_schemas,
    load_json,
    newest_minors,
    relative,
)

from shared.contracts import ContractViolation, Validator, validate_event, validate_event_with

Validate = Callable[[dict[str, Any]], object]


def _jsonschema_validate() -> Validate:
    """`validate_event` with `jsonschema` validating the envelope and `data`."""
    import jsonschema

    checker = jsonschema.FormatChecker()
    for name, pattern in CUSTOM_FORMATS.items():
        checker.checks(name)(
            lambda value, p=pattern: not isinstance(value, str) or bool(re.match(p, value))
        )

    def adapt(schema: dict[str, Any], event_type: str | None = None) -> Validator:
        validator = jsonschema.Draft7Validator(schema, format_checker=checker)

        def validate(value: Any, name_prefix: str) -> Any:
            error = next(validator.iter_errors(value), None)  # what .validate() raises
            if error is None:
                return value
            path = name_prefix + "".join(
                f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path
            )
            raise ContractViolation(
                event_type or _type_of(value),
                path.removeprefix("event."),
                error.message,
                str(error.validator),
            )

        return validate

    envelope = adapt(load_json(ENVELOPE))
    data = {s.event_type: adapt(s.document, s.event_type) for s in newest_minors(event_schemas())}
    return lambda event: validate_event_with(event, envelope, data.get)


def _type_of(event: Any) -> str:
    event_type = event.get("type") if isinstance(event, dict) else None
    return event_type if isinstance(event_type, str) and event_type else "<unknown>"


def _per_call_us(validate: Validate, event: dict[str, Any], number: int) -> float:
    def once() -> None:
        try:  # noqa: SIM105 (cheaper than contextlib.suppress inside the timed call)
            validate(event)
        except ContractViolation:
            pass  # an invalid example: rejecting it is the work being timed

    best = min(timeit.Timer(once).repeat(repeat=3, number=number))
    return best / number * 1e6


def _accepts(validate: Validate, event: dict[str, Any]) -> bool:
    try:
        validate(copy.deepcopy(event))
    except ContractViolation:
        return False
    return True


def measure(number: int = 2000) -> dict[str, Any]:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return {"skipped": "the jsonschema library is not installed"}
    reference = _jsonschema_validate()
    examples: list[dict[str, Any]] = []
    disagreements = []
    for schema in event_schemas():
        for kind in ("valid", "invalid"):
            for path in schema.examples(kind):
                # Defaults are applied in place on the first validation: time later ones.
                event = copy.deepcopy(load_json(path))
                if _accepts(validate_event, event) != _accepts(reference, event):
                    disagreements.append(relative(path))
                _per_call_us(validate_event, event, 1)
                _per_call_us(reference, event, 1)
                generated = _per_call_us(validate_event, event, number)
                library = _per_call_us(reference, event, max(number // 10, 5))
                examples.append(
                    {
                        "example": relative(path),
                        "kind": kind,
                        "generated_us": round(generated, 2),
                        "jsonschema_us": round(library, 2),
                        "ratio": round(library / generated, 1),
                    }
                )
    valid = [e for e in examples if e["kind"] == "valid"]
    return {
        "examples": len(examples),
        "generated_us_median": round(statistics.median(e["generated_us"] for e in examples), 2),
        "jsonschema_us_median": round(statistics.median(e["jsonschema_us"] for e in examples), 2),
        "generated_us_valid_median": round(statistics.median(e["generated_us"] for e in valid), 2),
        "jsonschema_us_valid_median": round(
            statistics.median(e["jsonschema_us"] for e in valid), 2
        ),
        "ratio_median": round(statistics.median(e["ratio"] for e in examples), 1),
        "ratio_min": min(e["ratio"] for e in examples),
        "ratio_valid_median": round(statistics.median(e["ratio"] for e in valid), 1),
        "disagreements": disagreements,
        "per_example": examples,
    }
