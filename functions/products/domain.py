"""The product catalog's rules, in plain Python (no AWS, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from shared.errors import Conflict, NotFound
from shared.money import Money

SERVICE = "products"
MAX_SKU_LENGTH = 64
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000


class ProductNotFound(NotFound):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id} does not exist")


class DuplicateSku(Conflict):
    def __init__(self, sku: str) -> None:
        super().__init__(f"another product already has SKU {sku!r}")


class ConcurrentWrite(Conflict):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"product {product_id} is being changed by another request; retry")


class StaleVersion(Conflict):
    def __init__(self, product_id: str, expected: int) -> None:
        super().__init__(
            f"product {product_id} is no longer at version {expected}; read it again and retry"
        )


@dataclass(frozen=True)
class ProductChanges:
    """What an update sets; None leaves a field as it is."""

    sku: str | None = None
    name: str | None = None
    description: str | None = None
    price: Money | None = None
    stock: int | None = None


CHANGEABLE_FIELDS = tuple(field.name for field in fields(ProductChanges))


@dataclass(frozen=True)
class Product:
    id: str
    sku: str
    name: str
    description: str
    price: Money
    stock: int
    version: int
    created_at: str
    updated_at: str
    stock_shards: int = 0
    """How many stock items hold ``stock`` between them (``products.stock.spread``); 0 for
    a product stored before sharding, whose stock lives on its own item."""
    stock_moves: int = 0
    """Reservations and releases that changed the stock shards since the product's item was
    last written (they write only the shards). They count in ``version``, so a sale makes
    an admin's earlier read stale, as it did when sales wrote the product's item: the
    item itself stores ``stored_version`` (``version - stock_moves``)."""

    def __post_init__(self) -> None:
        if self.stock < 0:
            raise ValueError("stock cannot be negative")
        if self.version < 1:
            raise ValueError("versions start at 1")
        if self.stock_shards < 0:
            raise ValueError("stock shards cannot be negative")
        if not 0 <= self.stock_moves < self.version:
            raise ValueError("stock moves are part of the version: 0..version-1")

    @property
    def stored_version(self) -> int:
        """The version on the product's own item (without the moves of its stock shards)."""
        return self.version - self.stock_moves

    @classmethod
    def create(
        cls,
        *,
        product_id: str,
        sku: str,
        name: str,
        description: str,
        price: Money,
        stock: int,
        now: str,
        stock_shards: int = 0,
    ) -> Product:
        return cls(
            id=product_id,
            sku=sku,
            name=name,
            description=description,
            price=price,
            stock=stock,
            version=1,
            created_at=now,
            updated_at=now,
            stock_shards=stock_shards,
        )

    def revise(self, changes: ProductChanges, now: str) -> Product:
        """The product after ``changes``: next version, or itself when nothing changes. A
        new stock rewrites the shards, which starts their count of moves again."""
        updates = {
            name: value
            for name in CHANGEABLE_FIELDS
            if (value := getattr(changes, name)) is not None and value != getattr(self, name)
        }
        if not updates:
            return self
        moves = 0 if "stock" in updates else self.stock_moves
        return replace(self, **updates, version=self.version + 1, updated_at=now, stock_moves=moves)

    def changed_fields(self, newer: Product) -> list[str]:
        """Names of the catalog fields that differ in ``newer`` (in a stable order)."""
        return [name for name in CHANGEABLE_FIELDS if getattr(self, name) != getattr(newer, name)]
