"""The check that holds the REST functions' answers to docs/api/openapi.json
(``tests.unit.documented_responses``, applied to every API unit test by
``tests/unit/conftest.py``) sees each kind of drift, and the document types every 2xx."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest

from openapi.services import REST_SERVICES
from tests.unit.conftest import ApiCall
from tests.unit.documented_responses import UndocumentedResponse, check, document

PRODUCT = {
    "sku": "MUG-350",
    "name": "Blue mug 350 ml",
    "description": "Stoneware mug.",
    "price": {"amount": 1290, "currency": "EUR"},
    "stock": 40,
}
ETAG = {"ETag": '"1"'}


@pytest.fixture
def product(call_api: ApiCall) -> dict[str, Any]:
    """A product as ``GET /products/{id}`` answered it (the check let it through)."""
    created = call_api("POST", "/products", body=PRODUCT)
    assert created.status == 201, created.body
    fetched = call_api("GET", f"/products/{created.body['id']}")
    assert fetched.status == 200
    return dict(fetched.body)


def test_every_rest_function_answers_through_the_check() -> None:
    for service in REST_SERVICES:
        api = importlib.import_module(f"{service}.api")
        assert api.resolve.__name__ == "checked", service


def test_every_success_is_typed_in_the_document() -> None:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
            assert successes, f"{method.upper()} {path}"
            for status, response in successes.items():
                if status == "204":
                    assert response["content"] == {}
                    continue
                schema = response["content"]["application/json"]["schema"]
                assert set(schema) == {"$ref"}, f"{method.upper()} {path} {status}: {schema}"


def test_a_real_answer_matches(product: dict[str, Any]) -> None:
    check("GET", "/products/{id}", 200, ETAG, product)
    page = {"items": [product], "nextToken": None}
    check("GET", "/products", 200, {}, page)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p.update(colour="blue"), "'colour' was unexpected"),
        (lambda p: p.pop("stock"), "'stock' is a required property"),
        (lambda p: p.update(createdAt="yesterday"), "is not a 'date-time'"),
        (lambda p: p.update(id="42"), "is not a 'uuid'"),
        (lambda p: p["price"].update(amount="12.90"), "is not of type 'integer'"),
    ],
    ids=["extra field", "missing field", "not a timestamp", "not a uuid", "nested type"],
)
def test_an_answer_that_drifted_from_the_document_is_refused(
    product: dict[str, Any], change: Any, problem: str
) -> None:
    drifted = copy.deepcopy(product)
    change(drifted)
    with pytest.raises(UndocumentedResponse, match=problem):
        check("GET", "/products/{id}", 200, ETAG, drifted)


def test_an_undocumented_success_status_or_header_is_refused(product: dict[str, Any]) -> None:
    with pytest.raises(UndocumentedResponse, match="answered 202, which is not documented"):
        check("GET", "/products/{id}", 202, ETAG, product)
    with pytest.raises(UndocumentedResponse, match=r"lacks documented headers \['ETag'\]"):
        check("GET", "/products/{id}", 200, {}, product)
    with pytest.raises(UndocumentedResponse, match="documented without a body"):
        check("DELETE", "/products/{id}", 204, {}, product)


def test_a_documented_error_must_match_its_body() -> None:
    check("GET", "/orders/{id}", 404, {}, {"error": "NotFound", "message": "no such order"})
    with pytest.raises(UndocumentedResponse, match="'error' is a required property"):
        check("GET", "/orders/{id}", 404, {}, {"message": "no such order"})
