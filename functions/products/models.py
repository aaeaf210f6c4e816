"""The REST API's request and response shapes (pydantic; validated by Powertools)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from products.domain import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SKU_LENGTH,
    Product,
    ProductChanges,
)
from products.service import NewProduct
from shared.money import Money

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

    def to_money(self) -> Money:
        return Money(amount=self.amount, currency=self.currency)


class ProductIn(Body):
    """``POST /products``."""

    sku: Sku
    name: Name
    description: Description = ""
    price: Price
    stock: Stock = 0

    def to_new_product(self) -> NewProduct:
        return NewProduct(
            sku=self.sku,
            name=self.name,
            description=self.description,
            price=self.price.to_money(),
            stock=self.stock,
        )


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

    def to_changes(self) -> ProductChanges:
        return ProductChanges(
            sku=self.sku,
            name=self.name,
            description=self.description,
            price=self.price.to_money() if self.price else None,
            stock=self.stock,
        )

    def has_changes(self) -> bool:
        return bool(self.model_fields_set - {"version"})


def product_json(product: Product) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "price": product.price.to_json(),
        "stock": product.stock,
        "version": product.version,
        "createdAt": product.created_at,
        "updatedAt": product.updated_at,
    }
