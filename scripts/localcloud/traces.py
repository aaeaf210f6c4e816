"""Trace headers as Lambda treats them, and a record of every invocation's trace.

Lambda gives each invocation a trace header (the runtime API's ``Lambda-Runtime-Trace-Id``,
``_X_AMZN_TRACE_ID`` in the function):

- a synchronous call that brings a trace header (API Gateway's ``X-Amzn-Trace-Id``, which
  the REST proxy event also carries; an Invoke call's ``X-Amzn-Trace-Id``) is continued:
  same root, a new parent (the function's own segment);
- anything else starts a new trace. An SQS-triggered invocation is a new trace *linked* to
  the trace of each message of its batch (the ``AWSTraceHeader`` system attribute), even
  for a batch of one: X-Ray's trace linking for SQS and Lambda.

Each invocation is appended as one JSON line to the trace log (``.local/traces.jsonl``
under ``make up``): function, request id, trace id, parent, whether it continued a
caller's trace, its event source and its links.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_ROOT = re.compile(r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")


@dataclass(frozen=True)
class TraceLink:
    """A link from an invocation's trace to the trace one of its records came from."""

    trace_id: str
    parent_id: str | None
    message_id: str | None = None
    event_source_arn: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "traceId": self.trace_id,
            "parentId": self.parent_id,
            "messageId": self.message_id,
            "eventSourceARN": self.event_source_arn,
        }


@dataclass(frozen=True)
class InvocationTrace:
    header: str
    """The invocation's ``Lambda-Runtime-Trace-Id``."""
    trace_id: str
    parent_id: str
    continued: bool
    source: str
    links: tuple[TraceLink, ...] = field(default=())


def trace_fields(header: str | None) -> dict[str, str]:
    """``Root=…;Parent=…;Sampled=…`` -> {"Root": …, …} (empty when there is no valid Root)."""
    fields: dict[str, str] = {}
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key:
            fields[key] = value.strip()
    if not _ROOT.match(fields.get("Root", "").lower()):
        return {}
    fields["Root"] = fields["Root"].lower()
    return fields


def new_root() -> str:
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def new_segment_id() -> str:
    return secrets.token_hex(8)


def header_of(root: str, parent: str, sampled: str, lineage: str | None = None) -> str:
    header = f"Root={root};Parent={parent};Sampled={sampled}"
    return f"{header};Lineage={lineage}" if lineage else header


def event_source_of(event: Any) -> str:
    if isinstance(event, Mapping):
        records = event.get("Records")
        if isinstance(records, list) and records and isinstance(records[0], Mapping):
            source = records[0].get("eventSource") or records[0].get("EventSource")
            return str(source or "records")
        context = event.get("requestContext")
        if isinstance(context, Mapping):
            return "apigateway-websocket" if "connectionId" in context else "apigateway"
    return "invoke"


def _header_from_proxy_event(event: Mapping[str, Any]) -> str | None:
    """The ``X-Amzn-Trace-Id`` a REST proxy event carries: the trace API Gateway hands to
    the function (it sends the same header with its Invoke call)."""
    context = event.get("requestContext")
    if not isinstance(context, Mapping) or "connectionId" in context:
        return None
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == "x-amzn-trace-id" and isinstance(value, str):
            return value
    return None


def sqs_links(event: Mapping[str, Any]) -> tuple[TraceLink, ...]:
    links = []
    for record in event.get("Records") or []:
        if not isinstance(record, Mapping) or record.get("eventSource") != "aws:sqs":
            continue
        fields = trace_fields((record.get("attributes") or {}).get("AWSTraceHeader"))
        if fields:
            links.append(
                TraceLink(
                    trace_id=fields["Root"],
                    parent_id=fields.get("Parent"),
                    message_id=record.get("messageId"),
                    event_source_arn=record.get("eventSourceARN"),
                )
            )
    return tuple(links)


def trace_for(event: Any, caller_header: str | None = None) -> InvocationTrace:
    """The trace an invocation of ``event`` gets (see the module docstring)."""
    source = event_source_of(event)
    incoming = caller_header
    if incoming is None and isinstance(event, Mapping):
        incoming = _header_from_proxy_event(event)
    fields = trace_fields(incoming)
    parent = new_segment_id()
    if fields:
        sampled = fields.get("Sampled", "1") if fields.get("Sampled") in {"0", "1"} else "1"
        root = fields["Root"]
        return InvocationTrace(
            header_of(root, parent, sampled), root, parent, continued=True, source=source
        )
    root = new_root()
    links = sqs_links(event) if isinstance(event, Mapping) else ()
    header = header_of(root, parent, "1", lineage=f"1:{secrets.token_hex(4)}:0")
    return InvocationTrace(header, root, parent, continued=False, source=source, links=links)


class TraceLog:
    """Appends one JSON line per invocation to ``path`` (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, function_name: str, request_id: str, trace: InvocationTrace) -> None:
        line = json.dumps(
            {
                "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "function": function_name,
                "requestId": request_id,
                "traceId": trace.trace_id,
                "parentId": trace.parent_id,
                "continued": trace.continued,
                "source": trace.source,
                "links": [link.to_json() for link in trace.links],
            }
        )
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")


def read_trace_log(path: Path) -> list[dict[str, Any]]:
    """Every recorded invocation (a line still being written is skipped)."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries
