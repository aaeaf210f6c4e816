"""The Locust users: mostly people browsing, some customers ordering (and cancelling a
few), one admin restocking. Half the orders want the product on sale (the run's first
product, with little stock), so it sells out, orders are rejected, and the admin's
restocks race the reservations on one hot item. Every request first takes a token from
the run's shared `TokenBucket`, so the run never exceeds its request-rate ceiling whatever
the user count.

Request names group the statistics per endpoint (`GET /products/{id}`, not one row per
id). Answers the API documents as part of a normal exchange count as successes: a 409
`ProductNotYetAvailable` or `RequestInProgress` (retried with the same key, as the console
does), a 409 when cancelling an order that is already final, a 409 for a stale version
when restocking. Anything else that is not the expected 2xx is a failure.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any, ClassVar

from locust import HttpUser, between, task
from locust.clients import ResponseContextManager

from load.ledger import Ledger, PlacedOrder
from load.limiter import TokenBucket
from load.prepare import Fixtures, Product
from tests.e2e.conftest import User as Account  # a signed-in person, not a Locust User

FINAL = frozenset({"CONFIRMED", "REJECTED", "CANCELLED"})
RETRYABLE_ORDER_ERRORS = frozenset({"ProductNotYetAvailable", "RequestInProgress"})
WATCH_INTERVAL_S = 0.5
WATCH_TIMEOUT_S = 60.0
ADDRESS = {
    "name": "Load Tester",
    "line1": "1 Throughput Street",
    "postalCode": "10115",
    "city": "Berlin",
    "country": "DE",
}


@dataclass
class RunContext:
    fixtures: Fixtures
    ledger: Ledger
    limiter: TokenBucket
    _turn: Iterator[int] = field(default_factory=count)

    def next_customer(self) -> Account:
        customers = self.fixtures.customers
        return customers[next(self._turn) % len(customers)]


class ShopUser(HttpUser):
    abstract = True
    shop: ClassVar[RunContext]
    account: Account

    @contextmanager
    def call(
        self, method: str, path: str, name: str, expected: tuple[int, ...] = (200,), **kwargs: Any
    ) -> Iterator[ResponseContextManager]:
        self.shop.limiter.acquire()
        headers = {**self.account.headers, **kwargs.pop("headers", {})}
        with self.client.request(
            method, path, name=name, headers=headers, catch_response=True, timeout=30, **kwargs
        ) as response:
            if response.status_code in expected:
                response.success()
            else:
                failure = f"{response.status_code}: {response.text[:200]}"
                response.failure(failure)
            yield response

    def browse_page(self) -> None:
        with self.call("GET", "/products?limit=20", "/products") as response:
            token = _json(response).get("nextToken")
        if token and random.random() < 0.3:
            self.call_quietly(
                "GET", "/products", "/products", params={"limit": 20, "nextToken": token}
            )

    def call_quietly(self, method: str, path: str, name: str, **kwargs: Any) -> None:
        with self.call(method, path, name, **kwargs):
            pass


class Browser(ShopUser):
    """A signed-in visitor looking around: lists, searches and opens products."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = self.shop.next_customer()

    @task(4)
    def list_products(self) -> None:
        self.browse_page()

    @task(2)
    def search(self) -> None:
        term = random.choice(self.shop.fixtures.search_terms)
        self.call_quietly("GET", "/products", "/products?q=", params={"q": term})

    @task(3)
    def open_product(self) -> None:
        product = random.choice(self.shop.fixtures.products)
        self.call_quietly("GET", f"/products/{product.id}", "/products/{id}")


