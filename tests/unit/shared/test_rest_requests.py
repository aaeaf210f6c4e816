"""REST requests are validated by validators generated from the routes' pydantic models
(shared.rest_requests, shared.rest_documentation, scripts/openapi/requests.py): they
cannot drift from the models, they judge bodies as the models do, and no function loads
pydantic to start."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from fastjsonschema import JsonSchemaValueException
from pydantic import BaseModel, ValidationError

from openapi import requests as generator
from openapi.services import REST_SERVICES
from shared.rest_documentation import (
    FORMATS,
    request_schema,
    strict_integer_paths,
    strip_paths,
)
from shared.rest_requests import FIELD_REQUIRED, _stripped, field_error, first_float

ROOT = Path(__file__).resolve().parents[3]


def test_the_generated_validators_are_those_of_the_current_routes_and_models() -> None:
    assert generator.main(["--check"]) == 0, "run `make generate`"


def test_a_fresh_generation_matches_the_generated_modules() -> None:
    files = generator.render()
    assert set(files) >= {"products_create_product.py", "orders_place_order.py"}
    for name, text in files.items():
        assert (generator.GENERATED / name).read_text() == text, name


# --- the generated validators judge bodies as the pydantic models do -------------------

PRODUCT = {
    "sku": "MUG-1",
    "name": "Blue mug",
    "description": "Stoneware.",
    "price": {"amount": 1290, "currency": "EUR"},
    "stock": 4,
}
ORDER = {
    "lines": [
        {"productId": str(uuid.uuid4()), "quantity": 2},
        {"productId": str(uuid.uuid4()).upper(), "quantity": 1},
    ],
    "shippingAddress": {
        "name": " Ana Lima ",
        "line1": "Rua A, 1",
        "postalCode": "01000-000",
        "city": "São Paulo",
        "country": "BR",
    },
}


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    node = changed
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


_DELETE = object()
PRODUCT_VARIANTS = [
    ((), None),
    (("stock",), 1.0),  # strict integers: 1.0 is not one
    (("stock",), True),
    (("stock",), -1),
    (("stock",), _DELETE),
    (("name",), "   "),  # stripped before its min_length
    (("name",), "  Mug  "),
    (("name",), "x" * 201),
    (("name",), " " + "x" * 200 + " "),  # 200 characters once stripped
    (("name",), None),
    (("sku",), "-bad"),
    (("price", "amount"), "12"),
    (("price", "amount"), 10_000_000_001),
    (("price", "currency"), "eur"),
    (("price", "extra"), 1),
    (("extra",), "field"),
    (("price",), _DELETE),
    (("description",), _DELETE),
]
UPDATE_VARIANTS = [
    ((), None),
    (("version",), None),
    (("version",), 0),
    (("version",), "3"),
    (("sku",), None),  # nulls are refused by the pydantic model's validator...
    (("stock",), 2.5),
]
ORDER_VARIANTS = [
    ((), None),
    (("lines",), []),
    (("lines",), [ORDER["lines"][0]] * 51),
    (("lines", 1, "quantity"), 0),
    (("lines", 1, "quantity"), 2.0),
    (("lines", 0, "productId"), "not-a-uuid"),
    (("lines", 0, "productId"), uuid.uuid4().hex),
    (("lines", 0, "productId"), "{" + str(uuid.uuid4()) + "}"),
    (("lines", 0, "productId"), 12),
    (("shippingAddress", "name"), " "),
    (("shippingAddress", "line2"), None),
    (("shippingAddress", "line2"), "  "),
    (("shippingAddress", "country"), "Brazil"),
    (("shippingAddress", "postalCode"), "-1"),
    (("shippingAddress", "city"), _DELETE),
    (("shippingAddress",), "Rua A"),
]


def _models() -> dict[str, tuple[type[BaseModel], Callable[..., Any]]]:
    from orders import api as orders_api
    from orders.models import OrderIn
    from products import api as products_api
    from products.models import ProductIn, ProductUpdate

    return {
        "ProductIn": (ProductIn, products_api.create_product),
        "ProductUpdate": (ProductUpdate, products_api.update_product),
        "OrderIn": (OrderIn, orders_api.place_order),
    }


def _generated_body_check(route: Callable[..., Any]) -> Callable[[Any], Any]:
    """The route's body validation as the function runs it, compiled from a fresh schema."""
    schema = request_schema(route)
    body_schema = {
        "$schema": schema["$schema"],
        **schema["properties"]["body"],
        "definitions": schema.get("definitions", {}),
    }
    validate = fastjsonschema.compile(body_schema, formats=FORMATS, use_default=True)
    strip, strict = strip_paths(route), strict_integer_paths(route)

    def check(body: Any) -> Any:
        validated = validate(_stripped(copy.deepcopy(body), strip))
        found = first_float(validated, strict)
        if found is not None:
            raise JsonSchemaValueException(f"{found} must be an integer (strict)")
        return validated

    return check


@pytest.mark.parametrize(
    ("model_name", "base", "variants"),
    [
        ("ProductIn", PRODUCT, PRODUCT_VARIANTS),
        ("ProductUpdate", {"version": 2, "name": "Mug"}, UPDATE_VARIANTS),
        ("OrderIn", ORDER, ORDER_VARIANTS),
    ],
)
def test_generated_validators_accept_and_refuse_what_the_models_do(
    model_name: str, base: dict[str, Any], variants: list[tuple[tuple[Any, ...], Any]]
) -> None:
    model, route = _models()[model_name]
    check = _generated_body_check(route)
    for path, value in variants:
        body = _set(base, path, value) if path else base
        try:
            model.model_validate(body)
            model_accepts = True
        except ValidationError:
            model_accepts = False
        try:
            check(body)
            generated_accepts = True
        except JsonSchemaValueException:
            generated_accepts = False
        if model_name == "ProductUpdate" and path and path[0] != "version" and value is None:
            # ...and by products.payloads.product_changes (a 400 naming the field), as the
            # JSON Schema of an optional field admits null.
            assert not model_accepts, (path, value)
            assert generated_accepts, (path, value)
            continue
        assert generated_accepts == model_accepts, (model_name, path, value)


def test_validated_bodies_carry_the_models_defaults_and_stripped_strings() -> None:
    model, route = _models()["ProductIn"]
    body = {k: v for k, v in PRODUCT.items() if k not in {"description", "stock"}}
    body["name"] = "  Mug  "

    validated = _generated_body_check(route)(body)

    assert validated == model.model_validate(body).model_dump()


def test_an_error_names_the_missing_field_like_pydantic_did() -> None:
    _, route = _models()["OrderIn"]
    body = _set(ORDER, ("shippingAddress", "city"), _DELETE)
    with pytest.raises(JsonSchemaValueException) as raised:
        _generated_body_check(route)(body)
    error = raised.value
    error.name = "data.body" + error.name.removeprefix("data")  # as inside the request
    assert field_error(error).field == "body.shippingAddress.city"
    assert field_error(error).message == FIELD_REQUIRED


# --- start-up ------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [f"{service}.api" for service in REST_SERVICES])
def test_a_rest_function_starts_without_pydantic(module: str) -> None:
    environment = {
        **os.environ,
        "AWS_LAMBDA_FUNCTION_NAME": "probe",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "PYTHONPATH": str(ROOT / "functions"),
    }
    probe = (
        f"import sys, json; import {module}; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
