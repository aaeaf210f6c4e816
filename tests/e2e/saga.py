"""Helpers for driving the order saga through the public API."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import Api, User

FINAL_STATUSES = {"CONFIRMED", "REJECTED", "CANCELLED"}
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Street",
    "postalCode": "10115",
    "city": "Berlin",
    "country": "DE",
}


def eventually(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Polls until `check` returns something truthy; fails with the last value."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = check()
    assert value, f"condition not met within {timeout}s (last value: {value!r})"
    return value


def create_product(
    api: Api, admin: User, stock: int, amount: int = 1000, name: str = "Saga test product"
) -> dict[str, Any]:
    body = {
        "sku": f"SAGA-{uuid.uuid4().hex[:10].upper()}",
        "name": name,
        "price": {"amount": amount, "currency": "EUR"},
        "stock": stock,
    }
    response = api.request("POST", "/products", admin, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def place_order(
    api: Api,
    customer: User,
    lines: list[tuple[str, int]],
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
    *,
    shipping_address: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """POST /orders (with ``headers``, to ``shipping_address`` or else ADDRESS), retried
    with one Idempotency-Key while the orders service's product projection has not caught
    up with a product created moments ago (409 ProductNotYetAvailable, as the console does)."""
    body = {
        "lines": [{"productId": product, "quantity": quantity} for product, quantity in lines],
        "shippingAddress": shipping_address or ADDRESS,
    }
    headers = {**(headers or {}), "Idempotency-Key": str(uuid.uuid4())}

    def attempt() -> dict[str, Any] | None:
        response = api.request("POST", "/orders", customer, json=body, headers=headers)
        if response.status_code == 201:
            return dict(response.json())
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "ProductNotYetAvailable", response.text
        assert response.headers.get("Retry-After") == "1", response.headers
        return None

    result: dict[str, Any] = eventually(attempt, timeout=timeout, interval=0.3)
    return result


def order_status(api: Api, user: User, order_id: str) -> str:
    response = api.request("GET", f"/orders/{order_id}", user)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def wait_for_final(api: Api, user: User, order_id: str, timeout: float = 60.0) -> str:
    status: str = eventually(
        lambda: (s := order_status(api, user, order_id)) in FINAL_STATUSES and s, timeout
    )
    return status


def stock_of(api: Api, user: User, product_id: str) -> int:
    response = api.request("GET", f"/products/{product_id}", user)
    assert response.status_code == 200, response.text
    return int(response.json()["stock"])
