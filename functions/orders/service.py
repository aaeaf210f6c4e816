"""The orders use cases, over repositories (DynamoDB in production, anything in tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from orders.domain import (
    ConcurrentOrderWrite,
    InvalidTransition,
    Order,
    OrderNotFound,
    OrderStatus,
    RejectionReason,
    RequestedLine,
    ShippingAddress,
    StaleOrder,
    price_lines,
    require_contact_email,
)
from orders.repository import Listing
from shared.events.envelope import utc_now
from shared.observability import logger
from shared.paging import decode_token, encode_token

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

    from orders.catalog import CatalogMatch
    from shared.auth import Principal

WRITE_ATTEMPTS = 3


class OrderRepository(Protocol):
    def get(self, order_id: str) -> Order | None: ...

    def add(self, order: Order, correlation_id: str | None = None) -> None: ...

    def replace(
        self,
        current: Order,
        updated: Order,
        correlation_id: str | None = None,
        *,
        marker: TransactWriteItemTypeDef | None = None,
    ) -> None: ...

    def list_page(
        self, listing: Listing, limit: int, after: str | None = None
    ) -> tuple[list[Order], str | None]: ...


class Catalog(Protocol):
    def find(self, product_ids: Iterable[str]) -> CatalogMatch: ...


@dataclass(frozen=True)
class NewOrder:
    lines: Sequence[RequestedLine]
    shipping_address: ShippingAddress


@dataclass(frozen=True)
class Page:
    orders: list[Order]
    next_token: str | None


@dataclass(frozen=True)
class StockReserved:
    order_id: str


@dataclass(frozen=True)
class StockReservationFailed:
    order_id: str
    reasons: Sequence[RejectionReason]


StockResult = StockReserved | StockReservationFailed


class OrderService:
    def __init__(
        self,
        orders: OrderRepository,
        catalog: Catalog,
        *,
        clock: Callable[[], str] = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._orders = orders
        self._catalog = catalog
        self._clock = clock
        self._new_id = new_id

    def place(
        self, customer: Principal, draft: NewOrder, correlation_id: str | None = None
    ) -> Order:
        """A PENDING order of ``customer``, priced from the catalog projection."""
        customer.require_verified_email()
        email = require_contact_email(customer.email)
        match = self._catalog.find(line.product_id for line in draft.lines)
        lines = price_lines(draft.lines, match.products, match.removed)
        now = self._clock()
        order = Order(
            id=self._new_id(),
            customer_id=customer.user_id,
            customer_email=email,
            status=OrderStatus.PENDING,
            lines=lines,
            shipping_address=draft.shipping_address,
            placed_at=now,
            updated_at=now,
        )
        self._orders.add(order, correlation_id)
        logger.info("Order placed", order_id=order.id, lines=len(lines))
        return order

    def get(self, viewer: Principal, order_id: str) -> Order:
        """The order, if ``viewer`` may see it: others' orders do not exist for them."""
        order = self._orders.get(order_id)
        if order is None or not order.is_visible_to(viewer.user_id, is_admin=viewer.is_admin):
            raise OrderNotFound(order_id)
        return order

    def list(
        self,
        viewer: Principal,
        limit: int,
        next_token: str | None = None,
        status: OrderStatus | None = None,
    ) -> Page:
        """The viewer's orders (an admin's: everyone's), newest first."""
        listing = Listing(None if viewer.is_admin else viewer.user_id, status)
        after = decode_token(next_token) if next_token else None
        orders, cursor = self._orders.list_page(listing, limit, after)
        return Page(orders, encode_token(cursor) if cursor else None)

    def cancel(self, viewer: Principal, order_id: str, correlation_id: str | None) -> Order:
        """PENDING or CONFIRMED -> CANCELLED (OrderNotCancellable otherwise)."""
        for _ in range(WRITE_ATTEMPTS):
            order = self.get(viewer, order_id)
            cancelled = order.cancel(self._clock())
            try:
                self._orders.replace(order, cancelled, correlation_id)
                logger.info("Order cancelled", order_id=order_id, was=order.status.value)
                return cancelled
            except StaleOrder:
                continue  # a stock result landed meanwhile: decide again on the new state
        raise ConcurrentOrderWrite(order_id)

    def record_stock_result(
        self,
        result: StockResult,
        correlation_id: str | None,
        marker: TransactWriteItemTypeDef | None = None,
    ) -> Order | None:
        """Confirms or rejects a PENDING order; an order already decided or cancelled stays
        as it is (returns None). ``marker`` commits with the change (deduplication)."""
        for _ in range(WRITE_ATTEMPTS):
            order = self._orders.get(result.order_id)
            if order is None:
                logger.warning(
                    "Stock result for an unknown order ignored", order_id=result.order_id
                )
                return None
            now = self._clock()
            try:
                if isinstance(result, StockReserved):
                    updated = order.confirm(now)
                else:
                    updated = order.reject(result.reasons, now)
            except InvalidTransition as stays:
                logger.info("Stock result ignored", order_id=order.id, status=stays.current.value)
                return None
            try:
                self._orders.replace(order, updated, correlation_id, marker=marker)
                return updated
            except StaleOrder:
                continue
        raise ConcurrentOrderWrite(result.order_id)
