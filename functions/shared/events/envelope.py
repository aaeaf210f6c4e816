"""The CloudEvents 1.0 envelope (structured JSON) every event travels in.

``type`` is ``ecommerce.<service>.<Event>.v<major>``, ``source`` is ``/ecommerce/<service>``
and ``correlationid`` ties together every event of one business flow.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"

Event = dict[str, Any]
"""An envelope as it goes on the wire (JSON-ready)."""


def event_type(service: str, name: str, major: int = 1) -> str:
    return f"ecommerce.{service}.{name}.v{major}"


def event_source(service: str) -> str:
    return f"/ecommerce/{service}"


def rfc3339(moment: datetime) -> str:
    """UTC, millisecond precision, ``Z`` suffix: ``2025-03-14T09:26:53.612Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> str:
    return rfc3339(datetime.now(UTC))


def build_event(
    *,
    service: str,
    name: str,
    subject: str,
    data: Mapping[str, Any],
    correlation_id: str | None = None,
    major: int = 1,
    event_id: str | None = None,
    time: str | None = None,
    causation_id: str | None = None,
) -> Event:
    """A new envelope; ``event_id`` defaults to a random UUID (pass a deterministic one when
    the same occurrence may be announced twice), ``correlation_id`` to a fresh flow."""
    event: Event = {
        "specversion": SPEC_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": event_source(service),
        "type": event_type(service, name, major),
        "time": time or utc_now(),
        "subject": subject,
        "datacontenttype": CONTENT_TYPE,
        "correlationid": correlation_id or str(uuid.uuid4()),
        "data": dict(data),
    }
    if causation_id:
        event["causationid"] = causation_id
    return event
