"""Execution environments: one worker process per environment, pooled per function.

A worker is AWS's runtime interface client (`python -m awslambdaric <handler>`) in a
child process, talking to its own Runtime API server. It cold-starts once and then
serves invocations one at a time (warm) until it times out, crashes or is stopped.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from localcloud.deployment import FunctionSpec
from localcloud.emulator import LOCAL_CREDENTIALS
from localcloud.invocation import InvocationResult
from localcloud.runtime_api import Invocation, RuntimeApi

INIT_TIMEOUT_S = 10.0
"""Lambda gives the init phase (imports, module-level code) 10 seconds."""

LogSink = Callable[[str, str], None]
"""Receives (log stream name, message) for every line a worker prints."""

_SIGNAL_WORDS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGKILL: "killed",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
}


@dataclass(frozen=True)
class RuntimeSettings:
    """What every worker shares: where the emulator is and how to start the runtime."""

    endpoint_url: str
    region: str
    runtime_layer: Path
    python: str = sys.executable
    init_timeout_s: float = INIT_TIMEOUT_S
    extra_environment: tuple[tuple[str, str], ...] = ()
    """Variables every worker gets besides the emulator's endpoint (e.g. the WebSocket
    gateway's ``AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI``); a function's own
    configuration overrides them, as it does ``AWS_ENDPOINT_URL``."""


def new_log_stream_name() -> str:
    """Lambda's log stream naming: `2024/05/01/[$LATEST]<32 hex digits>`."""
    return f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"


def error_document(error_type: str, message: str) -> dict[str, Any]:
    return {"errorType": error_type, "errorMessage": message}


