"""The REST API's request shapes (pydantic; validated by Powertools) and the order's JSON."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from orders.domain import (
    MAX_ADDRESS_LINE,
    MAX_CITY,
    MAX_LINES,
    MAX_QUANTITY,
    Order,
    RequestedLine,
    ShippingAddress,
)
from orders.items import order_document
from orders.service import NewOrder

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

    def to_address(self) -> ShippingAddress:
        return ShippingAddress(
            name=self.name,
            line1=self.line1,
            line2=self.line2 or None,
            postal_code=self.postalCode,
            city=self.city,
            country=self.country,
        )


class OrderIn(Body):
    """``POST /orders``: what to order (ids and quantities; names and prices come from the
    catalog projection) and where to ship it."""

    lines: Annotated[list[LineIn], Field(min_length=1, max_length=MAX_LINES)]
    shippingAddress: AddressIn

    def to_new_order(self) -> NewOrder:
        return NewOrder(
            lines=[RequestedLine(str(line.productId), line.quantity) for line in self.lines],
            shipping_address=self.shippingAddress.to_address(),
        )


def order_json(order: Order) -> dict[str, Any]:
    return order_document(order)
