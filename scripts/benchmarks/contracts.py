"""Contract validation: the generated validators (what functions run) against the
`jsonschema` library, over every example event in schemas/ (valid and invalid).

Each example is validated as a whole event: the envelope, then `data` against the schema
of the example's event version. `jsonschema` gets its validators built once (the fair
comparison: never per event), with format checking and the project's custom formats.
"""

from __future__ import annotations

import copy
import re
import statistics
import timeit
from collections.abc import Callable
from typing import Any

from contracts.layout import CUSTOM_FORMATS, ENVELOPE, event_schemas, load_json, relative

from shared.contracts import validate_event

Validate = Callable[[dict[str, Any]], object]


def _jsonschema_validator(data_schema: dict[str, Any]) -> Validate:
    import jsonschema

    checker = jsonschema.FormatChecker()
    for name, pattern in CUSTOM_FORMATS.items():
        checker.checks(name)(
            lambda value, p=pattern: not isinstance(value, str) or bool(re.match(p, value))
        )
    envelope = jsonschema.Draft7Validator(load_json(ENVELOPE), format_checker=checker)
    data = jsonschema.Draft7Validator(data_schema, format_checker=checker)

    def validate(event: dict[str, Any]) -> None:
        envelope.validate(event)
        data.validate(event.get("data"))

    return validate


def _generated(event: dict[str, Any]) -> object:
    return validate_event(event)


def _per_call_us(validate: Validate, event: dict[str, Any], number: int) -> float:
    def once() -> None:
        try:  # noqa: SIM105 (cheaper than contextlib.suppress inside the timed call)
            validate(event)
        except Exception:
            pass  # an invalid example: rejecting it is the work being timed

    best = min(timeit.Timer(once).repeat(repeat=3, number=number))
    return best / number * 1e6


def measure(number: int = 2000) -> dict[str, Any]:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return {"skipped": "the jsonschema library is not installed"}
    examples: list[dict[str, Any]] = []
    for schema in event_schemas():
        reference = _jsonschema_validator(schema.document)
        for kind in ("valid", "invalid"):
            for path in schema.examples(kind):
                # Defaults are applied in place on the first validation: time later ones.
                event = copy.deepcopy(load_json(path))
                _per_call_us(_generated, event, 1)
                generated = _per_call_us(_generated, event, number)
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
        "per_example": examples,
    }
