"""Money: an amount in minor units (cents) of an ISO 4217 currency.

The one money type of every service: exact integer arithmetic (never floats), the JSON
shape of the contracts and the REST API (``{"amount": 123456, "currency": "EUR"}``), the
same shape as a DynamoDB attribute, and how an amount reads (``1,234.56 EUR``: the
currency's ISO 4217 minor units, Western grouping). Amounts are never negative: a refund
or a discount is a separate fact, not a negative price.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_CURRENCY = re.compile(r"^[A-Z]{3}\Z")

# ISO 4217 minor units that differ from 2; any other currency has cents.
_MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip


def minor_units(currency: str) -> int:
    """How many decimals the currency's minor unit has: ``EUR`` 2, ``JPY`` 0, ``KWD`` 3."""
    return _MINOR_UNITS.get(currency, 2)


@dataclass(frozen=True, slots=True)
class Money:
    """``Money(123456, "EUR")`` is 1,234.56 euros."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"an amount is a whole number of minor units: {self.amount!r}")
        if self.amount < 0:
            raise ValueError("an amount cannot be negative")
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def times(self, quantity: int) -> Money:
        """The price of ``quantity`` units at this unit price."""
        return Money(self.amount * quantity, self.currency)

    # Formatting ---------------------------------------------------------------------

    def format_amount(self) -> str:
        """``"1,234.56"`` (``Money(1200, "JPY")`` -> ``"1,200"``)."""
        digits = minor_units(self.currency)
        whole, fraction = divmod(self.amount, 10**digits)
        return f"{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")

    def __str__(self) -> str:
        """``"1,234.56 EUR"``."""
        return f"{self.format_amount()} {self.currency}"

    # Serialisation -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The contracts' and the API's shape; also a DynamoDB document (resource API)."""
        return {"amount": self.amount, "currency": self.currency}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Money:
        """From ``to_json``'s shape; the amount may be a ``Decimal`` (boto3's numbers)."""
        amount = document["amount"]
        if int(amount) != amount:
            raise ValueError(f"an amount is a whole number of minor units: {amount!r}")
        return cls(int(amount), str(document["currency"]))

    def to_attribute(self) -> dict[str, Any]:
        """A DynamoDB attribute value (low-level client): a map of amount and currency."""
        return {"M": {"amount": {"N": str(self.amount)}, "currency": {"S": self.currency}}}

    @classmethod
    def from_attribute(cls, value: Mapping[str, Any]) -> Money:
        fields = value["M"]
        return cls(int(fields["amount"]["N"]), fields["currency"]["S"])
