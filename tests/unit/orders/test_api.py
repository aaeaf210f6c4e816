"""The orders REST API through API Gateway REST proxy events (moto DynamoDB)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from orders import stock_consumer
from shared.paging import encode_token
from tests.unit.helpers import lambda_context
from tests.unit.orders.conftest import TABLE, Caller, Product, User, sqs_event, table_item
from tests.unit.orders.saga import stock_failed, stock_reserved

AddProduct = Callable[..., Product]
ALICE = User.new("customer", email="alice@example.com")
BOB = User.new("customer", email="bob@example.com")
ADMIN = User.new("admin", email="admin@example.com")
NOBODY = User.new()  # signed in, in no group

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "postalCode": "SW1Y 4JH",
    "city": "London",
    "country": "GB",
}


def order_body(*lines: tuple[Product, int], **overrides: Any) -> dict[str, Any]:
    return {
        "lines": [{"productId": p.id, "quantity": q} for p, q in lines],
        "shippingAddress": dict(ADDRESS),
        **overrides,
    }


def place(call: Caller, user: User, *lines: tuple[Product, int], **request: Any) -> dict[str, Any]:
    response = call("POST", "/orders", user=user, body=order_body(*lines), **request)
    assert response.status == 201, response.body
    return dict(response.body)


def deliver(*events: dict[str, Any]) -> dict[str, Any]:
    return dict(stock_consumer.handler(sqs_event(*events), lambda_context()))


def fields(response: Any) -> list[str]:
    return [f["field"] for f in response.body["fields"]]


# --- POST /orders ------------------------------------------------------------------------


def test_a_customer_places_an_order_priced_from_the_projection(
    call: Caller, catalog: AddProduct
) -> None:
    mug, tea = catalog("Blue mug", 1290), catalog("Earl Grey", 650)

    response = call(
        "POST",
        "/orders",
        user=ALICE,
        body=order_body((mug, 2), (tea, 1)),
        headers={"X-Correlation-Id": "flow-1"},
    )

    assert response.status == 201
    order = response.body
    assert uuid.UUID(order["id"])
    assert response.header("Location") == f"/prod/orders/{order['id']}"
    assert order["status"] == "PENDING"
    assert (order["customerId"], order["customerEmail"]) == (ALICE.user_id, "alice@example.com")
    assert order["lines"] == [
        {
            "productId": mug.id,
            "sku": mug.sku,
            "name": "Blue mug",
            "quantity": 2,
            "unitPrice": {"amount": 1290, "currency": "EUR"},
            "lineTotal": {"amount": 2580, "currency": "EUR"},
        },
        {
            "productId": tea.id,
            "sku": tea.sku,
            "name": "Earl Grey",
            "quantity": 1,
            "unitPrice": {"amount": 650, "currency": "EUR"},
            "lineTotal": {"amount": 650, "currency": "EUR"},
        },
    ]
    assert order["total"] == {"amount": 3230, "currency": "EUR"}
    assert order["shippingAddress"] == ADDRESS
    assert order["placedAt"] == order["updatedAt"]
    item = table_item(f"ORDER#{order['id']}", "ORDER")
    assert item is not None
    assert item["gsi1pk"] == {"S": f"CUSTOMER#{ALICE.user_id}"}
    assert item["gsi1sk"] == {"S": f"{order['placedAt']}#{order['id']}"}
    assert item["gsi2pk"] == {"S": "ORDER"}
    assert item["lastCorrelationId"] == {"S": "flow-1"}


def test_an_admin_may_order_too(call: Caller, catalog: AddProduct) -> None:
    order = place(call, ADMIN, (catalog(), 1))

    assert order["customerId"] == ADMIN.user_id


def test_without_a_token_it_is_401(call: Caller, catalog: AddProduct) -> None:
    response = call("POST", "/orders", user=None, body=order_body((catalog(), 1)))

    assert response.status == 401


def test_a_user_in_no_group_is_refused_before_the_body_is_looked_at(call: Caller) -> None:
    response = call("POST", "/orders", user=NOBODY, body={"lines": "garbage"})

    assert response.status == 403


def test_a_second_address_line_is_kept(call: Caller, catalog: AddProduct) -> None:
    body = order_body((catalog(), 1), shippingAddress={**ADDRESS, "line2": "Second floor"})

    response = call("POST", "/orders", user=ALICE, body=body)

    assert response.body["shippingAddress"]["line2"] == "Second floor"


def delete_from_projection(product: Product, version: int = 2) -> None:
    from orders.catalog import DynamoDBCatalog, ProductGone

    DynamoDBCatalog(TABLE, boto3.client("dynamodb")).apply(
        ProductGone(product.id, version, product.sku, "2025-03-14T10:00:00.000Z")
    )


def unseen_product() -> Product:
    """A product whose ProductCreated has not reached the projection yet."""
    return Product(str(uuid.uuid4()), "NEW-SKU", "Brand new", 1)


def test_a_deleted_product_is_a_400_even_beside_an_unseen_one(
    call: Caller, catalog: AddProduct
) -> None:
    known, gone = catalog(), catalog()
    delete_from_projection(gone)

    response = call(
        "POST",
        "/orders",
        user=ALICE,
        body=order_body((known, 1), (unseen_product(), 1), (gone, 1)),
    )

    assert response.status == 400
    assert fields(response) == ["body.lines[2].productId"]
    assert "deleted" in response.body["fields"][0]["message"]


def test_a_product_the_projection_has_not_seen_yet_is_a_retryable_409(
    call: Caller, catalog: AddProduct
) -> None:
    known, new = catalog(), unseen_product()

    response = call("POST", "/orders", user=ALICE, body=order_body((known, 1), (new, 2)))

    assert response.status == 409
    assert response.body["error"] == "ProductNotYetAvailable"
    assert response.header("Retry-After") == "1"
    assert fields(response) == ["body.lines[1].productId"]
    assert "retry" in response.body["message"]
    assert call("GET", "/orders", user=ALICE).body["items"] == []


def test_the_same_idempotency_key_after_a_409_places_the_order_once_the_product_arrives(
    call: Caller,
) -> None:
    from orders.catalog import DynamoDBCatalog, ProductSeen
    from shared.money import Money

    new = unseen_product()
    headers = {"Idempotency-Key": "checkout-7"}
    body = order_body((new, 2))

    first = call("POST", "/orders", user=ALICE, body=body, headers=headers)
    DynamoDBCatalog(TABLE, boto3.client("dynamodb")).apply(
        ProductSeen(new.id, 1, new.sku, new.name, Money(990, "EUR"), "2025-03-14T09:00:00.000Z")
    )
    retried = call("POST", "/orders", user=ALICE, body=body, headers=headers)
    replayed = call("POST", "/orders", user=ALICE, body=body, headers=headers)

    assert first.status == 409
    assert retried.status == 201, retried.body
    assert retried.body["lines"][0]["unitPrice"] == {"amount": 990, "currency": "EUR"}
    assert replayed.status == 201
    assert replayed.body["id"] == retried.body["id"]
    assert len(call("GET", "/orders", user=ALICE).body["items"]) == 1


def test_a_product_deleted_after_a_409_gets_the_400_on_retry(call: Caller) -> None:
    new = unseen_product()
    headers = {"Idempotency-Key": "checkout-8"}

    first = call("POST", "/orders", user=ALICE, body=order_body((new, 1)), headers=headers)
    delete_from_projection(new, version=2)
    retried = call("POST", "/orders", user=ALICE, body=order_body((new, 1)), headers=headers)

    assert (first.status, retried.status) == (409, 400)


def test_an_unverified_email_cannot_order(call: Caller, catalog: AddProduct) -> None:
    unverified = User.new("customer", email="eve@example.com", email_verified=False)

    response = call("POST", "/orders", user=unverified, body=order_body((catalog(), 1)))

    assert response.status == 403
    assert response.body["error"] == "Forbidden"
    assert "verify your e-mail address" in response.body["message"]
    assert call("GET", "/orders", user=unverified).status == 200  # reading is still allowed


def test_an_unverified_email_is_refused_before_the_body_is_looked_at(call: Caller) -> None:
    unverified = User.new("customer", email_verified=False)

    response = call("POST", "/orders", user=unverified, body={"lines": "nonsense"})

    assert response.status == 403


def test_a_float_quantity_and_a_missing_city_are_400_naming_the_field(
    call: Caller, catalog: AddProduct
) -> None:
    mug = catalog()
    fractional = order_body((mug, 1))
    fractional["lines"][0]["quantity"] = 2.0
    no_city = order_body((mug, 1))
    del no_city["shippingAddress"]["city"]

    as_float = call("POST", "/orders", user=ALICE, body=fractional)
    without_city = call("POST", "/orders", user=ALICE, body=no_city)

    assert (as_float.status, fields(as_float)) == (400, ["body.lines[0].quantity"])
    assert (without_city.status, fields(without_city)) == (400, ["body.shippingAddress.city"])
    assert without_city.body["fields"][0]["message"] == "Field required"


def test_the_same_product_twice_is_refused(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()

    response = call("POST", "/orders", user=ALICE, body=order_body((mug, 1), (mug, 2)))

    assert response.status == 400
    assert fields(response) == ["body.lines[1].productId"]
    assert "lines[0]" in response.body["fields"][0]["message"]


def test_one_currency_per_order(call: Caller, catalog: AddProduct) -> None:
    euro, dollar = catalog(currency="EUR"), catalog(currency="USD")

    response = call("POST", "/orders", user=ALICE, body=order_body((euro, 1), (dollar, 1)))

    assert response.status == 400
    assert fields(response) == ["body.lines[1].productId"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["lines"][0].update(quantity=0), "quantity"),
        (lambda b: b["lines"][0].update(quantity=101), "quantity"),
        (lambda b: b["lines"][0].update(quantity="2"), "quantity"),
        (lambda b: b["lines"][0].update(productId="not-a-uuid"), "productId"),
        (lambda b: b.update(lines=[]), "lines"),
        (lambda b: b.update(lines=b["lines"] * 51), "lines"),
        (lambda b: b.pop("shippingAddress"), "shippingAddress"),
        (lambda b: b["shippingAddress"].update(country="gb"), "country"),
        (lambda b: b["shippingAddress"].update(name="   "), "name"),
        (lambda b: b.update(coupon="FREE"), "coupon"),
    ],
)
def test_invalid_bodies_are_400(
    call: Caller, catalog: AddProduct, change: Callable[[dict[str, Any]], Any], field: str
) -> None:
    body = order_body((catalog(), 1))
    change(body)

    response = call("POST", "/orders", user=ALICE, body=body)

    assert response.status == 400, response.body
    assert any(f.endswith(field) for f in fields(response)), response.body


def test_a_token_without_an_email_cannot_order(call: Caller, catalog: AddProduct) -> None:
    response = call(
        "POST",
        "/orders",
        user=User.new("customer", email="not-an-address"),
        body=order_body((catalog(), 1)),
    )

    assert response.status == 400
    assert fields(response) == ["token.email"]


# --- Idempotency-Key ---------------------------------------------------------------------


def orders_in_table() -> int:
    items = boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
    return sum(1 for item in items if item["sk"]["S"] == "ORDER")


def test_a_retried_post_returns_the_first_order(call: Caller, catalog: AddProduct) -> None:
    body = order_body((catalog(), 3))
    key = {"Idempotency-Key": "retry-7f3a"}

    first = call("POST", "/orders", user=ALICE, body=body, headers=key)
    again = call(
        "POST", "/orders", user=ALICE, body=body, headers={"idempotency-key": "retry-7f3a"}
    )

    assert first.status == again.status == 201
    assert again.body == first.body
    assert again.header("Location") == first.header("Location")
    assert orders_in_table() == 1


def test_the_same_key_with_another_body_is_422(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()
    key = {"Idempotency-Key": "retry-7f3a"}
    call("POST", "/orders", user=ALICE, body=order_body((mug, 1)), headers=key)

    other = call("POST", "/orders", user=ALICE, body=order_body((mug, 2)), headers=key)

    assert other.status == 422
    assert other.body["error"] == "IdempotencyKeyReused"
    assert orders_in_table() == 1


def test_keys_are_per_customer(call: Caller, catalog: AddProduct) -> None:
    body, key = order_body((catalog(), 1)), {"Idempotency-Key": "same-key"}

    alices = call("POST", "/orders", user=ALICE, body=body, headers=key)
    bobs = call("POST", "/orders", user=BOB, body=body, headers=key)

    assert alices.body["id"] != bobs.body["id"]
    assert bobs.body["customerId"] == BOB.user_id


def test_a_failed_request_can_be_retried_with_its_key(call: Caller, catalog: AddProduct) -> None:
    product = Product(str(uuid.uuid4()), "SOON", "Soon", 100)
    key = {"Idempotency-Key": "k-1"}
    body = order_body((product, 1))

    refused = call("POST", "/orders", user=ALICE, body=body, headers=key)
    from orders.catalog import DynamoDBCatalog, ProductSeen
    from shared.money import Money

    DynamoDBCatalog(TABLE, boto3.client("dynamodb")).apply(
        ProductSeen(product.id, 1, "SOON", "Soon", Money(100, "EUR"), "2025-03-14T09:00:00Z")
    )
    accepted = call("POST", "/orders", user=ALICE, body=body, headers=key)

    assert (refused.status, accepted.status) == (409, 201)
    assert catalog  # the projection fixture created the table


def test_a_malformed_key_is_400(call: Caller, catalog: AddProduct) -> None:
    response = call(
        "POST",
        "/orders",
        user=ALICE,
        body=order_body((catalog(), 1)),
        headers={"Idempotency-Key": "x" * 256},
    )

    assert response.status == 400


# --- GET /orders/{id} --------------------------------------------------------------------


def test_owner_and_admins_read_an_order_others_get_404(call: Caller, catalog: AddProduct) -> None:
    order = place(call, ALICE, (catalog(), 1))
    path = f"/orders/{order['id']}"

    assert call("GET", path, user=ALICE).body == order
    assert call("GET", path, user=ADMIN).body == order
    strangers = call("GET", path, user=BOB)
    missing = call("GET", f"/orders/{uuid.uuid4()}", user=BOB)
    assert strangers.status == missing.status == 404
    assert strangers.body["error"] == "NotFound"


def test_an_order_id_must_be_a_uuid(call: Caller) -> None:
    response = call("GET", "/orders/42", user=ALICE)

    assert response.status == 400
    assert fields(response) == ["path.id"]


def test_reading_needs_a_shopper(call: Caller) -> None:
    path = f"/orders/{uuid.uuid4()}"

    assert call("GET", path, user=None).status == 401
    assert call("GET", path, user=NOBODY).status == 403


# --- GET /orders -------------------------------------------------------------------------


def test_customers_list_their_own_orders_admins_all(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()
    alices = [place(call, ALICE, (mug, n)) for n in (1, 2)]
    bobs = place(call, BOB, (mug, 3))

    own = call("GET", "/orders", user=ALICE).body
    everyone = call("GET", "/orders", user=ADMIN).body

    assert [o["id"] for o in own["items"]] == [o["id"] for o in reversed(alices)]
    assert own["nextToken"] is None
    assert {o["id"] for o in everyone["items"]} == {o["id"] for o in [*alices, bobs]}


def test_listing_pages_newest_first(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()
    placed = [place(call, ALICE, (mug, 1))["id"] for _ in range(5)]

    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        query = {"limit": "2", **({"nextToken": token} if token else {})}
        page = call("GET", "/orders", user=ALICE, query=query).body
        seen += [o["id"] for o in page["items"]]
        pages += 1
        token = page["nextToken"]
        if token is None:
            break

    assert seen == list(reversed(placed))
    assert pages == 3


def test_listing_filters_by_status(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()
    orders = [place(call, ALICE, (mug, 1)) for _ in range(4)]
    deliver(stock_reserved(orders[0]), stock_reserved(orders[2]))
    other = place(call, BOB, (mug, 1))
    deliver(stock_reserved(other))

    mine = call("GET", "/orders", user=ALICE, query={"status": "CONFIRMED", "limit": "1"}).body
    rest = call(
        "GET",
        "/orders",
        user=ALICE,
        query={"status": "CONFIRMED", "nextToken": mine["nextToken"]},
    ).body
    everyone = call("GET", "/orders", user=ADMIN, query={"status": "CONFIRMED"}).body

    assert [o["id"] for o in mine["items"] + rest["items"]] == [orders[2]["id"], orders[0]["id"]]
    assert rest["nextToken"] is None
    assert len(everyone["items"]) == 3
    assert {o["status"] for o in everyone["items"]} == {"CONFIRMED"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),
        ({"status": "SHIPPED"}, "query.status"),
        ({"nextToken": "garbage"}, "query.nextToken"),
        ({"nextToken": encode_token("2025-03-14T09:00:00Z#not-an-id")}, "query.nextToken"),
    ],
)
def test_bad_list_parameters_are_400(call: Caller, query: dict[str, str], field: str) -> None:
    response = call("GET", "/orders", user=ALICE, query=query)

    assert response.status == 400
    assert fields(response) == [field]


def test_listing_needs_a_shopper(call: Caller) -> None:
    assert call("GET", "/orders", user=None).status == 401
    assert call("GET", "/orders", user=NOBODY).status == 403


# --- DELETE /orders/{id} -----------------------------------------------------------------


def test_a_customer_cancels_a_pending_order(call: Caller, catalog: AddProduct) -> None:
    order = place(call, ALICE, (catalog(), 1))

    response = call(
        "DELETE", f"/orders/{order['id']}", user=ALICE, headers={"X-Correlation-Id": "flow-x"}
    )

    assert response.status == 200
    assert response.body["status"] == "CANCELLED"
    assert response.body["cancelledAt"] == response.body["updatedAt"]
    item = table_item(f"ORDER#{order['id']}", "ORDER")
    assert item is not None
    assert item["status"] == {"S": "CANCELLED"}
    assert item["lastCorrelationId"] == {"S": "flow-x"}


def test_a_confirmed_order_can_be_cancelled_by_an_admin(call: Caller, catalog: AddProduct) -> None:
    order = place(call, ALICE, (catalog(), 1))
    deliver(stock_reserved(order))

    response = call("DELETE", f"/orders/{order['id']}", user=ADMIN)

    assert response.status == 200
    assert response.body["status"] == "CANCELLED"


def test_cancelling_twice_or_a_rejected_order_is_409(call: Caller, catalog: AddProduct) -> None:
    mug = catalog()
    cancelled, rejected = place(call, ALICE, (mug, 1)), place(call, ALICE, (mug, 1))
    call("DELETE", f"/orders/{cancelled['id']}", user=ALICE)
    deliver(stock_failed(rejected))

    again = call("DELETE", f"/orders/{cancelled['id']}", user=ALICE)
    too_late = call("DELETE", f"/orders/{rejected['id']}", user=ALICE)

    assert again.status == too_late.status == 409
    assert "REJECTED" in too_late.body["message"]


def test_nobody_cancels_someone_elses_order(call: Caller, catalog: AddProduct) -> None:
    order = place(call, ALICE, (catalog(), 1))

    response = call("DELETE", f"/orders/{order['id']}", user=BOB)

    assert response.status == 404
    assert call("GET", f"/orders/{order['id']}", user=ALICE).body["status"] == "PENDING"
    assert call("DELETE", f"/orders/{order['id']}", user=NOBODY).status == 403
    assert call("DELETE", f"/orders/{uuid.uuid4()}", user=ALICE).status == 404


def test_a_retry_while_the_first_request_runs_is_409(orders_table: str) -> None:  # noqa: ARG001
    from orders import idempotency

    def place_while_a_retry_arrives() -> dict[str, Any]:
        return idempotency.once_per_key(dict, customer_id="c-1", key="k-1", body={"n": 1})

    with pytest.raises(idempotency.RequestInProgress) as raised:
        idempotency.once_per_key(
            place_while_a_retry_arrives, customer_id="c-1", key="k-1", body={"n": 1}
        )

    assert raised.value.status_code == 409
    assert raised.value.error == "RequestInProgress"
    assert raised.value.headers == {"Retry-After": "1"}
