"""How long `make up` takes to be ready, cold and warm, and where the time goes.

    .venv/bin/python scripts/bench_up.py [--runs 1] [--warm-runs 2] [--no-seed]

First the no-op build `make up` starts with (`scripts/build.py` on an unchanged tree), then
`--runs` cold starts (`python -m localcloud up --fresh`: the real `terraform apply`; each
saves the snapshot the warm restart uses), then `--warm-runs` warm restarts of that same
stack (`python -m localcloud up`, see localcloud.warm_start). For each: from launch until
`.local/endpoints.json` appears (what a user waits for), whether it restarted warm, the
local cloud's own steps (fingerprint, emulator and `terraform init` or the restore,
`terraform apply` with its planning part, snapshot, runtime, demo data), the CPU seconds
the local cloud's processes used, and the slowest resources of a cold apply with the
provider's own waits behind them. Each run is stopped before the next. This machine is
shared: the load average is printed with every figure, and runs under different load
compare only as ratios (warm / cold, CPU seconds per run).

Prints a table and writes bench/results/up-<UTC timestamp>.json and bench/results/up-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ENDPOINTS_FILE = ROOT / ".local" / "endpoints.json"
TERRAFORM_LOG = ROOT / ".local" / "logs" / "terraform.log"
READY_TIMEOUT_S = 900
CREATED = re.compile(r"^(?P<address>\S+): Creation complete after (?P<duration>[0-9hms]+)")


def seconds(duration: str) -> int:
    """Terraform's `1m5s` / `25s` -> 65 / 25."""
    parts = re.findall(r"(\d+)([hms])", duration)
    return sum(int(value) * {"h": 3600, "m": 60, "s": 1}[unit] for value, unit in parts)


def slowest_resources(log_text: str, count: int = 8) -> list[dict[str, Any]]:
    """The resources that took longest to create in the last apply of a terraform log."""
    commands = log_text.split("$ terraform")
    last_apply = next(
        (text for text in reversed(commands) if " apply " in text.split("\n", 1)[0]), ""
    )
    created = [
        {"address": found["address"], "seconds": seconds(found["duration"])}
        for line in last_apply.splitlines()
        if (found := CREATED.match(line.strip()))
    ]
    return sorted(created, key=lambda entry: -int(entry["seconds"]))[:count]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def measure_build() -> dict[str, Any]:
    load = load_average()
    began = time.monotonic()
    subprocess.run([sys.executable, "scripts/build.py"], cwd=ROOT, check=True, capture_output=True)
    return {"seconds": round(time.monotonic() - began, 1), "load_before": load}


def children_cpu_seconds() -> float:
    """User + system CPU of every child process reaped so far (and of theirs)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def measure_up(seed: bool, fresh: bool) -> dict[str, Any]:
    """One local cloud (cold when ``fresh``), from launch to ready; stopped before returning."""
    ENDPOINTS_FILE.unlink(missing_ok=True)
    TERRAFORM_LOG.unlink(missing_ok=True)
    load = load_average()
    cpu_before = children_cpu_seconds()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, ["scripts", os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "localcloud", "up", *([] if seed else ["--no-seed"])]
    command += ["--fresh"] if fresh else []
    log_path = ROOT / ".local" / "logs" / "bench-up.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with log_path.open("w") as log:
        cloud = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        while not ENDPOINTS_FILE.is_file() or not ENDPOINTS_FILE.read_text().strip():
            if cloud.poll() is not None:
                raise RuntimeError(
                    f"the local cloud exited with {cloud.returncode}; see {log_path}"
                )
            if time.monotonic() - began > READY_TIMEOUT_S:
                raise TimeoutError(f"not ready after {READY_TIMEOUT_S} s; see {log_path}")
            time.sleep(0.2)
        waited = time.monotonic() - began
        endpoints = json.loads(ENDPOINTS_FILE.read_text())
    finally:
        stop(cloud)
    applied = TERRAFORM_LOG.read_text() if TERRAFORM_LOG.is_file() else ""
    return {
        "warm_restart": bool(endpoints.get("warm_restart")),
        "ready_seconds": round(waited, 1),
        "reported_ready_seconds": endpoints.get("ready_seconds"),
        "cpu_seconds_until_stopped": round(children_cpu_seconds() - cpu_before, 1),
        "steps": endpoints.get("startup_seconds", {}),
        "slowest_resources": slowest_resources(applied),
        "load_before": load,
        "load_after": load_average(),
    }


def stop(cloud: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the local cloud's process group (it stops what it started), then wait."""
    if cloud.poll() is None:
        os.killpg(cloud.pid, signal.SIGTERM)
        try:
            cloud.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(cloud.pid, signal.SIGKILL)
            cloud.wait()


def report(results: dict[str, Any]) -> None:
    build = results["build"]
    print(
        f"no-op build (make up runs it first): {build['seconds']} s (load {build['load_before']})"
    )
    for number, run in enumerate(results["runs"], 1):
        kind = "warm" if run["warm_restart"] else "cold"
        print(
            f"run {number} ({kind}): ready in {run['ready_seconds']} s, "
            f"{run['cpu_seconds_until_stopped']} CPU s "
            f"(load {run['load_before']} -> {run['load_after']})"
        )
        for step, taken in run["steps"].items():
            print(f"    {step:<44} {taken:>6} s")
        for slow in run["slowest_resources"][:4]:
            print(f"    slowest: {slow['address']} {slow['seconds']} s")
    for kind, warm in (("cold", False), ("warm", True)):
        ready = [run["ready_seconds"] for run in results["runs"] if run["warm_restart"] == warm]
        if ready:
            print(
                f"{kind}: ready in min {min(ready)} s, max {max(ready)} s over {len(ready)} run(s)"
            )
    cold = [r["ready_seconds"] for r in results["runs"] if not r["warm_restart"]]
    warm_runs = [r["ready_seconds"] for r in results["runs"] if r["warm_restart"]]
    if cold and warm_runs:
        print(f"warm / cold (best of each): {min(warm_runs) / min(cold):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=1, help="cold starts to time (default 1; at least 1)"
    )
    parser.add_argument(
        "--warm-runs", type=int, default=2, help="warm restarts to time after them (default 2)"
    )
    parser.add_argument("--no-seed", action="store_true", help="leave out the demo data")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "build": measure_build(),
        "runs": [],
    }
    for _ in range(max(args.runs, 1)):  # the last one leaves the snapshot the warm ones use
        results["runs"].append(measure_up(seed=not args.no_seed, fresh=True))
    for _ in range(args.warm_runs):
        results["runs"].append(measure_up(seed=not args.no_seed, fresh=False))
    report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    (RESULTS / f"up-{stamp}.json").write_text(text)
    (RESULTS / "up-latest.json").write_text(text)


if __name__ == "__main__":
    main()
