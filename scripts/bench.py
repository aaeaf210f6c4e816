#!/usr/bin/env python3
"""The benchmarks (`make bench`): cold start, package size, contract validation, handler
overhead, cost per million orders and the console's first-load size; the local pipeline
with --pipeline.

Runs against the built zips (`make build` first): every function is found from Terraform
and functions/*/ (scripts/benchmarks/functions.py). Prints a table and writes JSON to
bench/results/<UTC timestamp>.json and bench/results/latest.json. `--quick` (1 run each,
a few seconds; what tests/bench runs) checks that everything works, not how fast.
`--cold-start-only --untraced` times just the cold inits without the tracer (and the
package sizes): the quick way to judge a start-up change.
Exits 1 if a handler fails to initialise or a scenario answers wrongly.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "functions")]

from benchmarks import (  # noqa: E402
    cold_start,
    contracts,
    cost,
    first_load,
    functions,
    invoice_pdf,
    overhead,
    package_size,
    pipeline,
    sandbox,
)
from benchmarks.report import table, verdicts  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def zips_in(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.zip"))}


def run(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    modes = ("untraced",) if args.untraced else ("traced",) if quick else ("traced", "untraced")
    found = functions.discover()
    host, deployed = zips_in(args.dist / "host"), zips_in(args.dist / "lambda")
    if not host:
        sys.exit(f"error: no zips in {args.dist / 'host'}; run `make build` first")
    runnable = [f for f in found if f.package in host]
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": _cores(),
        },
        "functions": [
            {"name": f.name, "handler": f.handler, "memory_mb": f.memory_mb, "from": f.declared_in}
            for f in found
        ],
    }
    with sandbox.task_roots(host) as roots, sandbox.runtime_directory() as runtime:
        results["cold_start"] = cold_start.measure(
            runnable,
            roots,
            runtime,
            runs=args.runs or (1 if quick else 15),
            modes=modes,
        )
        if not args.cold_start_only:
            results["overhead"] = overhead.measure(
                runnable, roots, runtime, invocations=20 if quick else 500
            )
    results["package_size"] = package_size.measure(deployed or host)
    if args.cold_start_only:
        results["targets_met"] = verdicts(results)
        return results
    results["contracts"] = contracts.measure(number=20 if quick else 2000)
    results["invoice_pdf"] = invoice_pdf.measure(renders=3 if quick else 15)
    results["cost"] = cost.measure(found, results["overhead"], args.architecture)
    results["first_load"] = first_load.measure(args.web, use_browser=not quick)
    if args.pipeline:
        results["pipeline"] = pipeline.measure(args.pipeline)
    results["targets_met"] = verdicts(results)
    return results


def write(results: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    text = json.dumps(results, indent=2) + "\n"
    path = folder / f"{stamp}{'-quick' if results['quick'] else ''}.json"
    path.write_text(text)
    (folder / "latest.json").write_text(text)
    return path


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 run each")
    parser.add_argument("--runs", type=int, help="cold starts per handler (default 15)")
    parser.add_argument(
        "--cold-start-only",
        action="store_true",
        help="cold init and package size only (no overhead, contracts, cost, console)",
    )
    parser.add_argument(
        "--untraced",
        action="store_true",
        help="cold init without the X-Ray tracer only (POWERTOOLS_TRACE_DISABLED)",
    )
    parser.add_argument(
        "--pipeline",
        type=int,
        nargs="?",
        const=50,
        metavar="ORDERS",
        help="also drive a burst of orders through the local cloud (default 50)",
    )
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="the built zips")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--web", type=Path, default=ROOT / "web", help="the console's files")
    parser.add_argument("--architecture", choices=["arm64", "x86_64"], default="arm64")
    args = parser.parse_args()
    results = run(args)
    print(table(results))
    print(f"\nwritten: {write(results, args.results).relative_to(Path.cwd(), walk_up=True)}")
    failed = [
        name for name, entry in results["cold_start"]["functions"].items() if "error" in entry
    ]
    if failed:
        print(f"error: failed to initialise from their zips: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
