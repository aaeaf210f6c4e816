"""The local cloud a run talks to, and what it costs the machine.

- A local cloud that answers (`.local/endpoints.json` written by `make up`, its REST URL
  responding) is used as it is, and left running.
- Otherwise the run starts one (`python -m localcloud up`, its own process group, log in
  `.local/logs/load-up.log`), waits until it wrote `.local/endpoints.json`, and stops it
  when the run ends: `make load` works on a fresh clone, like `make e2e`.

`ResourceSampler` follows the local cloud's processes (the `pids` of endpoints.json and
all their descendants: emulator, runtime, function workers) with psutil once a second:
CPU seconds used during the run, average and peak cores, peak resident memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import requests

from load.settings import ROOT

ENDPOINTS = ROOT / ".local" / "endpoints.json"
START_TIMEOUT_S = 600


def running_endpoints(path: Path = ENDPOINTS) -> dict[str, Any] | None:
    """The endpoints of a local cloud that answers, or None."""
    if not path.is_file():
        return None
    try:
        endpoints = json.loads(path.read_text())
        requests.get(endpoints["rest_url"], timeout=3)
    except (ValueError, KeyError, requests.RequestException):
        return None
    return dict(endpoints)


class StartedCloud:
    """A local cloud this run started, and stops."""

    def __init__(self) -> None:
        log_dir = ROOT / ".local" / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / "load-up.log"
        ENDPOINTS.unlink(missing_ok=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "localcloud", "up"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> dict[str, Any]:
        started = time.monotonic()
        while (endpoints := running_endpoints()) is None:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local cloud failed to start; see {self.log_path}")
            if time.monotonic() - started > timeout_s:
                raise RuntimeError(f"the local cloud was not ready in {timeout_s} s")
            time.sleep(0.5)
        print(f"load: local cloud ready in {time.monotonic() - started:.0f} s", flush=True)
        return endpoints

    def stop(self) -> None:
        """SIGTERM (it stops what it started), then SIGKILL for its process group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


class ResourceSampler(threading.Thread):
    """CPU and memory of a process tree, sampled every `interval_s` while running."""

    def __init__(self, roots: list[int], interval_s: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.interval_s = interval_s
        self._stop_event = threading.Event()
        self._first: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._names: dict[tuple[int, float], str] = {}
        self.peak_rss_bytes = 0
        self.peak_cores = 0.0
        self.processes_seen = 0
        self.started = time.monotonic()
        self._wall_start = time.time()
        self.elapsed = 0.0
        self.own = psutil.Process()
        self._own_start = _cpu(self.own)

    def _tree(self) -> list[psutil.Process]:
        found: list[psutil.Process] = []
        for pid in self.roots:
            try:
                root = psutil.Process(pid)
                found += [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
        return found

    def sample(self) -> None:
        rss = 0
        for process in self._tree():
            try:
                with process.oneshot():
                    key = (process.pid, process.create_time())
                    used = _cpu(process)
                    rss += process.memory_info().rss
            except psutil.Error:
                continue
            if key not in self._first:
                # a process born during the run counts from zero, an older one from now
                self._first[key] = 0.0 if key[1] >= self._wall_start else used
                self._names[key] = _role(process)
            self._last[key] = used
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)

    def run(self) -> None:
        previous_total, previous_at = 0.0, time.monotonic()
        while True:
            self.sample()
            now = time.monotonic()
            total = self.cpu_seconds
            if now > previous_at:
                cores = (total - previous_total) / (now - previous_at)
                self.peak_cores = max(self.peak_cores, cores)
            previous_total, previous_at = total, now
            if self._stop_event.wait(self.interval_s):
                break
        self.sample()
        self.elapsed = time.monotonic() - self.started

    @property
    def cpu_seconds(self) -> float:
        return sum(self._last[key] - self._first[key] for key in self._last)

    def stop(self) -> dict[str, Any]:
        self._stop_event.set()
        self.join()
        own = _cpu(self.own) - self._own_start
        average = self.cpu_seconds / self.elapsed if self.elapsed else 0.0
        return {
            "cpu_seconds": round(self.cpu_seconds, 1),
            "cpu_cores_average": round(average, 2),
            "cpu_cores_peak": round(self.peak_cores, 2),
            "rss_mb_peak": round(self.peak_rss_bytes / 2**20, 1),
            "processes": len(self._last),
            "busiest": self.busiest(),
            "seconds": round(self.elapsed, 1),
            "machine_cores": psutil.cpu_count(),
            "load_generator_cpu_seconds": round(own, 1),
        }

    def busiest(self, count: int = 6) -> list[dict[str, Any]]:
        """CPU seconds by role (a function's workers add up under its name), largest first:
        where a local run's time goes (the emulator is one process)."""
        by_role: dict[str, float] = {}
        for key, name in self._names.items():
            by_role[name] = by_role.get(name, 0.0) + self._last[key] - self._first[key]
        ranked = sorted(by_role.items(), key=lambda item: -item[1])[:count]
        return [{"role": name, "cpu_seconds": round(seconds, 1)} for name, seconds in ranked]


def _role(process: psutil.Process) -> str:
    """A short name for a local cloud process: the handler a function worker runs
    (`python -m awslambdaric orders.api.handler`), else the module it runs
    (`localcloud.emulator_server`), else its executable."""
    try:
        arguments = process.cmdline()
    except psutil.Error:
        return "?"
    if "-m" in arguments[:-1]:
        at = arguments.index("-m") + 1
        module, rest = arguments[at], arguments[at + 1 :]
        return str(rest[0] if module == "awslambdaric" and rest else module)
    return str(arguments[0].rsplit("/", 1)[-1] if arguments else process.name())


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)
