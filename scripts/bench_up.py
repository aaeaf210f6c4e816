"""How long `make up` takes to be ready, and where the time goes.

    .venv/bin/python scripts/bench_up.py [--runs 3] [--no-seed]

First the no-op build `make up` starts with (`scripts/build.py` on an unchanged tree), then
`--runs` times a fresh local cloud (`python -m localcloud up`): from launch until
`.local/endpoints.json` appears (what a user waits for), the local cloud's own steps
(emulator and `terraform init`, `terraform apply` with its planning part, runtime, demo
data), and the slowest resources of the apply with the provider's own waits behind them.
Each run is stopped before the next. This machine is shared: the load average is printed
with every figure, and runs under different load compare only as ratios.

Prints a table and writes bench/results/up-<UTC timestamp>.json and bench/results/up-latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def measure_up(seed: bool) -> dict[str, Any]:
    """One fresh local cloud, from launch to ready; stopped before returning."""
    ENDPOINTS_FILE.unlink(missing_ok=True)
    TERRAFORM_LOG.unlink(missing_ok=True)
    load = load_average()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, ["scripts", os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "localcloud", "up", *([] if seed else ["--no-seed"])]
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
    return {
        "ready_seconds": round(waited, 1),
        "reported_ready_seconds": endpoints.get("ready_seconds"),
        "steps": endpoints.get("startup_seconds", {}),
        "slowest_resources": slowest_resources(TERRAFORM_LOG.read_text()),
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
        print(
            f"run {number}: ready in {run['ready_seconds']} s "
            f"(load {run['load_before']} -> {run['load_after']})"
        )
        for step, taken in run["steps"].items():
            print(f"    {step:<44} {taken:>6} s")
        for resource in run["slowest_resources"][:4]:
            print(f"    slowest: {resource['address']} {resource['seconds']} s")
    ready = [run["ready_seconds"] for run in results["runs"]]
    if ready:
        print(f"ready: min {min(ready)} s, max {max(ready)} s over {len(ready)} run(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=1, help="fresh local clouds to time (default 1)"
    )
    parser.add_argument("--no-seed", action="store_true", help="leave out the demo data")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "build": measure_build(),
        "runs": [],
    }
    for _ in range(args.runs):
        results["runs"].append(measure_up(seed=not args.no_seed))
    report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    (RESULTS / f"up-{stamp}.json").write_text(text)
    (RESULTS / "up-latest.json").write_text(text)


if __name__ == "__main__":
    main()