class Shopper(ShopUser):
    """A customer who browses a little, orders, watches the order settle (as the console
    shows it live), and now and then cancels."""

    weight = 3
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.account = self.shop.next_customer()
        self.place_order()  # they came to buy

    @task(2)
    def browse(self) -> None:
        self.browse_page()

    @task(1)
    def my_orders(self) -> None:
        self.call_quietly("GET", "/orders?limit=20", "/orders")

    @task(4)
    def place_order(self) -> None:
        products = self.pick_products()
        body = {
            "lines": [{"productId": p.id, "quantity": random.randint(1, 3)} for p in products],
            "shippingAddress": ADDRESS,
        }
        key = str(uuid.uuid4())
        sent_at = time.monotonic()
        order_id = self.post_order(body, key)
        if order_id is None:
            self.shop.ledger.unacknowledged_keys.append(key)
            return
        ledger = self.shop.ledger
        ledger.placed[order_id] = PlacedOrder(order_id, self.account.username, key, sent_at)
        if random.random() < 0.1:  # a client retrying a request whose answer it lost
            ledger.replays += 1
            replayed = self.post_order(body, key)
            if replayed is not None and replayed != order_id:  # a failed POST counts already
                ledger.replay_mismatches.append(f"key {key}: {order_id} then {replayed}")
        if random.random() < 0.05:  # changes their mind at once, before stock is reserved
            self.cancel(order_id)
            return
        status = self.watch(order_id, sent_at)
        if status == "CONFIRMED" and random.random() < 0.15:
            self.cancel(order_id)

    def pick_products(self) -> list[Product]:
        """One or two products; half the orders want the product on sale (the first)."""
        catalogue = self.shop.fixtures.products
        picked = random.sample(catalogue, k=min(len(catalogue), random.choice((1, 1, 2))))
        sale = catalogue[0]
        if sale not in picked and random.random() < 0.5:
            picked[0] = sale
        return picked

    def post_order(self, body: dict[str, Any], key: str, attempts: int = 15) -> str | None:
        for attempt in range(1, attempts + 1):
            with self.call(
                "POST",
                "/orders",
                "/orders",
                expected=(201, 409) if attempt < attempts else (201,),  # then it gives up
                json=body,
                headers={"Idempotency-Key": key},
            ) as response:
                if response.status_code == 201:
                    return str(response.json()["id"])
                if response.status_code == 409:
                    error = _json(response).get("error")
                    if error not in RETRYABLE_ORDER_ERRORS:
                        response.failure(f"409 {error}: {response.text[:200]}")  # type: ignore[no-untyped-call]
                        return None
                else:
                    return None
            time.sleep(1)  # Retry-After: 1
        return None

    def watch(self, order_id: str, sent_at: float) -> str | None:
        deadline = sent_at + WATCH_TIMEOUT_S
        while time.monotonic() < deadline:
            time.sleep(WATCH_INTERVAL_S)
            with self.call("GET", f"/orders/{order_id}", "/orders/{id}") as response:
                status = _json(response).get("status")
            if status in FINAL:
                self.shop.ledger.observed[order_id] = (status, time.monotonic() - sent_at)
                return str(status)
        return None

    def cancel(self, order_id: str) -> None:
        self.shop.ledger.cancel_requests += 1
        self.call_quietly("DELETE", f"/orders/{order_id}", "/orders/{id}", expected=(200, 409))


class Admin(ShopUser):
    """One admin for the whole run: restocks the products and looks over the orders."""

    fixed_count = 1
    wait_time = between(3, 6)

    def on_start(self) -> None:
        self.account = self.shop.fixtures.admin

    @task(3)
    def restock(self) -> None:
        product = random.choice(self.shop.fixtures.products)
        with self.call("GET", f"/products/{product.id}", "/products/{id}") as response:
            current = _json(response)
        if "version" not in current:
            return
        added = random.randint(1, 5)
        with self.call(
            "PUT",
            f"/products/{product.id}",
            "/products/{id}",
            expected=(200, 409),
            json={"stock": int(current["stock"]) + added},
            headers={"If-Match": f'"{current["version"]}"'},
        ) as response:
            if response.status_code == 200:
                self.shop.ledger.restocked[product.id] += added
            else:  # an order reserved stock between our read and our write: fine
                self.shop.ledger.stale_restocks += 1

    @task(1)
    def all_orders(self) -> None:
        self.call_quietly("GET", "/orders?limit=20", "/orders (admin)")


USER_CLASSES: list[type[ShopUser]] = [Browser, Shopper, Admin]


def _json(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
