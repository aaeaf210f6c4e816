"""The REST API's request body (pydantic): the source of its JSON Schema (the generated
request validator, ``scripts/openapi/requests.py``) and of the OpenAPI document. Build time
only: the function validates with the generated validator and reads the body with
``orders.payloads``."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from orders.domain import MAX_ADDRESS_LINE, MAX_CITY, MAX_LINES, MAX_QUANTITY

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
