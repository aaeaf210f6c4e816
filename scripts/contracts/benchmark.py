#!/usr/bin/env python3
"""Micro-benchmark of event validation: microseconds to validate one whole event.

- `generated`: `shared.contracts.validate_event` (generated code, what functions run);
- `compiled_in_memory`: the same schemas compiled once at run time by `fastjsonschema.compile`
  (the same code as the generated modules, which only save the compile);
- `compile_per_event`: compiling the schemas for every event (what never to do);
- `jsonschema`: the `jsonschema` library (Draft7Validator with format checking) doing the
  same work (benchmarks/contracts.py), if installed;
- `cold_import_ms`: importing `shared.contracts` and validating a first event, in a new
  interpreter (includes importing fastjsonschema).

Prints JSON; `measure()` returns the figures for `make bench`.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "functions"))

import fastjsonschema

from contracts.layout import COMPILE_OPTIONS, ENVELOPE, EVENTS, ROOT, load_json
from shared.contracts import validate_event, validate_event_with

SCHEMA = EVENTS / "products" / "ProductCreated" / "v1.0.json"
EXAMPLE = SCHEMA.parent / "examples" / "v1.0" / "valid" / "created.json"


def _per_call_us(function: Any, event: dict[str, Any], number: int) -> float:
    # Validation does not change a valid event without defaults: reuse one copy.
    timer = timeit.Timer(lambda: function(event))
    best = min(timer.repeat(repeat=5, number=number))
    return round(best / number * 1e6, 2)


def _in_memory(envelope: dict[str, Any], data: dict[str, Any]) -> Any:
    validate_envelope = fastjsonschema.compile(envelope, **COMPILE_OPTIONS)
    validate_data = fastjsonschema.compile(data, **COMPILE_OPTIONS)
    return lambda event: validate_event_with(event, validate_envelope, lambda _: validate_data)


def _jsonschema() -> Any:
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return None
    from benchmarks.contracts import _jsonschema_validate

    return _jsonschema_validate()


def _cold_import_ms() -> float:
    code = (
        "import json, time; t = time.perf_counter()\n"
        "from shared.contracts import validate_event\n"
        f"validate_event(json.load(open({str(EXAMPLE)!r})))\n"
        "print((time.perf_counter() - t) * 1000)"
    )
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code],
                env={"PYTHONPATH": str(ROOT / "functions")},
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    ]
    return round(sorted(runs)[len(runs) // 2], 2)


def measure(number: int = 20_000) -> dict[str, float | None]:
    event = load_json(EXAMPLE)
    envelope, data = load_json(ENVELOPE), load_json(SCHEMA)
    validate_event(copy.deepcopy(event))  # first use imports the generated modules

    def compile_each_time(e: dict[str, Any]) -> Any:
        return _in_memory(envelope, data)(e)

    jsonschema_validate = _jsonschema()
    return {
        "generated_us": _per_call_us(validate_event, event, number),
        "compiled_in_memory_us": _per_call_us(_in_memory(envelope, data), event, number),
        "compile_per_event_us": _per_call_us(compile_each_time, event, max(number // 200, 10)),
        "jsonschema_us": (
            None
            if jsonschema_validate is None
            else _per_call_us(jsonschema_validate, event, max(number // 20, 10))
        ),
        "cold_import_and_first_validation_ms": _cold_import_ms(),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
