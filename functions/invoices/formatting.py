"""How amounts and dates read on an invoice."""

from __future__ import annotations

from datetime import datetime

from invoices.domain import Money

# ISO 4217 minor units that differ from 2; any other currency has cents.
_MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def format_amount(money: Money) -> str:
    """``Money(123456, "EUR")`` -> ``"1,234.56"`` (``Money(1200, "JPY")`` -> ``"1,200"``)."""
    digits = minor_units(money.currency)
    whole, fraction = divmod(money.amount, 10**digits)
    return f"{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")


def format_money(money: Money) -> str:
    """``"1,234.56 EUR"``."""
    return f"{format_amount(money)} {money.currency}"


def format_date(timestamp: str) -> str:
    """An RFC 3339 timestamp as its UTC calendar date, ``2026-03-14``."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).date().isoformat()
