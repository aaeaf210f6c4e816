"""The order's rules in plain Python (no AWS)."""

from __future__ import annotations

import pytest

from orders.domain import (
    CatalogProduct,
    InvalidTransition,
    Order,
    OrderNotCancellable,
    OrderStatus,
    ProductNotYetAvailable,
    RejectionReason,
    RequestedLine,
    ShippingAddress,
    price_lines,
    require_contact_email,
)
from orders.items import order_from_item, order_to_item
from shared.errors import BadRequest
from shared.money import Money

MUG = CatalogProduct("p-mug", "MUG-1", "Blue mug", Money(1290, "EUR"))
TEA = CatalogProduct("p-tea", "TEA-1", "Earl Grey", Money(650, "EUR"))
CATALOG = {p.product_id: p for p in (MUG, TEA)}
T0, T1 = "2025-03-14T09:00:00.000Z", "2025-03-14T09:05:00.000Z"


def an_order(status: OrderStatus = OrderStatus.PENDING) -> Order:
    lines = price_lines([RequestedLine("p-mug", 2), RequestedLine("p-tea", 1)], CATALOG)
    address = ShippingAddress("Ada", "12 Square", "SW1Y 4JH", "London", "GB", line2="Flat 2")
    order = Order("o-1", "c-1", "ada@example.com", OrderStatus.PENDING, lines, address, T0, T0)
    moves = {
        OrderStatus.PENDING: lambda: order,
        OrderStatus.CONFIRMED: lambda: order.confirm(T1),
        OrderStatus.REJECTED: lambda: order.reject([], T1),
        OrderStatus.CANCELLED: lambda: order.cancel(T1),
    }
    return moves[status]()


def test_lines_are_named_and_priced_from_the_catalog() -> None:
    order = an_order()

    assert [(line.sku, line.line_total) for line in order.lines] == [
        ("MUG-1", Money(2580, "EUR")),
        ("TEA-1", Money(650, "EUR")),
    ]
    assert order.total == Money(3230, "EUR")


def test_pricing_names_every_offending_line() -> None:
    usd = CatalogProduct("p-usd", "USD-1", "Import", Money(100, "USD"))
    requested = [
        RequestedLine("p-mug", 1),
        RequestedLine("p-none", 1),
        RequestedLine("p-mug", 2),
        RequestedLine("p-usd", 1),
    ]

    with pytest.raises(BadRequest) as raised:
        price_lines(requested, {**CATALOG, "p-usd": usd}, removed={"p-none"})

    assert [f.field for f in raised.value.fields] == [
        "body.lines[1].productId",
        "body.lines[2].productId",
        "body.lines[3].productId",
    ]


def test_products_never_seen_are_not_yet_available_and_say_so() -> None:
    requested = [RequestedLine("p-mug", 1), RequestedLine("p-new", 1)]

    with pytest.raises(ProductNotYetAvailable) as raised:
        price_lines(requested, CATALOG)

    assert raised.value.status_code == 409
    assert raised.value.error == "ProductNotYetAvailable"
    assert raised.value.headers == {"Retry-After": "1"}
    assert [f.field for f in raised.value.fields] == ["body.lines[1].productId"]


def test_a_final_error_wins_over_a_product_not_yet_seen() -> None:
    requested = [RequestedLine("p-new", 1), RequestedLine("p-gone", 1)]

    with pytest.raises(BadRequest) as raised:
        price_lines(requested, CATALOG, removed={"p-gone"})

    assert [f.field for f in raised.value.fields] == ["body.lines[1].productId"]


def test_confirm_and_reject_only_from_pending() -> None:
    confirmed = an_order().confirm(T1)
    reason = RejectionReason("p-mug", "INSUFFICIENT_STOCK", 2, 1)
    rejected = an_order().reject([reason], T1)

    assert (confirmed.status, confirmed.confirmed_at, confirmed.version) == (
        OrderStatus.CONFIRMED,
        T1,
        2,
    )
    assert (rejected.status, rejected.rejection_reasons) == (OrderStatus.REJECTED, (reason,))
    for decided in (confirmed, rejected, an_order().cancel(T1)):
        with pytest.raises(InvalidTransition):
            decided.confirm(T1)
        with pytest.raises(InvalidTransition):
            decided.reject([reason], T1)


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.CONFIRMED])
def test_pending_and_confirmed_orders_can_be_cancelled(status: OrderStatus) -> None:
    cancelled = an_order(status).cancel(T1)

    assert (cancelled.status, cancelled.cancelled_at) == (OrderStatus.CANCELLED, T1)


@pytest.mark.parametrize("status", [OrderStatus.REJECTED, OrderStatus.CANCELLED])
def test_final_orders_cannot_be_cancelled(status: OrderStatus) -> None:
    with pytest.raises(OrderNotCancellable):
        an_order(status).cancel(T1)


def test_visibility() -> None:
    order = an_order()

    assert order.is_visible_to("c-1", is_admin=False)
    assert order.is_visible_to("someone", is_admin=True)
    assert not order.is_visible_to("someone", is_admin=False)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_an_order_survives_the_table(status: OrderStatus) -> None:
    order = an_order(status)

    assert order_from_item(order_to_item(order, "flow")) == order


@pytest.mark.parametrize("email", [None, "", "no-at-sign", "a@b", "a..b@example.com"])
def test_an_order_needs_a_valid_contact_address(email: str | None) -> None:
    with pytest.raises(BadRequest):
        require_contact_email(email)
