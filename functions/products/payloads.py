"""The REST API's validated request bodies as domain input, and products as JSON.

Plain Python over JSON objects that already passed the route's generated validator (the
shapes are ``products.models``' pydantic models; ``shared.rest_requests``), so the function
never loads pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from products.domain import Product, ProductChanges
from products.service import NewProduct
from shared.errors import BadRequest
from shared.money import Money

NULLABLE_IN_UPDATE = frozenset({"version"})
"""``PUT /products/{id}`` fields that may be null; the others may be left out, not nulled."""


def new_product(body: Mapping[str, Any]) -> NewProduct:
    """``POST /products`` (``ProductIn``)."""
    return NewProduct(
        sku=body["sku"],
        name=body["name"],
        description=body["description"],
        price=Money.from_json(body["price"]),
        stock=body["stock"],
    )


def product_changes(body: Mapping[str, Any]) -> ProductChanges:
    """``PUT /products/{id}`` (``ProductUpdate``): the fields sent, except ``version``. A
    field sent as null is a 400: left out keeps its value, null would erase it."""
    for name, value in body.items():
        if value is None and name not in NULLABLE_IN_UPDATE:
            raise BadRequest.for_field(
                f"body.{name}", "cannot be null; leave the field out to keep its value"
            )
    price = body.get("price")
    return ProductChanges(
        sku=body.get("sku"),
        name=body.get("name"),
        description=body.get("description"),
        price=Money.from_json(price) if price is not None else None,
        stock=body.get("stock"),
    )


def has_changes(body: Mapping[str, Any]) -> bool:
    """Whether a ``PUT`` names any field besides ``version``."""
    return bool(set(body) - {"version"})


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
