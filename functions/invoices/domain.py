"""An invoice's rules, in plain Python (no AWS, no HTTP).

One invoice per confirmed order. Catalogue prices are **net**: the invoice lists the
order's lines at their net prices, adds tax at the configured rate (basis points,
``2000`` = 20 %) on the subtotal, rounding half up to the minor unit, and states the
gross total. Invoice numbers come from ``NUMBER_SERIES`` parallel series per calendar year
(UTC) of issue, each sequential without gaps: ``INV-<year>-<series><sequence>``, the series
as two digits and the sequence as six or more (``INV-2026-03000123`` is the 123rd invoice
of series 03 in 2026). An order's series is fixed by a hash of its id, so no single
counter serializes every invoice of the shop. Invoices numbered before the series existed
keep their one-per-year form ``INV-<year>-<sequence>`` (``INV-2026-000123``).

An invoice is created ``PENDING`` (number claimed, PDF not stored yet) and becomes
``ISSUED`` once its PDF is in the bucket; only then is it announced and downloadable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from shared.errors import NotFound
from shared.money import Money

SERVICE = "invoices"
NUMBER_PREFIX = "INV"
NUMBER_DIGITS = 6
SERIES_DIGITS = 2
MAX_NUMBER_SERIES = 99
DEFAULT_NUMBER_SERIES = 16
"""Series per year: each takes at most a few tens of numbers a second (its counter item is
claimed by one transaction at a time; see docs/capacity.md), so 16 of them carry the
shop past the other limits of the order flow."""
BASIS_POINTS_PER_UNIT = 10_000


class InvoiceStatus(StrEnum):
    PENDING = "PENDING"
    ISSUED = "ISSUED"


class InvoiceNotFound(NotFound):
    def __init__(self, invoice_id: str) -> None:
        super().__init__(f"invoice {invoice_id} does not exist")


class MixedCurrencies(ValueError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} mixes currencies: it cannot be invoiced")


@dataclass(frozen=True)
class TaxRate:
    """A tax rate in basis points (1/100 of a percent): 2000 is 20 %."""

    basis_points: int

    def __post_init__(self) -> None:
        if not 0 <= self.basis_points <= BASIS_POINTS_PER_UNIT:
            raise ValueError("a tax rate is between 0 and 10000 basis points")

    def on(self, net: Money) -> Money:
        """The tax on ``net``, rounded half up to the minor unit."""
        tax, remainder = divmod(net.amount * self.basis_points, BASIS_POINTS_PER_UNIT)
        if remainder * 2 >= BASIS_POINTS_PER_UNIT:
            tax += 1
        return Money(tax, net.currency)

    @property
    def percent(self) -> str:
        """``2000`` -> ``"20%"``, ``1950`` -> ``"19.5%"``, ``825`` -> ``"8.25%"``."""
        whole, hundredths = divmod(self.basis_points, 100)
        if not hundredths:
            return f"{whole}%"
        return f"{whole}.{hundredths:02d}".rstrip("0") + "%"


@dataclass(frozen=True)
class Party:
    """Who sells or buys: a name and the lines of a postal address."""

    name: str
    address: tuple[str, ...]
    email: str | None = None
    tax_id: str | None = None


@dataclass(frozen=True)
class InvoiceLine:
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError("a line has at least one unit")


@dataclass(frozen=True)
class InvoiceNumber:
    """``sequence`` within ``series`` (1..99) of ``year``; ``series`` None is the single
    yearly sequence used before the series existed."""

    year: int
    sequence: int
    series: int | None = None

    def __post_init__(self) -> None:
        if self.sequence < 1:
            raise ValueError("invoice sequences start at 1")
        if self.series is not None and not 1 <= self.series <= MAX_NUMBER_SERIES:
            raise ValueError(f"invoice number series are 1..{MAX_NUMBER_SERIES}")

    def __str__(self) -> str:
        sequence = f"{self.sequence:0{NUMBER_DIGITS}d}"
        if self.series is None:
            return f"{NUMBER_PREFIX}-{self.year}-{sequence}"
        return f"{NUMBER_PREFIX}-{self.year}-{self.series:0{SERIES_DIGITS}d}{sequence}"

    @classmethod
    def parse(cls, text: str, *, in_series: bool = False) -> InvoiceNumber:
        """Reads ``str(number)`` back; ``in_series`` says which of the two forms it is (the
        text alone cannot tell a long yearly sequence from a series and its sequence)."""
        prefix, year, digits = text.split("-")
        if prefix != NUMBER_PREFIX or not digits.isdigit():
            raise ValueError(f"not an invoice number: {text!r}")
        if not in_series:
            return cls(int(year), int(digits))
        if len(digits) < SERIES_DIGITS + NUMBER_DIGITS:
            raise ValueError(f"not an invoice number of a series: {text!r}")
        return cls(int(year), int(digits[SERIES_DIGITS:]), int(digits[:SERIES_DIGITS]))


def series_of(order_id: str, series_count: int) -> int:
    """The number series (1..``series_count``) of an order: a stable hash of its id, the
    same in every process and on every redelivery."""
    if not 1 <= series_count <= MAX_NUMBER_SERIES:
        raise ValueError(f"the number of series is 1..{MAX_NUMBER_SERIES}")
    digest = hashlib.sha256(order_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % series_count + 1


@dataclass(frozen=True)
class ConfirmedOrder:
    """What invoicing needs of an ``OrderConfirmed`` event."""

    order_id: str
    customer_id: str
    customer_email: str
    bill_to: Party
    lines: tuple[InvoiceLine, ...]
    confirmed_at: str
    event_id: str
    correlation_id: str


@dataclass(frozen=True)
class Invoice:
    id: str
    number: InvoiceNumber
    order_id: str
    customer_id: str
    customer_email: str
    seller: Party
    bill_to: Party
    lines: tuple[InvoiceLine, ...]
    tax_rate: TaxRate
    subtotal: Money
    tax: Money
    total: Money
    issued_at: str
    status: InvoiceStatus
    bucket: str
    key: str
    correlation_id: str | None = None
    causation_id: str | None = None

    @property
    def currency(self) -> str:
        return self.total.currency

    @property
    def is_issued(self) -> bool:
        return self.status is InvoiceStatus.ISSUED

    def issued(self) -> Invoice:
        return replace(self, status=InvoiceStatus.ISSUED)

    def is_visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or user_id == self.customer_id


def object_key(customer_id: str, invoice_id: str) -> str:
    """Where an invoice's PDF lives in the bucket."""
    return f"invoices/{customer_id}/{invoice_id}.pdf"


