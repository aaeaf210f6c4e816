"""Powertools Logger and Metrics, created once per process, plus correlation ids.

The service name comes from ``POWERTOOLS_SERVICE_NAME``, the namespace from
``POWERTOOLS_METRICS_NAMESPACE``, the level from ``POWERTOOLS_LOG_LEVEL``.

No Tracer: the AWS X-Ray SDK behind it is in maintenance (end of support 2027-02-25) and
cost ~0.2x of every cold init. Lambda active tracing records each invocation (with its
Init and Invocation phases and errors) without it; every log line carries the
invocation's ``xray_trace_id`` (Logger), plus ``cold_start``, the function and the
service; metrics record a ``ColdStart`` per new environment; ``shared.tracing`` carries
the trace across the outbox. See docs/observability.md.
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics

from shared.startup import resume_garbage_collection

DEFAULT_METRICS_NAMESPACE = "Ecommerce"

logger = Logger()
# A missing namespace would make every flush raise, i.e. fail invocations that did their work.
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_METRICS_NAMESPACE
)
# A request that records no business metric is normal, not worth a warning per invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")

CORRELATION_ID_HEADER = "X-Correlation-Id"
_SAFE_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:/=+-]{1,128}$")

Handler = TypeVar("Handler", bound=Callable[..., Any])


def lambda_handler(handler: Handler) -> Handler:
    """Wraps a Lambda entry point: Lambda context (cold start, function, request id) and the
    X-Ray trace id in every log line (state cleared per invocation, so no key leaks into the
    next one), metrics flushed with a ``ColdStart`` metric on an environment's first call.
    Wrapping ends the module's initialisation: garbage collection resumes (shared.startup)."""
    resume_garbage_collection()
    wrapped: Callable[..., Any] = metrics.log_metrics(handler, capture_cold_start_metric=True)
    return cast("Handler", logger.inject_lambda_context(wrapped, clear_state=True))


def set_correlation_id(correlation_id: str | None) -> None:
    """Appends ``correlation_id`` to every following log line (None removes it)."""
    logger.set_correlation_id(correlation_id)


def current_correlation_id() -> str | None:
    return logger.get_correlation_id()


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def is_valid_correlation_id(value: object) -> bool:
    return isinstance(value, str) and bool(_SAFE_CORRELATION_ID.match(value))


def correlation_id_from_request(event: Mapping[str, Any]) -> str:
    """The caller's ``X-Correlation-Id`` header when it is sane, else API Gateway's request
    id, else a fresh one (REST proxy v1 event)."""
    headers = event.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == CORRELATION_ID_HEADER.lower() and is_valid_correlation_id(value):
            return str(value)
    request_id = (event.get("requestContext") or {}).get("requestId")
    if is_valid_correlation_id(request_id):
        return str(request_id)
    return new_correlation_id()
