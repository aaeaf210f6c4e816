"""`LocalInvoker`: runs events through the deployed functions in local execution environments.

Thread-safe; asyncio callers use `loop.run_in_executor(None, invoker.invoke, name, event)`.
The function's configuration is re-read from the emulator at most every `spec_ttl_s`
seconds, so a redeploy (new code, environment, timeout) is picked up: the old
environments finish what they are doing and are replaced.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from localcloud.code_store import CodeNotFoundError, CodeStore
from localcloud.deployment import Deployment, FunctionNotFoundError, FunctionSpec, function_name_of
from localcloud.emulator import LOCAL_REGION
from localcloud.function_logs import ConsoleEcho, LogShipper
from localcloud.invocation import InvocationResult
from localcloud.runtime_layer import build_runtime_layer
from localcloud.traces import TraceLog, trace_for
from localcloud.workers import FunctionPool, RuntimeSettings, Throttled, Worker, error_document

_log = logging.getLogger(__name__)

DEFAULT_MAX_WORKERS = 4
"""Execution environments per function when it has no (smaller) reserved concurrency."""


class LocalInvoker:
    """Implements `localcloud.invocation.Invoker` with worker processes per function."""

    def __init__(
        self,
        endpoint_url: str,
        region: str = LOCAL_REGION,
        *,
        code_store: CodeStore | None = None,
        max_workers: int = DEFAULT_MAX_WORKERS,
        spec_ttl_s: float = 2.0,
        console: TextIO | None = None,
        echo: bool = True,
        ship_logs: bool = True,
        runtime_layer: Path | None = None,
        extra_environment: Mapping[str, str] | None = None,
        trace_log: Path | None = None,
    ) -> None:
        self.deployment = Deployment(endpoint_url, region)
        self.code_store = code_store or CodeStore(endpoint_url=endpoint_url)
        self.max_workers = max_workers
        self.spec_ttl_s = spec_ttl_s
        self._settings = RuntimeSettings(
            endpoint_url=endpoint_url,
            region=region,
            runtime_layer=runtime_layer or build_runtime_layer(),
            extra_environment=tuple(sorted((extra_environment or {}).items())),
        )
        self.trace_log = TraceLog(trace_log) if trace_log else None
        self._echo = ConsoleEcho(console) if echo else None
        self.log_shipper = LogShipper(self.deployment.client("logs")) if ship_logs else None
        self._lock = threading.Lock()
        self._pools: dict[str, FunctionPool] = {}
        self._checked_at: dict[str, float] = {}
        self._closed = False
        atexit.register(self.shutdown)

    def invoke(
        self, function_name: str, event: dict[str, Any], trace_header: str | None = None
    ) -> InvocationResult:
        """Runs ``event`` through the function; ``trace_header`` is a synchronous caller's
        ``X-Amzn-Trace-Id`` (continued as Lambda does; see ``localcloud.traces``)."""
        started = time.monotonic()
        request_id = str(uuid.uuid4())
        try:
            pool = self._pool(function_name_of(function_name))
            wait_s = pool.spec.timeout_s + self._settings.init_timeout_s
            trace = trace_for(event, trace_header)
            if self.trace_log:
                self.trace_log.record(pool.spec.name, request_id, trace)
            return pool.invoke(json.dumps(event).encode(), request_id, wait_s, trace.header)
        except FunctionNotFoundError:
            error = error_document(
                "ResourceNotFoundException", f"Function not found: {function_name}"
            )
        except Throttled as throttled:
            error = error_document("TooManyRequestsException", f"Rate Exceeded. ({throttled})")
        except CodeNotFoundError as missing:
            _log.error("%s", missing)
            error = error_document("LocalRuntime.CodeNotFound", str(missing))
        return InvocationResult(
            payload=None, error=error, duration_ms=(time.monotonic() - started) * 1000
        )

    def add_environment(self, variables: Mapping[str, str]) -> None:
        """Adds variables for every execution environment started from now on (one known
        only once a front door is up, such as the @connections endpoint). Environments
        already running are replaced, as after a redeploy, so none keeps the old set."""
        with self._lock:
            merged = {**dict(self._settings.extra_environment), **variables}
            self._settings = dataclasses.replace(
                self._settings, extra_environment=tuple(sorted(merged.items()))
            )
            stale = list(self._pools.values())
            self._pools.clear()
        for pool in stale:
            pool.close()

    def workers(self, function_name: str) -> list[Worker]:
        """The function's live execution environments (for tests and diagnostics)."""
        with self._lock:
            pool = self._pools.get(function_name_of(function_name))
        return pool.workers() if pool else []

    def shutdown(self) -> None:
        """Kills every worker process and flushes the logs. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.kill_all()
        if self.log_shipper:
            self.log_shipper.close()
        atexit.unregister(self.shutdown)

    def __enter__(self) -> LocalInvoker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    # -- internals --

    def _pool(self, name: str) -> FunctionPool:
        with self._lock:
            if self._closed:
                raise Throttled("the local runtime is shutting down")
            pool = self._pools.get(name)
            fresh = time.monotonic() - self._checked_at.get(name, -1e9) < self.spec_ttl_s
        if pool is not None and fresh:
            return pool
        spec = self.deployment.function(name)
        if spec.reserved_concurrency == 0:
            raise Throttled("reserved concurrency is 0")
        with self._lock:
            self._checked_at[name] = time.monotonic()
            current = self._pools.get(name)
            if current is not None and current.spec == spec:
                return current
        task_root = self.code_store.task_root(spec)
        with self._lock:
            current = self._pools.get(name)
            if current is not None and current.spec == spec:
                return current
            replacement = FunctionPool(
                spec, task_root, self._settings, self._log_sink(spec), self._concurrency(spec)
            )
            self._pools[name] = replacement
        if current is not None:
            _log.info("function %s was redeployed: replacing its environments", name)
            current.close()
        return replacement

    def _concurrency(self, spec: FunctionSpec) -> int:
        if spec.reserved_concurrency:
            return min(spec.reserved_concurrency, self.max_workers)
        return self.max_workers

    def _log_sink(self, spec: FunctionSpec) -> Any:
        echo, shipper = self._echo, self.log_shipper

        def log(stream: str, message: str) -> None:
            if echo:
                echo.write(spec.name, message)
            if shipper:
                shipper.emit(spec.log_group, stream, message)

        return log