def totals(lines: Sequence[InvoiceLine], rate: TaxRate, order_id: str) -> tuple[Money, ...]:
    """``(subtotal, tax, total)`` of net-priced ``lines``."""
    currencies = {line.line_total.currency for line in lines}
    if len(currencies) != 1:
        raise MixedCurrencies(order_id)
    subtotal = Money(sum(line.line_total.amount for line in lines), currencies.pop())
    tax = rate.on(subtotal)
    return subtotal, tax, subtotal + tax


def draft_invoice(
    order: ConfirmedOrder,
    *,
    invoice_id: str,
    number: InvoiceNumber,
    seller: Party,
    tax_rate: TaxRate,
    issued_at: str,
    bucket: str,
) -> Invoice:
    """The ``PENDING`` invoice of ``order`` under ``number``."""
    subtotal, tax, total = totals(order.lines, tax_rate, order.order_id)
    return Invoice(
        id=invoice_id,
        number=number,
        order_id=order.order_id,
        customer_id=order.customer_id,
        customer_email=order.customer_email,
        seller=seller,
        bill_to=order.bill_to,
        lines=order.lines,
        tax_rate=tax_rate,
        subtotal=subtotal,
        tax=tax,
        total=total,
        issued_at=issued_at,
        status=InvoiceStatus.PENDING,
        bucket=bucket,
        key=object_key(order.customer_id, invoice_id),
        correlation_id=order.correlation_id,
        causation_id=order.event_id,
    )
