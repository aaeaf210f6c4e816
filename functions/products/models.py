"""The REST API's request bodies (pydantic): the source of their JSON Schema (the generated
request validators, ``scripts/openapi/requests.py``) and of the OpenAPI document. Build
time only: the function validates with the generated validators and reads the bodies with
``products.payloads``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from products.domain import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_SKU_LENGTH

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
