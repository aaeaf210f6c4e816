"""Who may do what: every REST route and every WebSocket action against every kind of
caller, one test per cell.

Callers: nobody (no token), a customer, another customer, a signed-in user in no group,
and an admin. The customer owns an order (confirmed, invoiced) that the others try to
read, cancel and list. Authorization comes first: a caller outside the route's groups gets
403 whatever the body, and another customer's order or invoice is a 404 (or an empty
list), never a leak. Prints the number of cells checked.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.saga import ADDRESS, create_product, eventually, place_order, wait_for_final

pytestmark = pytest.mark.e2e

ANONYMOUS, CUSTOMER, OTHER, NO_GROUP, ADMIN = (
    "anonymous",
    "customer",
    "other-customer",
    "no-group",
    "admin",
)
CALLERS = (ANONYMOUS, CUSTOMER, OTHER, NO_GROUP, ADMIN)


@dataclass(frozen=True)
class Expect:
    status: int | str
    sees_the_customers: bool | None = None  # for listings: is the customer's item in it?

    def __str__(self) -> str:
        seen = {True: " (sees it)", False: " (sees nothing)", None: ""}
        return f"{self.status}{seen[self.sees_the_customers]}"


SEES, BLIND = Expect(200, True), Expect(200, False)
REST_MATRIX: dict[str, tuple[Expect | int, ...]] = {
    #                          anonymous customer other  no-group admin
    "GET /products":          (401,       200,     200,   200,     200),
    "GET /products/{id}":     (401,       200,     200,   200,     200),
    "POST /products":         (401,       403,     403,   403,     201),
    "PUT /products/{id}":     (401,       403,     403,   403,     200),
    "DELETE /products/{id}":  (401,       403,     403,   403,     204),
    "POST /orders":           (401,       201,     201,   403,     201),
    "GET /orders":            (401,       SEES,    BLIND, 403,     200),
    "GET /orders/{id}":       (401,       200,     404,   403,     200),
    "DELETE /orders/{id}":    (401,       200,     404,   403,     200),
    "GET /invoices?orderId=": (401,       SEES,    BLIND, BLIND,   SEES),
    "GET /invoices/{id}":     (401,       200,     404,   404,     200),
}  # fmt: skip
WEBSOCKET_MATRIX: dict[str, tuple[str, ...]] = {
    #                anonymous       customer      other         no-group      admin
    "$connect":     ("refused 401", "connected",  "connected",  "connected",  "connected"),
    "ping":         ("refused 401", "pong",       "pong",       "pong",       "pong"),
    "subscribe":    ("refused 401", "subscribed", "subscribed", "subscribed", "subscribed"),
    "getImportUrl": ("refused 401", "forbidden",  "forbidden",  "forbidden",  "import.url"),
    "cancelImport": ("refused 401", "forbidden",  "forbidden",  "forbidden",  "cancelled"),
}  # fmt: skip
cells_checked: list[str] = []


def cells(matrix: dict[str, tuple[Any, ...]]) -> list[Any]:
    return [
        pytest.param(route, caller, expected, id=f"{route} as {caller} -> {expected}")
        for route, row in matrix.items()
        for caller, expected in zip(CALLERS, row, strict=True)
    ]


# --- the world: callers, and the customer's product, order and invoice --------------------


@dataclass(frozen=True)
class World:
    callers: dict[str, User | None]
    admin: User
    customer: User
    product: dict[str, Any]
    order: dict[str, Any]
    invoice: dict[str, Any]


@pytest.fixture(scope="module")
def world(api: Api, make_user: Callable[..., User]) -> World:
    admin, customer = make_user("admin"), make_user("customer")
    callers = {
        ANONYMOUS: None,
        CUSTOMER: customer,
        OTHER: make_user("customer"),
        NO_GROUP: make_user(),
        ADMIN: admin,
    }
    product = create_product(api, admin, stock=1000)
    order = place_order(api, customer, [(product["id"], 1)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"

    def invoice() -> dict[str, Any] | None:
        response = api.request("GET", f"/invoices?orderId={order['id']}", customer)
        items = response.json()["items"] if response.status_code == 200 else []
        return dict(items[0]) if items else None

    return World(callers, admin, customer, product, order, eventually(invoice, timeout=60))


# --- REST ---------------------------------------------------------------------------------


def new_product_body() -> dict[str, Any]:
    return {
        "sku": f"AUTHZ-{uuid.uuid4().hex[:10].upper()}",
        "name": "Authorization matrix product",
        "price": {"amount": 500, "currency": "EUR"},
        "stock": 10,
    }


def rest_call(api: Api, world: World, route: str, user: User | None) -> requests.Response:
    """The route called as `user`; what it changes is created for the call (only the
    callers that may change it are given something they may change)."""
    product_id, order_id = world.product["id"], world.order["id"]
    allowed_to_write = user is not None and user.groups == ("admin",)
    if route == "GET /products":
        return api.request("GET", "/products", user)
    if route == "GET /products/{id}":
        return api.request("GET", f"/products/{product_id}", user)
    if route == "POST /products":
        return api.request("POST", "/products", user, json=new_product_body())
    if route == "PUT /products/{id}":
        target = create_product(api, world.admin, stock=1) if allowed_to_write else world.product
        body = {"version": target["version"], "name": "Renamed by the matrix"}
        return api.request("PUT", f"/products/{target['id']}", user, json=body)
    if route == "DELETE /products/{id}":
        target = create_product(api, world.admin, stock=1) if allowed_to_write else world.product
        return api.request("DELETE", f"/products/{target['id']}", user)
    if route == "POST /orders":
        body = {"lines": [{"productId": product_id, "quantity": 1}], "shippingAddress": ADDRESS}
        return api.request("POST", "/orders", user, json=body)
    if route == "GET /orders":
        return api.request("GET", "/orders", user)
    if route == "GET /orders/{id}":
        return api.request("GET", f"/orders/{order_id}", user)
    if route == "DELETE /orders/{id}":
        may_cancel = user is world.customer or allowed_to_write
        target = place_order(api, world.customer, [(product_id, 1)]) if may_cancel else world.order
        return api.request("DELETE", f"/orders/{target['id']}", user)
    if route == "GET /invoices?orderId=":
        return api.request("GET", f"/invoices?orderId={order_id}", user)
    if route == "GET /invoices/{id}":
        return api.request("GET", f"/invoices/{world.invoice['id']}", user)
    raise AssertionError(f"no call for {route}")


def customers_item_listed(route: str, world: World, body: dict[str, Any]) -> bool:
    wanted = world.order["id"] if route == "GET /orders" else world.invoice["id"]
    return any(item["id"] == wanted for item in body["items"])


@pytest.mark.parametrize(("route", "caller", "expected"), cells(REST_MATRIX))
def test_rest(api: Api, world: World, route: str, caller: str, expected: Expect | int) -> None:
    expect = expected if isinstance(expected, Expect) else Expect(expected)
    response = rest_call(api, world, route, world.callers[caller])
    assert response.status_code == expect.status, response.text
    if expect.status in (401, 403, 404):
        assert response.json()["message"], response.text  # JSON error, never an empty 4xx
    if expect.sees_the_customers is not None:
        assert customers_item_listed(route, world, response.json()) is expect.sees_the_customers
    cells_checked.append(f"{route} as {caller}")


# --- WebSocket ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def websocket_url(endpoints: Endpoints) -> str:
    url = endpoints.raw.get("websocket_url")
    if not url:
        pytest.skip("the target has no WebSocket API")
    return str(url)


def answer(ws: ClientConnection, action: str, **body: Any) -> dict[str, Any]:
    """The reply to `action` (pushes about the caller's orders may arrive meanwhile)."""
    ws.send(json.dumps({"action": action, **body}))
    deadline = time.monotonic() + 15
    while (left := deadline - time.monotonic()) > 0:
        message = json.loads(ws.recv(timeout=left))
        if message.get("type") not in ("order.status", "invoice.generated"):
            return dict(message)
    raise AssertionError(f"no reply to {action}")


def outcome(ws: ClientConnection, action: str, admins_import: str) -> str:
    """What the action came to, in the matrix's words."""
    if action == "$connect":
        return "connected"
    if action == "cancelImport":
        reply = answer(ws, "getImportUrl")
        own = reply.get("transactionId") if reply["type"] == "import.url" else None
        reply = answer(ws, "cancelImport", transactionId=own or admins_import)
    else:
        reply = answer(ws, action)
    if reply["type"] == "error":
        return "forbidden" if reply["message"].startswith("forbidden") else reply["message"]
    if reply["type"] == "import.status":
        return str(reply["status"])
    return str(reply["type"])


@dataclass(frozen=True)
class Sockets:
    url: str
    admins_import: str  # a pending import of the admin's, which nobody else may cancel

    def url_for(self, user: User | None) -> str:
        return f"{self.url}?token={quote(user.id_token)}" if user else self.url


@pytest.fixture(scope="module")
def sockets(websocket_url: str, world: World) -> Sockets:
    with connect(Sockets(websocket_url, "").url_for(world.admin), open_timeout=15) as ws:
        reply = answer(ws, "getImportUrl")
    assert reply["type"] == "import.url", reply
    return Sockets(websocket_url, str(reply["transactionId"]))


@pytest.mark.parametrize(("action", "caller", "expected"), cells(WEBSOCKET_MATRIX))
def test_websocket(sockets: Sockets, world: World, action: str, caller: str, expected: str) -> None:
    try:
        with connect(sockets.url_for(world.callers[caller]), open_timeout=15) as ws:
            got = outcome(ws, action, sockets.admins_import)
    except InvalidStatus as refused:
        got = f"refused {refused.response.status_code}"
    assert got == expected
    cells_checked.append(f"{action} as {caller}")


def test_every_cell_was_checked() -> None:
    expected = sum(len(row) for row in (*REST_MATRIX.values(), *WEBSOCKET_MATRIX.values()))
    print(f"\nauthorization matrix: {len(cells_checked)} of {expected} cells checked")
    assert len(cells_checked) == expected
