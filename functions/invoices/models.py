"""The REST API's response bodies (pydantic): the source of the OpenAPI document's
invoice shapes. Build time only: the function answers with ``invoices.api.invoice_json``
(``tests/unit/test_documented_responses.py`` holds its answers to these models); these are
what a client sees, not the stored items (``invoices.repository``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from invoices.domain import InvoiceStatus
from shared.rest_models import Money, ResponseBody


class InvoiceLine(ResponseBody):
    productId: UUID
    sku: str
    name: str
    quantity: Annotated[int, Field(ge=1)]
    unitPrice: Money
    lineTotal: Money


class Invoice(ResponseBody):
    """An invoice of a confirmed order, with a presigned link to its PDF."""

    id: UUID
    number: Annotated[str, Field(description="unique per seller, e.g. INV-2026-000042")]
    orderId: UUID
    customerId: str
    status: InvoiceStatus
    issuedAt: datetime
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    lines: list[InvoiceLine]
    subtotal: Money
    taxRateBasisPoints: Annotated[int, Field(ge=0, description="e.g. 2000 for 20 %")]
    tax: Money
    total: Money
    downloadUrl: Annotated[str, Field(description="presigned GET of the PDF")]
    downloadUrlExpiresAt: datetime


class InvoiceList(ResponseBody):
    """``GET /invoices?orderId=``: the order's invoices the caller may see (none is an
    empty list)."""

    items: list[Invoice]
