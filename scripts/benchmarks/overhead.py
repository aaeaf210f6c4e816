"""Handler overhead with AWS calls stubbed: microseconds per REST request or per record.

Each scenario (scenarios.py) runs in the sandbox from the function's zip, tracer off
(POWERTOOLS_TRACE_DISABLED: the X-Ray SDK would need a daemon and a trace header per
invocation), logs and metrics on as deployed. What is timed is everything but the AWS
network exchange: Powertools routing and validation, our code, botocore's serialisation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.functions import Function
from benchmarks.sandbox import lambda_environment
from benchmarks.scenarios import SCENARIOS

PROBE = Path(__file__).with_name("overhead_probe.py")


class ScenarioFailed(RuntimeError):
    """A scenario's handler failed or answered something unexpected."""


def measure(
    functions: list[Function], task_roots: dict[str, Path], runtime: Path, invocations: int
) -> dict[str, Any]:
    by_handler = {f.handler: f for f in functions}
    results: dict[str, Any] = {}
    for scenario in SCENARIOS:
        function = by_handler.get(scenario.handler)
        if function is None or function.package not in task_roots:
            results[scenario.name] = {"skipped": f"no function runs {scenario.handler}"}
            continue
        root = task_roots[function.package]
        completed = subprocess.run(
            [
                sys.executable,
                "-S",
                "-E",
                str(PROBE),
                str(root),
                str(runtime),
                scenario.name,
                str(invocations),
            ],
            env=lambda_environment(function, root, tracing=False),
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise ScenarioFailed(f"{scenario.name}:\n{completed.stderr[-3000:]}")
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        results[scenario.name] = {
            "handler": scenario.handler,
            "memory_mb": function.memory_mb,
            "stubbed_calls": [f"{c.service}.{c.operation}" for c in scenario.calls],
            "notes": scenario.notes,
            **figures,
        }
    return results
