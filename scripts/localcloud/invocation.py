"""The seam between the front doors (REST, WebSocket, pollers) and the function workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class InvocationResult:
    """Outcome of one synchronous invocation, as Lambda's Invoke API reports it."""

    payload: Any
    """The decoded JSON the handler returned (None when it failed)."""
    error: dict[str, Any] | None
    """Lambda's error document (errorMessage, errorType, stackTrace) on failure or timeout."""
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.error is None


class Invoker(Protocol):
    """Runs one event through a deployed function and waits for the result; a synchronous
    caller's ``X-Amzn-Trace-Id`` (``trace_header``) is continued, as Lambda does."""

    def invoke(
        self, function_name: str, event: dict[str, Any], trace_header: str | None = None
    ) -> InvocationResult: ...
