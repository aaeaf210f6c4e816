"""shared.http on a throwaway API: error mapping and authorization before validation."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from shared.errors import Conflict, NotFound
from shared.http import (
    authorize,
    current_principal,
    field_path,
    register_error_handlers,
    resolve,
    rest_resolver,
)
from shared.rest_requests import Body, JsonObject
from tests.unit.helpers import (
    HttpResponse,
    cognito_claims,
    generate_request_validator,
    http_response,
    lambda_context,
    rest_event,
)

app = rest_resolver()
register_error_handlers(app)


class Thing(BaseModel):
    name: str = Field(min_length=1)
    size: int = Field(ge=0)


@app.post("/things", **authorize("admin"))
def create_thing(body: Annotated[JsonObject, Body(f"{__name__}:Thing")]) -> dict[str, Any]:
    return {"name": body["name"], "by": current_principal(app).user_id}


@app.get("/things/<name>", **authorize())
def get_thing(name: str) -> dict[str, Any]:
    if name == "missing":
        raise NotFound("no such thing")
    if name == "taken":
        raise Conflict("already taken")
    if name == "bug":
        raise KeyError("internal detail")
    return {"name": name, "groups": sorted(current_principal(app).groups)}


generate_request_validator(create_thing)


def call(
    method: str, path: str, groups: tuple[str, ...] | None = ("admin",), **request: Any
) -> HttpResponse:
    claims = cognito_claims(groups, user_id="u-1") if groups is not None else None
    event = rest_event(method, path, claims=claims, **request)
    return http_response(resolve(app, event, lambda_context()))


@pytest.mark.parametrize("body", [{"name": "", "size": -1}, {"unexpected": True}, None])
def test_a_customer_gets_403_whatever_the_body_holds(body: Any) -> None:
    response = call("POST", "/things", ("customer",), body=body)

    assert response.status == 403
    assert response.body["error"] == "Forbidden"


def test_a_customer_gets_403_even_for_a_body_that_is_not_json() -> None:
    assert call("POST", "/things", ("customer",), raw_body="{oops").status == 403


def test_no_token_gets_401_before_validation() -> None:
    response = call("POST", "/things", None, body={"name": ""})

    assert response.status == 401
    assert response.body == {"error": "Unauthorized", "message": "authentication required"}


def test_an_admin_with_an_invalid_body_gets_400_naming_the_fields() -> None:
    response = call("POST", "/things", body={"name": "", "size": -1})

    assert response.status == 400
    assert response.body["error"] == "ValidationError"
    # The generated validators stop at the first offending field.
    assert [f["field"] for f in response.body["fields"]] == ["body.name"]
    assert "body.name" in response.body["message"]


def test_an_admin_with_a_valid_body_reaches_the_route_with_the_principal() -> None:
    response = call("POST", "/things", body={"name": "box", "size": 3})

    assert response.status == 200
    assert response.body == {"name": "box", "by": "u-1"}


def test_any_signed_in_user_may_use_a_route_without_groups() -> None:
    assert call("GET", "/things/box", ()).body == {"name": "box", "groups": []}
    assert call("GET", "/things/box", None).status == 401


@pytest.mark.parametrize(
    ("name", "status", "error"),
    [("missing", 404, "NotFound"), ("taken", 409, "Conflict"), ("bug", 500, "InternalError")],
)
def test_errors_become_json_responses(name: str, status: int, error: str) -> None:
    response = call("GET", f"/things/{name}")

    assert response.status == status
    assert response.header("Content-Type") == "application/json"
    assert response.body["error"] == error
    assert "internal detail" not in response.body["message"]


def test_an_unknown_route_is_a_json_404() -> None:
    response = call("GET", "/nowhere")

    assert response.status == 404
    assert response.body["error"] == "NotFound"


def test_an_unsupported_content_type_is_415() -> None:
    response = call("POST", "/things", raw_body="name=x", headers={"Content-Type": "text/csv"})

    assert response.status == 415


def test_the_correlation_id_is_taken_from_the_request_and_echoed() -> None:
    echoed = call("GET", "/things/box", headers={"X-Correlation-Id": "flow-42"})
    lowercase = call("GET", "/things/box", headers={"x-correlation-id": "flow-43"})
    generated = call("GET", "/things/box", request_id="req-7")
    unsafe = call("GET", "/things/box", headers={"X-Correlation-Id": "bad id\n"}, request_id="r-8")

    assert echoed.header("X-Correlation-Id") == "flow-42"
    assert lowercase.header("X-Correlation-Id") == "flow-43"
    assert generated.header("X-Correlation-Id") == "req-7"
    assert unsafe.header("X-Correlation-Id") == "r-8"


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "price", "amount"), "body.price.amount"),
        (("body", "lines", 1, "productId"), "body.lines[1].productId"),
        (("query", "limit"), "query.limit"),
        ((), ""),
    ],
)
def test_field_paths_name_list_items_by_index(location: tuple[Any, ...], path: str) -> None:
    assert field_path(location) == path


@pytest.mark.parametrize("body", ["[" * 50_000, '{"name": ' + "[" * 50_000])
def test_a_body_nested_too_deeply_is_a_400_naming_it(body: str) -> None:
    response = call("POST", "/things", raw_body=body)

    assert response.status == 400
    assert response.body["fields"] == [
        {"field": "body", "message": "the body is nested too deeply"}
    ]
