"""An order's rules, in plain Python (no AWS, no HTTP).

An order is placed PENDING with lines priced from the orders service's own product
projection. Stock reservation then confirms it (CONFIRMED) or rejects it (REJECTED, with
the reasons); the customer may cancel it while PENDING or CONFIRMED (CANCELLED). REJECTED
and CANCELLED are final.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from shared.errors import BadRequest, Conflict, FieldError, NotFound
from shared.money import Money

SERVICE = "orders"
MAX_LINES = 50
MAX_QUANTITY = 100
MAX_ADDRESS_LINE = 200
MAX_CITY = 100

# The `email` format of the contracts (fastjsonschema's): an address that fails it could
# never be announced, so the order is refused up front.
EMAIL = re.compile(r"^(?!.*\.\..*@)[^@.][^@]*(?<!\.)@[^@]+\.[^@]+\Z")


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"


CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED})


class OrderNotFound(NotFound):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} does not exist")


class OrderNotCancellable(Conflict):
    def __init__(self, order_id: str, status: OrderStatus) -> None:
        super().__init__(f"order {order_id} is {status.value} and can no longer be cancelled")


class ProductNotYetAvailable(Conflict):
    """Lines name products the projection has never heard of: most likely created a moment
    ago, their ProductCreated still on its way. Retryable: the same request (same
    Idempotency-Key) succeeds once the projection has caught up."""

    error = "ProductNotYetAvailable"
    RETRY_AFTER_SECONDS = 1

    def __init__(self, fields: list[FieldError]) -> None:
        products = ", ".join(f.field for f in fields)
        super().__init__(
            f"not yet available for ordering: {products}; retry in a moment (a product "
            "created a moment ago takes a second or two to become orderable; one that never "
            "does, does not exist)",
            fields=fields,
            headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)},
        )


class ConcurrentOrderWrite(Conflict):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} is being changed by another request; retry")


class InvalidTransition(Exception):
    """A saga step that no longer applies (e.g. stock reserved for a cancelled order)."""

    def __init__(self, order_id: str, current: OrderStatus, target: OrderStatus) -> None:
        super().__init__(f"order {order_id} is {current.value}; it cannot become {target.value}")
        self.current = current


class StaleOrder(Exception):
    """The stored order is no longer at the version a change was based on."""


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    postal_code: str
    city: str
    country: str
    line2: str | None = None


@dataclass(frozen=True)
class CatalogProduct:
    """What the projection knows of a product that can be ordered."""

    product_id: str
    sku: str
    name: str
    price: Money


@dataclass(frozen=True)
class RequestedLine:
    product_id: str
    quantity: int


@dataclass(frozen=True)
class OrderLine:
    product_id: str
    sku: str
    name: str
    quantity: int
    unit_price: Money

    @property
    def line_total(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass(frozen=True)
class RejectionReason:
    product_id: str
    code: str  # INSUFFICIENT_STOCK | UNKNOWN_PRODUCT
    requested: int
    available: int


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    customer_email: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    shipping_address: ShippingAddress
    placed_at: str
    updated_at: str
    version: int = 1
    confirmed_at: str | None = None
    rejected_at: str | None = None
    cancelled_at: str | None = None
    rejection_reasons: tuple[RejectionReason, ...] = ()

    @property
    def total(self) -> Money:
        total = Money.zero(self.lines[0].unit_price.currency)
        for line in self.lines:
            total += line.line_total
        return total

    def is_visible_to(self, user_id: str, *, is_admin: bool) -> bool:
        return is_admin or self.customer_id == user_id

    def confirm(self, now: str) -> Order:
        """Stock was reserved (only a PENDING order; InvalidTransition otherwise)."""
        self._require_pending(OrderStatus.CONFIRMED)
        return replace(self._moved(OrderStatus.CONFIRMED, now), confirmed_at=now)

    def reject(self, reasons: Sequence[RejectionReason], now: str) -> Order:
        """Stock could not be reserved (only a PENDING order; InvalidTransition otherwise)."""
        self._require_pending(OrderStatus.REJECTED)
        moved = self._moved(OrderStatus.REJECTED, now)
        return replace(moved, rejected_at=now, rejection_reasons=tuple(reasons))

    def cancel(self, now: str) -> Order:
        """The customer (or an admin) cancels; OrderNotCancellable once final."""
        if self.status not in CANCELLABLE:
            raise OrderNotCancellable(self.id, self.status)
        return replace(self._moved(OrderStatus.CANCELLED, now), cancelled_at=now)

    def _require_pending(self, target: OrderStatus) -> None:
        if self.status is not OrderStatus.PENDING:
            raise InvalidTransition(self.id, self.status, target)

    def _moved(self, status: OrderStatus, now: str) -> Order:
        return replace(self, status=status, updated_at=now, version=self.version + 1)


def price_lines(
    requested: Sequence[RequestedLine],
    catalog: Mapping[str, CatalogProduct],
    removed: Collection[str] = (),
) -> tuple[OrderLine, ...]:
    """The order's lines, named and priced from ``catalog`` (the live products by id);
    ``removed`` are the ids the catalog knows as deleted.

    Raises BadRequest naming every offending line: a deleted product, a product id given
    twice (put the whole quantity on one line) or a price in another currency than the
    first line's. Otherwise, when lines name products the catalog has never seen, raises
    ProductNotYetAvailable (retryable) naming them: a final error wins over a retryable one,
    since retrying could not fix it.
    """
    errors: list[FieldError] = []
    unseen: list[FieldError] = []
    first_line_of: dict[str, int] = {}
    lines: list[OrderLine] = []
    for index, wanted in enumerate(requested):
        field = f"body.lines[{index}].productId"
        if wanted.product_id in first_line_of:
            first = first_line_of[wanted.product_id]
            errors.append(FieldError(field, f"same product as lines[{first}]; merge the lines"))
            continue
        first_line_of[wanted.product_id] = index
        product = catalog.get(wanted.product_id)
        if product is None and wanted.product_id in removed:
            errors.append(FieldError(field, f"product {wanted.product_id} was deleted"))
            continue
        if product is None:
            unseen.append(FieldError(field, f"product {wanted.product_id} is not yet available"))
            continue
        if lines and product.price.currency != lines[0].unit_price.currency:
            errors.append(
                FieldError(
                    field,
                    f"priced in {product.price.currency}, the order in "
                    f"{lines[0].unit_price.currency}; order it separately",
                )
            )
            continue
        lines.append(
            OrderLine(product.product_id, product.sku, product.name, wanted.quantity, product.price)
        )
    if errors:
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors)
        raise BadRequest(f"invalid order: {summary}", fields=errors)
    if unseen:
        raise ProductNotYetAvailable(unseen)
    return tuple(lines)


def require_contact_email(email: str | None) -> str:
    """The customer's e-mail address (from the ID token), needed for every notification."""
    if not email or not EMAIL.match(email):
        raise BadRequest.for_field("token.email", "the caller has no valid e-mail address")
    return email
