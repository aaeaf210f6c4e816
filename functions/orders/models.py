"""The REST API's request and response bodies (pydantic): the source of the request's JSON
Schema (the generated request validator, ``scripts/openapi/requests.py``) and of the
OpenAPI document. Build time only: the function validates with the generated validator,
reads the body with ``orders.payloads`` and answers with ``orders.items.order_document``
(``tests/unit/test_documented_responses.py`` holds its answers to these models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from orders.domain import MAX_ADDRESS_LINE, MAX_CITY, MAX_LINES, MAX_QUANTITY, OrderStatus
from shared.rest_models import NEXT_TOKEN_DESCRIPTION, Money, ResponseBody

AddressLine = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ADDRESS_LINE)
]
OptionalAddressLine = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_ADDRESS_LINE)
]
City = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CITY)]
PostalCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,11}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Quantity = Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineIn(Body):
    productId: UUID
    quantity: Quantity


class AddressIn(Body):
    name: AddressLine
    line1: AddressLine
    line2: OptionalAddressLine | None = None
    postalCode: PostalCode
    city: City
    country: Country


class OrderIn(Body):
    """``POST /orders``: what to order (ids and quantities; names and prices come from the
    catalog projection) and where to ship it."""

    lines: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    shippingAddress: AddressIn


# --- responses: what the API answers (``orders.items.order_document``), not the stored
# items.


class OrderLine(ResponseBody):
    productId: UUID
    sku: str
    name: str
    quantity: Annotated[int, Field(ge=1)]
    unitPrice: Money
    lineTotal: Money


class ShippingAddress(ResponseBody):
    name: str
    line1: str
    line2: Annotated[str | None, Field(description="left out when the order had none")] = None
    postalCode: str
    city: str
    country: str


class RejectionReason(ResponseBody):
    productId: UUID
    code: Annotated[str, Field(description="INSUFFICIENT_STOCK or UNKNOWN_PRODUCT")]
    requested: int
    available: int


class Order(ResponseBody):
    """An order (``POST /orders``, ``GET /orders/{id}``, ``DELETE /orders/{id}``): PENDING
    until the stock is reserved (CONFIRMED) or cannot be (REJECTED, with the reasons)."""

    id: UUID
    customerId: str
    customerEmail: str
    status: OrderStatus
    lines: list[OrderLine]
    total: Money
    shippingAddress: ShippingAddress
    placedAt: datetime
    updatedAt: datetime
    confirmedAt: datetime | None
    rejectedAt: datetime | None
    rejectionReasons: list[RejectionReason]
    cancelledAt: datetime | None
    version: Annotated[int, Field(ge=1)]


class OrderPage(ResponseBody):
    """``GET /orders``: one page of the caller's orders (an admin's: everyone's), newest
    first."""

    items: list[Order]
    nextToken: Annotated[str | None, Field(description=NEXT_TOKEN_DESCRIPTION)]
