"""How dates read on an invoice (amounts: ``shared.money.Money``)."""

from __future__ import annotations

from datetime import datetime


def format_date(timestamp: str) -> str:
    """An RFC 3339 timestamp as its UTC calendar date, ``2026-03-14``."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date().isoformat()
