"""The REST API's request and response bodies (pydantic): the source of the requests' JSON
Schema (the generated request validators, ``scripts/openapi/requests.py``) and of the
OpenAPI document. Build time only: the function validates with the generated validators,
reads the bodies and writes its answers with ``products.payloads``
(``tests/unit/test_documented_responses.py`` holds its answers to these models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from products.domain import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_SKU_LENGTH
from shared.rest_models import NEXT_TOKEN_DESCRIPTION, Money, ResponseBody

MAX_AMOUNT = 100_000_000_00  # minor units
MAX_STOCK = 1_000_000_000

Sku = Annotated[
    str,
    StringConstraints(max_length=MAX_SKU_LENGTH, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH)
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_DESCRIPTION_LENGTH)
]
Stock = Annotated[int, Field(strict=True, ge=0, le=MAX_STOCK)]
Version = Annotated[int, Field(strict=True, ge=1)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Price(Body):
    amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class ProductIn(Body):
    """``POST /products``."""

    sku: Sku
    name: Name
    description: Description = ""
    price: Price
    stock: Stock = 0


class ProductUpdate(Body):
    """``PUT /products/{id}``: a partial update. Fields left out keep their value; the
    current ``version`` is required here or in an ``If-Match`` header."""

    version: Version | None = None
    sku: Sku | None = None
    name: Name | None = None
    description: Description | None = None
    price: Price | None = None
    stock: Stock | None = None

    @field_validator("sku", "name", "description", "price", "stock", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


# --- responses: what the API answers (``products.payloads.product_json``), not the stored
# items (``products.repository``).


class Product(ResponseBody):
    """A catalog product (``GET``, ``POST`` and ``PUT /products``)."""

    id: UUID
    sku: str
    name: str
    description: str
    price: Money
    stock: Annotated[int, Field(ge=0, description="units on hand, not yet reserved")]
    version: Annotated[
        int,
        Field(
            ge=1,
            description="the ETag: send it back to update (body or If-Match); every change "
            "of the stock, a sale too, makes a new version",
        ),
    ]
    createdAt: datetime
    updatedAt: datetime


class ProductPage(ResponseBody):
    """``GET /products``: one page of the catalogue, newest first."""

    items: list[Product]
    nextToken: Annotated[str | None, Field(description=NEXT_TOKEN_DESCRIPTION)]
