"""Trace context without the X-Ray SDK: Lambda's trace header, W3C ``traceparent``, and the
``X-Amzn-Trace-Id`` header of one AWS call.

Lambda active tracing records each invocation (the ``AWS::Lambda`` and
``AWS::Lambda::Function`` segments) and hands the function its trace header in
``_X_AMZN_TRACE_ID``; botocore sends that header as ``X-Amzn-Trace-Id`` on every AWS call
made inside Lambda, so a publish continues the invocation's trace with no SDK at all.

Where AWS does not carry the header (a DynamoDB stream), the event carries it: the
CloudEvents distributed-tracing extension (``traceparent``, W3C format). A write that will
be announced through the outbox stores the current trace context on its item
(:data:`TRACEPARENT_ATTRIBUTE`); the relay puts it in the event and publishes that event
under it (:func:`outgoing_trace_header` plus :func:`register_trace_header_hook`: a
per-call header, never a change of the process environment).

The current trace context is the consumed event's while a consumer handles it (so one
order stays one trace even when a batch mixes orders), else the invocation's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

LAMBDA_TRACE_ENV = "_X_AMZN_TRACE_ID"
TRACE_HEADER = "X-Amzn-Trace-Id"
TRACEPARENT_ATTRIBUTE = "lastTraceparent"
"""The item attribute (DynamoDB, type S) holding the trace context of the write that made
the item's current version: read by the outbox relay."""

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_ROOT = re.compile(r"^1-([0-9a-f]{8})-([0-9a-f]{24})$")
_PARENT = re.compile(r"^[0-9a-f]{16}$")

_event_traceparent: ContextVar[str | None] = ContextVar("event_traceparent", default=None)
_outgoing_header: ContextVar[str | None] = ContextVar("outgoing_trace_header", default=None)


@dataclass(frozen=True)
class TraceContext:
    """One position in a trace: the trace, the span (X-Ray: segment) and the sampling flag."""

    trace_id: str
    """32 lowercase hex digits (W3C); X-Ray writes it ``1-<first 8>-<other 24>``."""
    parent_id: str
    """16 lowercase hex digits."""
    sampled: bool

    @property
    def xray_root(self) -> str:
        return f"1-{self.trace_id[:8]}-{self.trace_id[8:]}"

    def to_traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.parent_id}-{'01' if self.sampled else '00'}"

    def to_xray_header(self) -> str:
        return f"Root={self.xray_root};Parent={self.parent_id};Sampled={int(self.sampled)}"


def parse_xray_header(header: str | None) -> TraceContext | None:
    """``Root=1-…;Parent=…;Sampled=…`` (any order, other fields ignored) -> TraceContext;
    None when there is no usable root and parent (Lambda always gives both). ``Sampled=?``
    (decision deferred) counts as not sampled: W3C has no deferred flag."""
    if not header:
        return None
    fields: dict[str, str] = {}
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        fields[key] = value.strip()
    root = _ROOT.match(fields.get("Root", "").lower())
    parent = fields.get("Parent", "").lower()
    if root is None or not _PARENT.match(parent) or parent == "0" * 16:
        return None
    return TraceContext(
        trace_id=root.group(1) + root.group(2),
        parent_id=parent,
        sampled=fields.get("Sampled") == "1",
    )


def parse_traceparent(traceparent: str | None) -> TraceContext | None:
    """A W3C ``traceparent`` -> TraceContext; None when malformed or all-zero (the W3C
    rule: such a header is ignored, not an error). Future versions are read as version 00."""
    match = _TRACEPARENT.match(traceparent or "")
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest):
        return None
    if trace_id == "0" * 32 or parent_id == "0" * 16:
        return None
    return TraceContext(trace_id=trace_id, parent_id=parent_id, sampled=bool(int(flags, 16) & 1))


def xray_header_to_traceparent(header: str | None) -> str | None:
    context = parse_xray_header(header)
    return context.to_traceparent() if context else None


def traceparent_to_xray_header(traceparent: str | None) -> str | None:
    context = parse_traceparent(traceparent)
    return context.to_xray_header() if context else None


def invocation_traceparent() -> str | None:
    """The running Lambda invocation's trace context (None outside Lambda)."""
    return xray_header_to_traceparent(os.environ.get(LAMBDA_TRACE_ENV))


def current_traceparent() -> str | None:
    """The trace context a write or a publish belongs to: the consumed event's while a
    consumer handles one, else the invocation's."""
    return _event_traceparent.get() or invocation_traceparent()


def set_event_traceparent(traceparent: str | None) -> None:
    """Called by the consumer per record (None: the record carries no usable context)."""
    context = parse_traceparent(traceparent)
    _event_traceparent.set(context.to_traceparent() if context else None)


def trace_item_attributes() -> dict[str, Any]:
    """``{TRACEPARENT_ATTRIBUTE: {"S": …}}`` to store with an outbox write (DynamoDB client
    format), or {} when there is no trace context."""
    traceparent = current_traceparent()
    return {TRACEPARENT_ATTRIBUTE: {"S": traceparent}} if traceparent else {}


def with_trace_update(set_expression: str, values: dict[str, Any]) -> str:
    """``set_expression`` (an UpdateExpression made of one SET clause) extended to store the
    current trace context (adding ``:traceparent`` to ``values``), or to remove a stale one
    when there is none: an item never keeps the trace of an older write."""
    traceparent = current_traceparent()
    if traceparent:
        values[":traceparent"] = {"S": traceparent}
        return f"{set_expression}, {TRACEPARENT_ATTRIBUTE} = :traceparent"
    return f"{set_expression} REMOVE {TRACEPARENT_ATTRIBUTE}"


def traceparent_of_image(image: Mapping[str, Any] | None) -> str | None:
    """The valid trace context a stream record's image carries, if any."""
    value = ((image or {}).get(TRACEPARENT_ATTRIBUTE) or {}).get("S")
    context = parse_traceparent(value)
    return context.to_traceparent() if context else None


@contextmanager
def outgoing_trace_header(header: str | None) -> Iterator[None]:
    """AWS calls made inside this block (through a client with the hook) carry ``header``
    as ``X-Amzn-Trace-Id`` instead of the invocation's; None leaves botocore's default."""
    token = _outgoing_header.set(header)
    try:
        yield
    finally:
        _outgoing_header.reset(token)


def _set_trace_header(params: dict[str, Any], **_: Any) -> None:
    header = _outgoing_header.get()
    if header:
        # botocore's recursion-detection handler only fills the header when it is absent,
        # so whichever runs first, this value is the one sent (it is never signed)
        params.setdefault("headers", {})[TRACE_HEADER] = header


def register_trace_header_hook(client: Any) -> None:
    """Lets :func:`outgoing_trace_header` set the trace header of ``client``'s calls."""
    client.meta.events.register(
        "before-call", _set_trace_header, unique_id="shared.tracing.outgoing-trace-header"
    )
