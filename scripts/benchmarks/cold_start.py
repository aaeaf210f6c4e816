"""Cold init per handler against the baseline `import boto3; boto3.client("dynamodb")`.

Every run is a fresh interpreter (see sandbox.py and cold_probe.py). The runs are
interleaved (baseline, then every handler "traced" (Lambda's environment with a trace
header; no tracing SDK is loaded since the X-Ray SDK was dropped), then with
POWERTOOLS_TRACE_DISABLED, round after round), so a machine that slows down affects all
figures alike. Reported: the median init time (elapsed) and its ratio to the baseline's
median; the same in CPU time (`cpu_ratio`: init is CPU-bound, and CPU time barely moves
when other processes share the machine, so it is the steadier figure on a busy host); and
the process's wall time (interpreter start-up included, which Lambda's Init Duration also
counts).

Floors, measured in the same rounds: the baseline plus the libraries a kind of handler
is built on and nothing of the project (see cold_probe.py). A floor's ratio is the
least a handler of that kind can reach on this stack; the gap above it is the project's.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.functions import Function
from benchmarks.sandbox import baseline_environment, lambda_environment

PROBE = Path(__file__).with_name("cold_probe.py")
BASELINE = "baseline: import boto3; boto3.client('dynamodb')"
FLOORS = {
    "observability": "baseline + Powertools Logger, Metrics (what every handler creates)",
    "rest-api": "baseline + Powertools REST resolver (requests checked by generated validators: "
    "fastjsonschema, no pydantic), Logger, Metrics",
    "sqs-consumer": "baseline + Powertools SQS batch processor, Logger, Metrics",
    "sqs-consumer-s3": "the sqs-consumer floor + an S3 client (what invoices-generator adds)",
}


class InitFailed(RuntimeError):
    """A handler did not import (or its clients could not be created) from its zip."""


@dataclass
class Samples:
    init_ms: list[float]
    init_cpu_ms: list[float]
    wall_ms: list[float]
    last: dict[str, Any]

    def add(self, measured: dict[str, Any]) -> None:
        self.init_ms.append(measured["init_ms"])
        self.init_cpu_ms.append(measured["init_cpu_ms"])
        self.wall_ms.append(measured["wall_ms"])
        self.last = measured

    def summary(self) -> dict[str, Any]:
        return {
            "init_ms": round(statistics.median(self.init_ms), 1),
            "init_ms_min": round(min(self.init_ms), 1),
            "init_cpu_ms": round(statistics.median(self.init_cpu_ms), 1),
            "wall_ms": round(statistics.median(self.wall_ms), 1),
            "runs": len(self.init_ms),
            "clients": self.last["clients"],
            "factories": self.last["factories"],
            "modules": self.last["modules"],
            "tracer_loaded": self.last["tracer"],
            "pydantic_loaded": self.last["pydantic"],
            "max_rss_mb": round(self.last["max_rss_mb"], 1),
        }


def probe(
    task_root: Path, runtime: Path, target: str, environment: dict[str, str]
) -> dict[str, Any]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-S", "-E", str(PROBE), str(task_root), str(runtime), target],
        env=environment,
        cwd=task_root,
        capture_output=True,
        text=True,
        check=False,
    )
    wall_ms = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise InitFailed(f"{target} failed to initialise from {task_root}:\n{result.stderr}")
    measured = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    measured["wall_ms"] = wall_ms
    return measured


def floor_environment(task_root: Path, mode: str) -> dict[str, str]:
    bare = Function(name="floor", handler="floor.handler", memory_mb=128)
    return lambda_environment(bare, task_root, tracing=mode == "traced")


def measure(
    functions: list[Function],
    task_roots: dict[str, Path],
    runtime: Path,
    runs: int,
    modes: tuple[str, ...] = ("traced", "untraced"),
) -> dict[str, Any]:
    """{"baseline": {...}, "floors": {kind: {...}}, "functions": {name: {"traced": {...},
    "untraced": {...}}}}; a function that fails to initialise gets {"error": <last line of
    its traceback>}. Floors run from the first zip, in every mode."""
    any_root = next(iter(task_roots.values()))
    floor_root = any_root
    plan: list[tuple[str, Path, str, dict[str, str]]] = [
        ("baseline", any_root, "--baseline", baseline_environment(any_root))
    ]
    plan += [
        (f"floor-{kind}/{mode}", floor_root, f"--floor-{kind}", floor_environment(floor_root, mode))
        for kind in FLOORS
        for mode in modes
    ]
    for function in functions:
        root = task_roots[function.package]
        for mode in modes:
            key = f"{function.name}/{mode}"
            environment = lambda_environment(function, root, tracing=mode == "traced")
            plan.append((key, root, function.module, environment))
    samples: dict[str, Samples] = {}
    errors: dict[str, str] = {}
    for _ in range(runs):
        for key, root, target, environment in plan:
            if key.split("/")[0] in errors:
                continue
            try:
                measured = probe(root, runtime, target, environment)
            except InitFailed as failure:
                if key == "baseline" or key.startswith("floor-"):
                    raise  # references: without them no ratio means anything
                errors[key.split("/")[0]] = str(failure).strip().splitlines()[-1]
                continue
            samples.setdefault(key, Samples([], [], [], measured)).add(measured)
    baseline = samples["baseline"].summary()

    def with_ratios(summary: dict[str, Any]) -> dict[str, Any]:
        summary["ratio"] = round(summary["init_ms"] / baseline["init_ms"], 2)
        summary["cpu_ratio"] = round(summary["init_cpu_ms"] / baseline["init_cpu_ms"], 2)
        return summary

    floors = {
        kind: {
            "what": what,
            **{mode: with_ratios(samples[f"floor-{kind}/{mode}"].summary()) for mode in modes},
        }
        for kind, what in FLOORS.items()
    }
    results: dict[str, Any] = {}
    for function in functions:
        result: dict[str, Any] = {"handler": function.handler, "memory_mb": function.memory_mb}
        if function.name in errors:
            results[function.name] = {**result, "error": errors[function.name]}
            continue
        for mode in modes:
            result[mode] = with_ratios(samples[f"{function.name}/{mode}"].summary())
        results[function.name] = result
    return {"baseline": {"what": BASELINE, **baseline}, "floors": floors, "functions": results}
