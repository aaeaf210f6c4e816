"""The catalog's use cases, over a repository (DynamoDB in production, anything in tests)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from products.domain import Product, ProductChanges, ProductNotFound, StaleVersion
from products.search import normalize
from products.stock import DEFAULT_STOCK_SHARDS, MAX_STOCK_SHARDS
from shared.errors import BadRequest
from shared.events.envelope import utc_now
from shared.money import Money
from shared.paging import decode_token, encode_token

DELETE_ATTEMPTS = 3
QUERY_FIELD = "query.q"
STOCK_SHARDS_ENV = "STOCK_SHARDS"


def stock_shards_setting(environ: Mapping[str, str] = os.environ) -> int:
    """Stock shards of a new product, and of an old one when its stock is next set
    (``STOCK_SHARDS``, 1..32, default 4). Changing it affects only those: a product keeps
    the shards it has."""
    shards = int(environ.get(STOCK_SHARDS_ENV) or DEFAULT_STOCK_SHARDS)
    if not 1 <= shards <= MAX_STOCK_SHARDS:
        raise ValueError(f"{STOCK_SHARDS_ENV} must be 1..{MAX_STOCK_SHARDS}")
    return shards


class ProductRepository(Protocol):
    def get(self, product_id: str) -> Product | None: ...

    def list_page(
        self, limit: int, after: str | None = None, name_contains: str | None = None
    ) -> tuple[list[Product], str | None]: ...

    def add(self, product: Product, correlation_id: str | None = None) -> None: ...

    def replace(self, current: Product, revised: Product, correlation_id: str | None) -> None: ...

    def remove(self, product: Product) -> None: ...


@dataclass(frozen=True)
class NewProduct:
    sku: str
    name: str
    description: str
    price: Money
    stock: int


@dataclass(frozen=True)
class Page:
    products: list[Product]
    next_token: str | None


class ProductService:
    def __init__(
        self,
        repository: ProductRepository,
        *,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        stock_shards: int | None = None,
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._new_id = new_id
        self._stock_shards = stock_shards or stock_shards_setting()

    def create(self, draft: NewProduct, correlation_id: str | None = None) -> Product:
        product = Product.create(
            product_id=self._new_id(),
            sku=draft.sku,
            name=draft.name,
            description=draft.description,
            price=draft.price,
            stock=draft.stock,
            now=self._clock(),
            stock_shards=self._stock_shards,
        )
        self._repository.add(product, correlation_id)
        return product

    def get(self, product_id: str) -> Product:
        product = self._repository.get(product_id)
        if product is None:
            raise ProductNotFound(product_id)
        return product

    def list(self, limit: int, next_token: str | None = None, query: str | None = None) -> Page:
        """A page of the catalogue, newest first; with ``query``, only the products whose
        name contains it (case- and accent-insensitive)."""
        after = decode_token(next_token) if next_token else None
        name_contains = None
        if query is not None:
            name_contains = normalize(query)
            if not name_contains:
                raise BadRequest.for_field(
                    QUERY_FIELD, "must contain more than spaces and accent marks"
                )
        products, cursor = self._repository.list_page(limit, after, name_contains)
        return Page(products, encode_token(cursor) if cursor else None)

    def update(
        self,
        product_id: str,
        expected_version: int,
        changes: ProductChanges,
        correlation_id: str | None = None,
    ) -> Product:
        """Applies ``changes`` if the product is still at ``expected_version`` (else
        StaleVersion). An update that changes nothing writes nothing. Setting the stock of
        a product stored before sharding moves it into shards."""
        current = self.get(product_id)
        if current.version != expected_version:
            raise StaleVersion(product_id, expected_version)
        revised = current.revise(changes, now=self._clock())
        if revised is not current and not current.stock_shards and changes.stock is not None:
            revised = replace(revised, stock_shards=self._stock_shards)
        if revised is not current:
            self._repository.replace(current, revised, correlation_id)
        return revised

    def delete(self, product_id: str) -> None:
        """Deletes the product whatever its version (re-reading if it changes meanwhile)."""
        for attempt in range(1, DELETE_ATTEMPTS + 1):
            product = self.get(product_id)
            try:
                self._repository.remove(product)
                return
            except StaleVersion:
                if attempt == DELETE_ATTEMPTS:
                    raise
