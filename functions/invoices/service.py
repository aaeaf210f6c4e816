"""Invoicing's use cases, over a repository and a PDF store (DynamoDB and S3 in
production, anything in tests).

Issuing an invoice for a confirmed order takes three idempotent steps, so a redelivered,
duplicated or concurrent ``OrderConfirmed`` always ends with exactly one issued invoice:

1. claim: the invoice (``PENDING``), its number and the order's guard, in one
   transaction; a later delivery finds the guard and reuses that invoice;
2. render and upload the PDF (same invoice, same bytes, same key);
3. mark it ``ISSUED``; the table's stream then announces ``InvoiceGenerated``.

A crash between steps leaves a ``PENDING`` invoice that the event's redelivery completes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from invoices.domain import (
    DEFAULT_NUMBER_SERIES,
    ConfirmedOrder,
    Invoice,
    InvoiceNotFound,
    InvoiceNumber,
    Party,
    TaxRate,
    draft_invoice,
    series_of,
)
from invoices.repository import InvoiceAlreadyExists
from invoices.storage import StoredObject
from shared.auth import Principal
from shared.events.envelope import rfc3339, utc_now


class InvoiceRepository(Protocol):
    def get(self, invoice_id: str) -> Invoice | None: ...

    def find_by_order(self, order_id: str) -> Invoice | None: ...

    def add_with_next_number(
        self, year: int, series: int, draft: Callable[[InvoiceNumber], Invoice]
    ) -> Invoice: ...

    def mark_issued(self, invoice: Invoice) -> Invoice: ...


class PdfStore(Protocol):
    def put_pdf(self, location: StoredObject, body: bytes, *, filename: str) -> None: ...

    def download_url(self, location: StoredObject, *, filename: str, expires_in: int) -> str: ...


@dataclass(frozen=True)
class InvoicingPolicy:
    """Who issues the invoices, at which tax rate, into which bucket, numbered in how many
    parallel series."""

    seller: Party
    tax_rate: TaxRate
    bucket: str
    number_series: int = DEFAULT_NUMBER_SERIES


@dataclass(frozen=True)
class Download:
    url: str
    expires_at: str


def filename_of(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


def location_of(invoice: Invoice) -> StoredObject:
    return StoredObject(invoice.bucket, invoice.key)


def render_pdf(invoice: Invoice) -> bytes:
    """``invoices.rendering.render_invoice``, imported on first use: the PDF library takes
    a few hundred ms to import, and only the generator renders (the API shares this
    module)."""
    from invoices.rendering import render_invoice

    return render_invoice(invoice)


class InvoiceService:
    def __init__(
        self,
        repository: InvoiceRepository,
        store: PdfStore,
        *,
        policy: InvoicingPolicy | None = None,
        download_ttl_seconds: int = 300,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        render: Callable[[Invoice], bytes] = render_pdf,
    ) -> None:
        self._repository = repository
        self._store = store
        self._policy = policy
        self._download_ttl = download_ttl_seconds
        self._clock = clock
        self._new_id = new_id
        self._render = render

    def invoice_order(self, order: ConfirmedOrder) -> Invoice:
        """The order's issued invoice, created and stored if this is its first time."""
        invoice = self._repository.find_by_order(order.order_id) or self._claim(order)
        if invoice.is_issued:
            return invoice
        self._store.put_pdf(
            location_of(invoice), self._render(invoice), filename=filename_of(invoice)
        )
        return self._repository.mark_issued(invoice)

    def get(self, invoice_id: str, caller: Principal) -> Invoice:
        """An issued invoice the caller may see (its customer, or an admin); anything else
        is reported as missing, so ids of other customers' invoices leak nothing."""
        invoice = self._repository.get(invoice_id)
        if invoice is None or not self._readable(invoice, caller):
            raise InvoiceNotFound(invoice_id)
        return invoice

    def for_order(self, order_id: str, caller: Principal) -> list[Invoice]:
        invoice = self._repository.find_by_order(order_id)
        return [invoice] if invoice and self._readable(invoice, caller) else []

    def download(self, invoice: Invoice) -> Download:
        issued = datetime.fromisoformat(self._clock().replace("Z", "+00:00"))
        url = self._store.download_url(
            location_of(invoice), filename=filename_of(invoice), expires_in=self._download_ttl
        )
        expires_at = rfc3339(issued.astimezone(UTC) + timedelta(seconds=self._download_ttl))
        return Download(url=url, expires_at=expires_at)

    def _claim(self, order: ConfirmedOrder) -> Invoice:
        if self._policy is None:
            raise RuntimeError("this service was built without an invoicing policy")
        policy = self._policy
        invoice_id = self._new_id()
        issued_at = self._clock()

        def draft(number: InvoiceNumber) -> Invoice:
            return draft_invoice(
                order,
                invoice_id=invoice_id,
                number=number,
                seller=policy.seller,
                tax_rate=policy.tax_rate,
                issued_at=issued_at,
                bucket=policy.bucket,
            )

        try:
            series = series_of(order.order_id, policy.number_series)
            return self._repository.add_with_next_number(int(issued_at[:4]), series, draft)
        except InvoiceAlreadyExists:
            # A concurrent delivery of the same order claimed first: finish its invoice.
            winner = self._repository.find_by_order(order.order_id)
            if winner is None:
                raise
            return winner

    @staticmethod
    def _readable(invoice: Invoice, caller: Principal) -> bool:
        return invoice.is_issued and invoice.is_visible_to(caller.user_id, is_admin=caller.is_admin)
