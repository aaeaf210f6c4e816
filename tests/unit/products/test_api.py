"""The products REST API through API Gateway REST proxy events (moto DynamoDB)."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from shared.paging import encode_token
from tests.unit.conftest import CUSTOMER, ApiCall


def new_product(**overrides: Any) -> dict[str, Any]:
    return {
        "sku": f"SKU-{uuid.uuid4().hex[:8]}",
        "name": "Blue mug 350 ml",
        "description": "Stoneware mug, dishwasher safe.",
        "price": {"amount": 1290, "currency": "EUR"},
        "stock": 40,
        **overrides,
    }


def create(call_api: ApiCall, **overrides: Any) -> dict[str, Any]:
    response = call_api("POST", "/products", body=new_product(**overrides))
    assert response.status == 201, response.body
    return dict(response.body)


def table_item(pk: str, sk: str) -> dict[str, Any] | None:
    return (
        boto3.client("dynamodb")
        .get_item(TableName="ecommerce-test-products", Key={"pk": {"S": pk}, "sk": {"S": sk}})
        .get("Item")
    )


# --- create ------------------------------------------------------------------------------


def test_an_admin_creates_a_product(call_api: ApiCall) -> None:
    body = new_product(sku="MUG-BLUE-350")

    response = call_api("POST", "/products", body=body)

    assert response.status == 201
    product = response.body
    assert uuid.UUID(product["id"])
    assert {k: product[k] for k in body} == body
    assert product["version"] == 1
    assert product["createdAt"] == product["updatedAt"]
    assert response.header("Location") == f"/prod/products/{product['id']}"
    assert response.header("ETag") == '"1"'
    assert call_api("GET", f"/products/{product['id']}", user=CUSTOMER).body == product


def test_the_request_correlation_id_is_stored_for_the_event(call_api: ApiCall) -> None:
    response = call_api(
        "POST", "/products", body=new_product(), headers={"X-Correlation-Id": "flow-1"}
    )

    item = table_item(f"PRODUCT#{response.body['id']}", "PRODUCT")
    assert item is not None
    assert item["lastCorrelationId"] == {"S": "flow-1"}
    assert item["gsi1pk"] == {"S": "PRODUCT"}
    assert item["gsi1sk"] == {"S": f"{response.body['createdAt']}#{response.body['id']}"}


def test_description_and_stock_have_defaults(call_api: ApiCall) -> None:
    body = new_product()
    del body["description"], body["stock"]

    product = call_api("POST", "/products", body=body).body

    assert (product["description"], product["stock"]) == ("", 0)


@pytest.mark.parametrize("user", [CUSTOMER, ()])
@pytest.mark.parametrize("body", [new_product(), {"price": "free", "stock": -5}, {}])
def test_only_admins_write_whatever_the_body(
    call_api: ApiCall, user: tuple[str, ...], body: dict[str, Any]
) -> None:
    response = call_api("POST", "/products", user=user, body=body)

    assert response.status == 403
    assert response.body["error"] == "Forbidden"


def test_without_a_token_every_route_is_401(call_api: ApiCall) -> None:
    product_id = create(call_api)["id"]
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/products", {}),
        ("GET", f"/products/{product_id}", {}),
        ("POST", "/products", {"body": {"stock": "many"}}),
        ("PUT", f"/products/{product_id}", {"body": {"version": 1, "stock": 1}}),
        ("DELETE", f"/products/{product_id}", {}),
    ]

    for method, path, request in requests:
        response = call_api(method, path, user=None, **request)
        assert response.status == 401, (method, path)
        assert response.body["error"] == "Unauthorized"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stock": -1}, "body.stock"),
        ({"stock": 1.5}, "body.stock"),
        ({"stock": "3"}, "body.stock"),
        ({"stock": True}, "body.stock"),
        ({"price": {"amount": 19.99, "currency": "EUR"}}, "body.price.amount"),
        ({"price": {"amount": "1999", "currency": "EUR"}}, "body.price.amount"),
        ({"price": {"amount": -1, "currency": "EUR"}}, "body.price.amount"),
        ({"price": {"amount": 1, "currency": "eur"}}, "body.price.currency"),
        ({"price": {"amount": 1}}, "body.price.currency"),
        ({"price": {"amount": 1, "currency": "EUR", "tax": 2}}, "body.price.tax"),
        ({"price": None}, "body.price"),
        ({"name": ""}, "body.name"),
        ({"name": "   "}, "body.name"),
        ({"name": "x" * 201}, "body.name"),
        ({"description": "x" * 2001}, "body.description"),
        ({"sku": ""}, "body.sku"),
        ({"sku": "has space"}, "body.sku"),
        ({"sku": "S" * 65}, "body.sku"),
        ({"colour": "blue"}, "body.colour"),
    ],
)
def test_invalid_input_is_400_naming_the_field(
    call_api: ApiCall, change: dict[str, Any], field: str
) -> None:
    response = call_api("POST", "/products", body=new_product(**change))

    assert response.status == 400
    assert response.body["error"] == "ValidationError"
    assert field in [f["field"] for f in response.body["fields"]]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        # JSON Schema's integer admits 1.0; the model's strict integers do not.
        ({"stock": 1.0}, "body.stock", "Input should be a valid integer"),
        ({"price": {"amount": 100.0, "currency": "EUR"}}, "body.price.amount", "valid integer"),
        ({"colour": "blue"}, "body.colour", "Extra inputs are not permitted"),
        ({"price": {"amount": 1}}, "body.price.currency", "Field required"),
        ({"name": "  "}, "body.name", "longer than or equal to 1 characters"),
    ],
)
def test_the_generated_validator_names_the_field_and_the_problem(
    call_api: ApiCall, change: dict[str, Any], field: str, message: str
) -> None:
    response = call_api("POST", "/products", body=new_product(**change))

    assert response.status == 400
    assert response.body["fields"][0]["field"] == field
    assert message in response.body["fields"][0]["message"]
    assert response.body["message"].startswith(f"invalid request: {field}: ")


def test_a_null_in_a_partial_update_is_400_naming_the_field(call_api: ApiCall) -> None:
    product = create(call_api)

    response = call_api("PUT", f"/products/{product['id']}", body={"version": 1, "sku": None})

    assert response.status == 400
    assert response.body["fields"] == [
        {"field": "body.sku", "message": "cannot be null; leave the field out to keep its value"}
    ]


def test_a_missing_field_and_a_broken_body_are_400(call_api: ApiCall) -> None:
    body = new_product()
    del body["price"]

    missing = call_api("POST", "/products", body=body)
    not_json = call_api("POST", "/products", raw_body='{"sku": ')
    not_an_object = call_api("POST", "/products", body=[1, 2])

    assert [f["field"] for f in missing.body["fields"]] == ["body.price"]
    assert not_json.status == 400
    assert not_json.body["fields"][0]["field"] == "body"
    assert not_an_object.status == 400


@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]
)
def test_a_body_that_is_not_json_is_415_not_500(call_api: ApiCall, content_type: str) -> None:
    """Found by the REST fuzzing: a multipart body without a boundary used to be a 500."""
    created = call_api(
        "POST", "/products", raw_body="sku=X", headers={"Content-Type": content_type}
    )

    assert created.status == 415
    assert created.body["error"] == "UnsupportedMediaType"


def test_limits_are_inclusive(call_api: ApiCall) -> None:
    product = create(
        call_api,
        sku="S" * 64,
        name="n" * 200,
        description="d" * 2000,
        price={"amount": 0, "currency": "USD"},
        stock=0,
    )

    assert product["sku"] == "S" * 64


# --- SKU uniqueness ------------------------------------------------------------------------


def test_a_sku_is_unique(call_api: ApiCall) -> None:
    create(call_api, sku="MUG-1")

    response = call_api("POST", "/products", body=new_product(sku="MUG-1"))

    assert response.status == 409
    assert "MUG-1" in response.body["message"]
    assert len(call_api("GET", "/products").body["items"]) == 1


def test_a_deleted_products_sku_can_be_reused(call_api: ApiCall) -> None:
    first = create(call_api, sku="MUG-1")
    assert call_api("DELETE", f"/products/{first['id']}").status == 204

    assert call_api("POST", "/products", body=new_product(sku="MUG-1")).status == 201


def test_updating_to_another_products_sku_is_409_and_changes_nothing(call_api: ApiCall) -> None:
    create(call_api, sku="MUG-1")
    other = create(call_api, sku="MUG-2")

    response = call_api(
        "PUT", f"/products/{other['id']}", body={"version": 1, "sku": "MUG-1", "stock": 1}
    )

    assert response.status == 409
    assert call_api("GET", f"/products/{other['id']}").body == other


def test_changing_a_sku_moves_its_guard(call_api: ApiCall) -> None:
    product = create(call_api, sku="MUG-1")

    response = call_api("PUT", f"/products/{product['id']}", body={"version": 1, "sku": "MUG-9"})

    assert response.status == 200
    assert response.body["sku"] == "MUG-9"
    assert table_item("SKU#MUG-1", "SKU") is None
    assert table_item("SKU#MUG-9", "SKU") == {
        "pk": {"S": "SKU#MUG-9"},
        "sk": {"S": "SKU"},
        "productId": {"S": product["id"]},
    }
    assert call_api("POST", "/products", body=new_product(sku="MUG-1")).status == 201
    assert call_api("POST", "/products", body=new_product(sku="MUG-9")).status == 409


# --- read ----------------------------------------------------------------------------------


def test_an_unknown_product_is_404(call_api: ApiCall) -> None:
    response = call_api("GET", f"/products/{uuid.uuid4()}", user=CUSTOMER)

    assert response.status == 404
    assert response.body["error"] == "NotFound"


@pytest.mark.parametrize(
    "product_id", ["not-a-uuid", "1234", "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7"]
)
def test_a_malformed_id_is_400(call_api: ApiCall, product_id: str) -> None:
    for method in ("GET", "DELETE"):
        response = call_api(method, f"/products/{product_id}")
        assert response.status == 400
        assert response.body["fields"][0]["field"] == "path.id"


def test_pages_walk_the_catalog_newest_first(call_api: ApiCall) -> None:
    created = [create(call_api, name=f"Product {i}") for i in range(5)]

    pages: list[list[str]] = []
    token: str | None = None
    while True:
        query = {"limit": "2", **({"nextToken": token} if token else {})}
        response = call_api("GET", "/products", user=CUSTOMER, query=query)
        assert response.status == 200
        pages.append([p["id"] for p in response.body["items"]])
        token = response.body["nextToken"]
        if token is None:
            break

    assert [len(page) for page in pages] == [2, 2, 1]
    newest_first = sorted(created, key=lambda p: (p["createdAt"], p["id"]), reverse=True)
    assert [pid for page in pages for pid in page] == [p["id"] for p in newest_first]


def test_a_full_last_page_has_no_next_token(call_api: ApiCall) -> None:
    for _ in range(2):
        create(call_api)

    response = call_api("GET", "/products", query={"limit": "2"})

    assert len(response.body["items"]) == 2
    assert response.body["nextToken"] is None


def test_the_default_page_holds_20(call_api: ApiCall) -> None:
    for _ in range(21):
        create(call_api)

    response = call_api("GET", "/products")

    assert len(response.body["items"]) == 20
    assert response.body["nextToken"]


def test_an_empty_catalog(call_api: ApiCall) -> None:
    assert call_api("GET", "/products").body == {"items": [], "nextToken": None}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "query.limit"),
        ({"limit": "101"}, "query.limit"),
        ({"limit": "ten"}, "query.limit"),
        ({"nextToken": "not-a-token"}, "query.nextToken"),
        ({"nextToken": encode_token("PRODUCT#x")}, "query.nextToken"),
        ({"nextToken": encode_token("2025-01-01T00:00:00.000Z#x' OR 1=1")}, "query.nextToken"),
        ({"nextToken": "x" * 2000}, "query.nextToken"),
    ],
)
def test_bad_paging_parameters_are_400(
    call_api: ApiCall, query: dict[str, str], field: str
) -> None:
    create(call_api)

    response = call_api("GET", "/products", query=query)

    assert response.status == 400
    assert [f["field"] for f in response.body["fields"]] == [field]


def test_a_tampered_token_is_400(call_api: ApiCall) -> None:
    for _ in range(3):
        create(call_api)
    token = call_api("GET", "/products", query={"limit": "1"}).body["nextToken"]

    response = call_api("GET", "/products", query={"limit": "1", "nextToken": token[:-3] + "@@@"})

    assert response.status == 400


# --- update --------------------------------------------------------------------------------


def test_a_partial_update_keeps_the_other_fields(call_api: ApiCall) -> None:
    product = create(call_api)

    response = call_api(
        "PUT", f"/products/{product['id']}", body={"version": 1, "stock": 7, "name": "Red mug"}
    )

    assert response.status == 200
    updated = response.body
    assert (updated["stock"], updated["name"], updated["version"]) == (7, "Red mug", 2)
    assert (updated["sku"], updated["price"]) == (product["sku"], product["price"])
    assert updated["createdAt"] == product["createdAt"]
    assert updated["updatedAt"] >= product["updatedAt"]
    assert response.header("ETag") == '"2"'
    assert call_api("GET", f"/products/{product['id']}").body == updated


def test_a_full_update_is_accepted_too(call_api: ApiCall) -> None:
    product = create(call_api)
    body = {**new_product(), "version": 1}

    response = call_api("PUT", f"/products/{product['id']}", body=body)

    assert response.status == 200
    assert {k: response.body[k] for k in new_product()} == {k: body[k] for k in new_product()}


def test_a_stale_version_is_409(call_api: ApiCall) -> None:
    product = create(call_api)
    path = f"/products/{product['id']}"
    # Two admins read version 1; the first write wins.
    assert call_api("PUT", path, body={"version": 1, "stock": 1}).status == 200

    response = call_api("PUT", path, body={"version": 1, "stock": 2})

    assert response.status == 409
    assert response.body["error"] == "Conflict"
    assert call_api("GET", path).body["stock"] == 1


def test_the_version_can_come_from_if_match(call_api: ApiCall) -> None:
    product = create(call_api)
    path = f"/products/{product['id']}"

    ok = call_api("PUT", path, body={"stock": 1}, headers={"If-Match": '"1"'})
    weak = call_api("PUT", path, body={"stock": 2}, headers={"If-Match": 'W/"2"'})
    stale = call_api("PUT", path, body={"stock": 3}, headers={"If-Match": '"1"'})
    garbage = call_api("PUT", path, body={"stock": 3}, headers={"If-Match": "*"})

    assert (ok.status, weak.status, stale.status, garbage.status) == (200, 200, 409, 400)
    assert garbage.body["fields"][0]["field"] == "header.If-Match"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stock": 1}, "body.version"),
        ({"version": 0, "stock": 1}, "body.version"),
        ({"version": "1", "stock": 1}, "body.version"),
        ({"version": 1}, "body"),
        ({"version": 1, "name": None}, "body.name"),
        ({"version": 1, "stock": -3}, "body.stock"),
        ({"version": 1, "id": "other"}, "body.id"),
    ],
)
def test_invalid_updates_are_400(call_api: ApiCall, body: dict[str, Any], field: str) -> None:
    product = create(call_api)

    response = call_api("PUT", f"/products/{product['id']}", body=body)

    assert response.status == 400
    assert field in [f["field"] for f in response.body["fields"]]


def test_an_update_that_changes_nothing_keeps_the_version(call_api: ApiCall) -> None:
    product = create(call_api)

    response = call_api(
        "PUT", f"/products/{product['id']}", body={"version": 1, "stock": product["stock"]}
    )

    assert response.status == 200
    assert response.body == product


def test_updating_an_unknown_product_is_404(call_api: ApiCall) -> None:
    response = call_api("PUT", f"/products/{uuid.uuid4()}", body={"version": 1, "stock": 1})

    assert response.status == 404


def test_a_customer_cannot_update(call_api: ApiCall) -> None:
    product = create(call_api)

    response = call_api(
        "PUT", f"/products/{product['id']}", user=CUSTOMER, body={"version": 1, "stock": 0}
    )

    assert response.status == 403
    assert call_api("GET", f"/products/{product['id']}").body == product


# --- delete --------------------------------------------------------------------------------


def test_an_admin_deletes_a_product(call_api: ApiCall) -> None:
    product = create(call_api, sku="MUG-1")
    path = f"/products/{product['id']}"

    response = call_api("DELETE", path)

    assert response.status == 204
    assert response.body is None
    assert call_api("GET", path).status == 404
    assert call_api("DELETE", path).status == 404
    assert table_item("SKU#MUG-1", "SKU") is None


def test_a_customer_cannot_delete(call_api: ApiCall) -> None:
    product = create(call_api)

    assert call_api("DELETE", f"/products/{product['id']}", user=CUSTOMER).status == 403
    assert call_api("GET", f"/products/{product['id']}").status == 200


def test_unknown_routes_and_methods_are_json_404s(call_api: ApiCall) -> None:
    for method, path in [("GET", "/orders"), ("PATCH", f"/products/{uuid.uuid4()}")]:
        response = call_api(method, path, resource=path)
        assert response.status == 404
        assert response.body["error"] == "NotFound"


# --- search by name ------------------------------------------------------------------------


def search(call_api: ApiCall, q: str, **query: str) -> dict[str, Any]:
    response = call_api("GET", "/products", user=CUSTOMER, query={"q": q, **query})
    assert response.status == 200, response.body
    return dict(response.body)


@pytest.mark.parametrize("name", ["q", "limit"])
def test_a_query_parameter_sent_twice_is_a_400_naming_it(call_api: ApiCall, name: str) -> None:
    """``?q=a&q=b``: which one was meant is unknown, so it is refused, not half-read."""
    values = ["mug", "cup"] if name == "q" else ["5", "10"]

    response = call_api("GET", "/products", user=CUSTOMER, query={name: values})

    assert response.status == 400
    assert [error["field"] for error in response.body["fields"]] == [f"query.{name}"]


def test_search_finds_a_name_substring_ignoring_case_and_accents(call_api: ApiCall) -> None:
    cafe = create(call_api, name="Café  Crème mug")
    create(call_api, name="Teapot")
    tea = create(call_api, name="CHÁ verde")

    assert [p["id"] for p in search(call_api, "creme")["items"]] == [cafe["id"]]
    assert [p["id"] for p in search(call_api, "CAFÉ CR")["items"]] == [cafe["id"]]
    assert [p["id"] for p in search(call_api, "chá")["items"]] == [tea["id"]]
    assert [p["id"] for p in search(call_api, "M")["items"]] == [cafe["id"]]
    assert search(call_api, "espresso") == {"items": [], "nextToken": None}


def test_search_follows_a_rename_and_stores_the_normalized_name(call_api: ApiCall) -> None:
    product = create(call_api, name="Old Näme")
    assert table_item(f"PRODUCT#{product['id']}", "PRODUCT")["nameSearch"] == {"S": "old name"}  # type: ignore[index]

    renamed = call_api(
        "PUT", f"/products/{product['id']}", body={"version": 1, "name": "Brand new"}
    )
    assert renamed.status == 200

    assert search(call_api, "old")["items"] == []
    assert [p["name"] for p in search(call_api, "brand")["items"]] == ["Brand new"]
    stored = table_item(f"PRODUCT#{product['id']}", "PRODUCT")
    assert stored["nameSearch"] == {"S": "brand new"}  # type: ignore[index]


def test_search_results_are_paged_newest_first(call_api: ApiCall) -> None:
    matching = []
    for i in range(5):
        matching.append(create(call_api, name=f"Lamp {i}"))
        create(call_api, name=f"Chair {i}")

    pages, token = [], None
    while True:
        body = search(call_api, "lamp", limit="2", **({"nextToken": token} if token else {}))
        pages.append([p["name"] for p in body["items"]])
        token = body["nextToken"]
        if token is None:
            break

    assert pages == [["Lamp 4", "Lamp 3"], ["Lamp 2", "Lamp 1"], ["Lamp 0"]]


def test_a_search_that_runs_out_of_reads_returns_short_with_a_token(
    call_api: ApiCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    from products import repository

    monkeypatch.setattr(repository, "SEARCH_READ_SIZE", 2)
    monkeypatch.setattr(repository, "SEARCH_MAX_READS", 2)
    oldest = create(call_api, name="Rare lamp")
    for i in range(6):
        create(call_api, name=f"Chair {i}")

    first = search(call_api, "lamp")
    assert first["items"] == []
    assert first["nextToken"]
    found, token = [], first["nextToken"]
    while token:
        body = search(call_api, "lamp", nextToken=token)
        found += [p["id"] for p in body["items"]]
        token = body["nextToken"]
    assert found == [oldest["id"]]


@pytest.mark.parametrize("q", ["", "x" * 101, "   ", "\u0301\u0301"])
def test_a_bad_search_is_400_naming_q(call_api: ApiCall, q: str) -> None:
    response = call_api("GET", "/products", user=CUSTOMER, query={"q": q})

    assert response.status == 400
    assert [f["field"] for f in response.body["fields"]] == ["query.q"]
    assert response.body["error"] == "ValidationError"


# --- stock shards --------------------------------------------------------------------------


def test_stock_is_kept_in_shards_and_shown_as_their_total(
    call_api: ApiCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GET and the catalogue pages show the sum of the shards, also after a sale that
    changed only the shards; PUT of stock spreads the new total over them."""
    from products import api
    from products.stock import StockLine, Trigger
    from products.stock_repository import DynamoDBStockRepository
    from products.stock_service import StockService

    monkeypatch.setenv("STOCK_SHARDS", "3")
    api.service.cache_clear()
    product = create(call_api, stock=10)
    shards = [table_item(f"STOCK#{product['id']}#{n}", "STOCK") for n in range(3)]
    assert [item["stock"]["N"] for item in shards if item] == ["4", "3", "3"]
    client = boto3.client("dynamodb")
    stock = StockService(DynamoDBStockRepository("ecommerce-test-products", client))
    stock.reserve(str(uuid.uuid4()), [StockLine(product["id"], 4)], Trigger("e", "c"))

    answer = call_api("GET", f"/products/{product['id']}", user=CUSTOMER)
    fetched = answer.body
    listed = call_api("GET", "/products", user=CUSTOMER).body["items"]
    assert fetched["stock"] == 6
    assert fetched["version"] > 1  # the sale made the version read before it stale
    assert answer.headers["ETag"] == f'"{fetched["version"]}"'
    assert [(item["stock"], item["version"]) for item in listed if item["id"] == product["id"]] == [
        (6, fetched["version"])
    ]

    stale = call_api("PUT", f"/products/{product['id']}", body={"version": 1, "stock": 14})
    assert stale.status == 409, stale.body  # 10 read before the sale, + 4: the sale undone
    updated = call_api(
        "PUT", f"/products/{product['id']}", body={"version": fetched["version"], "stock": 8}
    )
    assert updated.status == 200, updated.body
    assert (updated.body["stock"], updated.body["version"]) == (8, fetched["version"] + 1)
    shards = [table_item(f"STOCK#{product['id']}#{n}", "STOCK") for n in range(3)]
    assert [item["stock"]["N"] for item in shards if item] == ["3", "3", "2"]
    api.service.cache_clear()