def worker_environment(
    spec: FunctionSpec, settings: RuntimeSettings, task_root: Path, runtime_api: str, stream: str
) -> dict[str, str]:
    """The process environment Lambda would give this function (plus the emulator)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
        "AWS_ENDPOINT_URL": settings.endpoint_url,
        **dict(settings.extra_environment),
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        **spec.environment,
        # reserved variables: a function's own configuration cannot override these
        "PYTHONPATH": os.pathsep.join([str(task_root), str(settings.runtime_layer)]),
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(settings.runtime_layer),
        "_HANDLER": spec.handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}" if spec.runtime else "",
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_REGION": settings.region,
        "AWS_DEFAULT_REGION": settings.region,
        **LOCAL_CREDENTIALS,
        "AWS_SESSION_TOKEN": "test",
    }


class Worker:
    """One execution environment: a runtime process and its Runtime API."""

    def __init__(
        self, spec: FunctionSpec, task_root: Path, settings: RuntimeSettings, log: LogSink
    ) -> None:
        self.spec = spec
        self.log_stream = new_log_stream_name()
        self._settings = settings
        self._log = log
        self._lock = threading.Lock()
        self._current: Invocation | None = None
        self._init_error: dict[str, Any] | None = None
        self._spawned_at = time.monotonic()
        self._init_duration_ms: float | None = None
        self._api = RuntimeApi(on_init_error=self._record_init_error)
        try:
            self._process = subprocess.Popen(
                [settings.python, "-S", "-m", "awslambdaric", spec.handler],
                cwd=task_root,
                env=worker_environment(
                    spec, settings, task_root, self._api.address, self.log_stream
                ),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # so stop() can kill whatever the handler started
            )
        except BaseException:
            self._api.close()
            raise
        assert self._process.stdout is not None
        self._reader = threading.Thread(
            target=self._forward_output, args=(self._process.stdout,), daemon=True
        )
        self._reader.start()
        threading.Thread(target=self._watch_exit, daemon=True).start()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None and self._init_error is None

    def invoke(self, event: bytes, request_id: str, trace_header: str) -> InvocationResult:
        """Runs one event; ``trace_header`` is its ``Lambda-Runtime-Trace-Id``."""
        invocation = Invocation(
            request_id=request_id,
            event=event,
            function_arn=self.spec.arn,
            timeout_s=float(self.spec.timeout_s),
            trace_id=trace_header,
        )
        started = time.monotonic()
        cold = self._init_duration_ms is None
        with self._lock:
            self._current = invocation
            pending_error = self._exit_error(request_id) if not self.alive else None
        if pending_error:
            invocation.fail(pending_error)
        self._log(self.log_stream, f"START RequestId: {request_id} Version: $LATEST")
        self._api.submit(invocation)
        if not invocation.wait(self._settings.init_timeout_s):
            self._time_out(invocation)
        self._api.forget(invocation)
        with self._lock:
            self._current = None
        if cold and invocation.started_at is not None:
            self._init_duration_ms = (invocation.started_at - self._spawned_at) * 1000
        duration_ms = (time.monotonic() - started) * 1000
        self._report(invocation, cold)
        return _result(invocation, duration_ms)

    def stop(self) -> None:
        """Kills the runtime and everything it started (its process group)."""
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        self._api.close()
        self._reader.join(timeout=2)

    def max_memory_used_mb(self) -> int | None:
        """Peak resident memory of the runtime process (Lambda's "Max Memory Used")."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return math.ceil(int(line.split()[1]) / 1024)
        return None

    # -- internals --

    def _time_out(self, invocation: Invocation) -> None:
        if invocation.started_at is None:
            message = f"Init timed out after {self._settings.init_timeout_s:.2f} seconds"
        else:
            message = f"Task timed out after {invocation.timeout_s:.2f} seconds"
        invocation.fail(
            error_document(
                "Sandbox.Timedout", f"RequestId: {invocation.request_id} Error: {message}"
            )
        )
        self.stop()
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self._log(self.log_stream, f"{stamp} {invocation.request_id} {message}")

    def _report(self, invocation: Invocation, cold: bool) -> None:
        run_ms = 0.0
        if invocation.started_at is not None and invocation.finished_at is not None:
            run_ms = (invocation.finished_at - invocation.started_at) * 1000
        memory = self.max_memory_used_mb()
        report = (
            f"REPORT RequestId: {invocation.request_id}\tDuration: {run_ms:.2f} ms"
            f"\tBilled Duration: {math.ceil(run_ms)} ms\tMemory Size: {self.spec.memory_mb} MB"
            f"\tMax Memory Used: {memory if memory is not None else '-'} MB"
        )
        if cold and self._init_duration_ms is not None:
            report += f"\tInit Duration: {self._init_duration_ms:.2f} ms"
        self._log(self.log_stream, f"END RequestId: {invocation.request_id}")
        self._log(self.log_stream, report)

    def _record_init_error(self, error: dict[str, Any]) -> None:
        with self._lock:
            self._init_error = error
            current = self._current
        if current is not None:
            current.fail(error)

    def _watch_exit(self) -> None:
        self._process.wait()
        with self._lock:
            current = self._current
        if current is not None:
            current.fail(self._init_error or self._exit_error(current.request_id))

    def _exit_error(self, request_id: str) -> dict[str, Any]:
        if self._init_error is not None:
            return self._init_error
        code = self._process.returncode
        if code is None:
            reason = "Runtime exited without providing a reason"
        elif code < 0:
            signum = signal.Signals(-code)
            reason = f"Runtime exited with error: signal: {_SIGNAL_WORDS.get(signum, signum.name)}"
        elif code == 0:
            reason = "Runtime exited without providing a reason"
        else:
            reason = f"Runtime exited with error: exit status {code}"
        return error_document("Runtime.ExitError", f"RequestId: {request_id} Error: {reason}")

    def _forward_output(self, output: IO[bytes]) -> None:
        # awslambdaric joins the lines of one error report with "\r": one log event
        for raw in iter(output.readline, b""):
            message = raw.rstrip(b"\n").decode(errors="replace").replace("\r", "\n")
            self._log(self.log_stream, message)
        output.close()


def _result(invocation: Invocation, duration_ms: float) -> InvocationResult:
    if invocation.error is not None:
        return InvocationResult(payload=None, error=invocation.error, duration_ms=duration_ms)
    return InvocationResult(
        payload=decode_payload(invocation.response or b""), error=None, duration_ms=duration_ms
    )


def decode_payload(body: bytes) -> Any:
    """The handler's JSON result (awslambdaric marshals to JSON); raw text otherwise."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode(errors="replace")


class Throttled(Exception):
    """Reserved concurrency is exhausted."""


class FunctionPool:
    """The execution environments of one function version: warm reuse, bounded concurrency."""

    def __init__(
        self,
        spec: FunctionSpec,
        task_root: Path,
        settings: RuntimeSettings,
        log: LogSink,
        max_workers: int,
    ) -> None:
        self.spec = spec
        self.max_workers = max_workers
        self._task_root = task_root
        self._settings = settings
        self._log = log
        self._idle: list[Worker] = []
        self._count = 0
        self._slots = threading.Condition()
        self._closed = False
        self._all: set[Worker] = set()

    def invoke(
        self, event: bytes, request_id: str, wait_s: float, trace_header: str
    ) -> InvocationResult:
        worker = self._acquire(wait_s)
        try:
            return worker.invoke(event, request_id, trace_header)
        finally:
            self._release(worker)

    def workers(self) -> list[Worker]:
        with self._slots:
            return list(self._all)

    def close(self) -> None:
        """Stops idle workers now; busy ones stop when their invocation ends."""
        with self._slots:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._all.difference_update(idle)
            self._slots.notify_all()
        for worker in idle:
            worker.stop()

    def kill_all(self) -> None:
        with self._slots:
            self._closed = True
            everyone = list(self._all)
            self._idle = []
        for worker in everyone:
            worker.stop()

    def _acquire(self, wait_s: float) -> Worker:
        dead: list[Worker] = []
        try:
            with self._slots:
                warm = self._take_idle_or_slot(time.monotonic() + wait_s, dead)
        finally:
            for worker in dead:
                worker.stop()
        if warm is not None:
            return warm
        try:
            worker = Worker(self.spec, self._task_root, self._settings, self._log)
        except BaseException:
            with self._slots:
                self._count -= 1
                self._slots.notify()
            raise
        with self._slots:
            self._all.add(worker)
        return worker

    def _take_idle_or_slot(self, deadline: float, dead: list[Worker]) -> Worker | None:
        """Caller holds the lock. A warm worker, or None when a slot for a new one is taken."""
        while True:
            if self._closed:
                raise Throttled("function pool is shutting down")
            while self._idle:
                worker = self._idle.pop()  # the most recently used: the warmest
                if worker.alive:
                    return worker
                self._forget(worker)
                dead.append(worker)
            if self._count < self.max_workers:
                self._count += 1
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Throttled(f"all {self.max_workers} environments are busy")
            self._slots.wait(remaining)

    def _release(self, worker: Worker) -> None:
        with self._slots:
            if worker.alive and not self._closed:
                self._idle.append(worker)
                self._slots.notify()
                return
            self._forget(worker)
            self._slots.notify()
        worker.stop()

    def _forget(self, worker: Worker) -> None:
        """Caller holds the lock."""
        self._count -= 1
        self._all.discard(worker)
