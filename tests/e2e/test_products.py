"""Products through the public REST API, and its events on the products topic."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from shared.contracts import validate_event
from tests.e2e.conftest import Api, User
from tests.e2e.saga import create_product, place_order, stock_of, wait_for_final

pytestmark = pytest.mark.e2e
CREATED = "ecommerce.products.ProductCreated.v1"
UPDATED = "ecommerce.products.ProductUpdated.v1"
DELETED = "ecommerce.products.ProductDeleted.v1"


def new_product(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": f"E2E-{uuid.uuid4().hex[:10].upper()}",
        "name": "End-to-end mug",
        "description": "Made by the test suite.",
        "price": {"amount": 1450, "currency": "EUR"},
        "stock": 7,
        **overrides,
    }


def test_admin_manages_a_product_and_its_events_are_published(
    api: Api, admin: User, customer: User, endpoints: Any, topic_listener: Any
) -> None:
    receive = topic_listener(endpoints.products_topic_arn, [CREATED, UPDATED, DELETED])

    created = api.request("POST", "/products", admin, json=new_product())
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["stock"] == 7
    assert product["version"] == 1

    fetched = api.request("GET", f"/products/{product['id']}", customer)
    assert fetched.status_code == 200
    assert fetched.json() == product

    updated = api.request(
        "PUT", f"/products/{product['id']}", admin, json={"version": 1, "stock": 5}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["stock"] == 5
    assert updated.json()["version"] == 2

    deleted = api.request("DELETE", f"/products/{product['id']}", admin)
    assert deleted.status_code == 204
    assert api.request("GET", f"/products/{product['id']}", customer).status_code == 404

    messages = receive(count=3)
    events = {}
    for message in messages:
        event = validate_event(json.loads(message["Body"]))
        assert message["MessageAttributes"]["type"]["StringValue"] == event["type"]
        events[event["type"]] = event
    assert set(events) == {CREATED, UPDATED, DELETED}
    assert {event["subject"] for event in events.values()} == {product["id"]}
    assert events[CREATED]["data"]["price"] == {"amount": 1450, "currency": "EUR"}
    assert events[UPDATED]["data"]["changes"] == ["stock"]
    assert events[UPDATED]["data"]["version"] == 2


def test_a_customer_cannot_write_products(api: Api, admin: User, customer: User) -> None:
    assert api.request("POST", "/products", customer, json=new_product()).status_code == 403
    assert api.request("POST", "/products", customer, json={"bad": True}).status_code == 403

    product = api.request("POST", "/products", admin, json=new_product()).json()
    path = f"/products/{product['id']}"
    assert api.request("PUT", path, customer, json={"version": 1, "stock": 0}).status_code == 403
    assert api.request("DELETE", path, customer).status_code == 403
    assert api.request("GET", path, customer).json()["stock"] == 7


def test_requests_without_a_valid_token_are_unauthorized(api: Api) -> None:
    assert api.request("GET", "/products").status_code == 401
    forged = api.request("GET", "/products", headers={"Authorization": "not-a-jwt"})
    assert forged.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_product(stock=-1), "body.stock"),
        (new_product(price={"amount": 10.5, "currency": "EUR"}), "body.price.amount"),
        (new_product(price={"amount": 100, "currency": "euro"}), "body.price.currency"),
        ({"name": "no sku", "price": {"amount": 1, "currency": "EUR"}}, "body.sku"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api: Api, admin: User, body: dict[str, Any], field: str
) -> None:
    response = api.request("POST", "/products", admin, json=body)
    assert response.status_code == 400, response.text
    assert field in [problem["field"] for problem in response.json()["fields"]]


def test_conflicts_and_unknown_ids(api: Api, admin: User, customer: User) -> None:
    body = new_product()
    product = api.request("POST", "/products", admin, json=body).json()
    duplicate = api.request("POST", "/products", admin, json=new_product(sku=body["sku"]))
    assert duplicate.status_code == 409

    path = f"/products/{product['id']}"
    assert api.request("PUT", path, admin, json={"version": 1, "name": "v2"}).status_code == 200
    stale = api.request("PUT", path, admin, json={"version": 1, "name": "v3"})
    assert stale.status_code == 409

    assert api.request("GET", f"/products/{uuid.uuid4()}", customer).status_code == 404
    assert api.request("GET", "/products/not-a-uuid", customer).status_code == 400


def test_listing_pages_through_every_product(api: Api, admin: User, customer: User) -> None:
    ids = {api.request("POST", "/products", admin, json=new_product()).json()["id"] for _ in "abc"}
    seen: list[str] = []
    token: str | None = None
    while True:
        params = {"limit": "2", **({"nextToken": token} if token else {})}
        page = api.request("GET", "/products", customer, params=params)
        assert page.status_code == 200, page.text
        seen += [item["id"] for item in page.json()["items"]]
        token = page.json()["nextToken"]
        if not token:
            break
    assert ids <= set(seen)
    assert len(seen) == len(set(seen))
    tampered = api.request("GET", "/products", customer, params={"nextToken": "garbage!"})
    assert tampered.status_code == 400


def test_search_by_name_finds_a_just_created_product(api: Api, admin: User, customer: User) -> None:
    marker = uuid.uuid4().hex[:10]
    created = api.request(
        "POST", "/products", admin, json=new_product(name=f"Café Crème {marker}")
    ).json()
    api.request("POST", "/products", admin, json=new_product(name=f"Teapot {marker}"))

    found = api.request("GET", "/products", customer, params={"q": f"CREME {marker.upper()}"})

    assert found.status_code == 200, found.text
    assert [item["id"] for item in found.json()["items"]] == [created["id"]]
    too_long = api.request("GET", "/products", customer, params={"q": "x" * 101})
    assert too_long.status_code == 400
    assert [f["field"] for f in too_long.json()["fields"]] == ["query.q"]


def test_a_restock_read_before_a_sale_is_refused_and_the_sale_stays_counted(
    api: Api, admin: User, customer: User
) -> None:
    """The load run's admin: read the stock, PUT it + 3 with If-Match on the ETag read. An
    order confirmed in between makes the PUT a 409 (else the units it holds would be back
    on sale: `make load`'s no-oversell check, "confirmed orders hold 2 units, stock
    consumed 0"); read again, the restock goes through."""
    product = create_product(api, admin, stock=2)
    path = f"/products/{product['id']}"
    read = api.request("GET", path, admin)
    order = place_order(api, customer, [(product["id"], 2)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"

    stale = api.request(
        "PUT",
        path,
        admin,
        json={"stock": read.json()["stock"] + 3},
        headers={"If-Match": read.headers["ETag"]},
    )

    assert stale.status_code == 409, stale.text
    assert stock_of(api, admin, product["id"]) == 0
    again = api.request("GET", path, admin)
    assert again.headers["ETag"] != read.headers["ETag"]
    restocked = api.request(
        "PUT",
        path,
        admin,
        json={"stock": again.json()["stock"] + 3},
        headers={"If-Match": again.headers["ETag"]},
    )
    assert restocked.status_code == 200, restocked.text
    assert stock_of(api, admin, product["id"]) == 3
