from __future__ import annotations

import pytest

from shared.auth import Principal, parse_groups, principal_from_event
from shared.errors import Forbidden, Unauthorized
from tests.unit.helpers import cognito_claims, rest_event


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("admin", {"admin"}),  # API Gateway REST, one group
        ("admin,customer", {"admin", "customer"}),  # API Gateway REST, several
        (["admin", "customer"], {"admin", "customer"}),  # the token's own list
        ("", set()),
        ([], set()),
        (None, set()),
        (42, set()),
    ],
)
def test_parses_cognito_groups_as_the_token_and_api_gateway_rest_carry_them(
    raw: object, expected: set[str]
) -> None:
    assert parse_groups(raw) == expected


@pytest.mark.parametrize("raw", ["[admin customer]", "[admin]", '["admin","customer"]'])
def test_other_front_doors_group_formats_grant_no_group(raw: str) -> None:
    """An HTTP API's "[a b]" or a JSON text is not what this REST API receives: never admin."""
    assert "admin" not in parse_groups(raw)
    assert "customer" not in parse_groups(raw)


def test_the_unit_test_claims_carry_groups_as_api_gateway_rest_does() -> None:
    assert cognito_claims(("admin", "customer"))["cognito:groups"] == "admin,customer"
    assert cognito_claims(("customer",))["cognito:groups"] == "customer"


def test_principal_from_api_gateway_cognito_claims() -> None:
    claims = cognito_claims(("admin", "customer"), user_id="u-1", email="a@example.com")

    principal = principal_from_event(rest_event("GET", "/products", claims=claims))

    assert principal == Principal(
        "u-1", "a@example.com", frozenset({"admin", "customer"}), email_verified=True
    )
    assert principal.is_admin


def test_a_customer_is_not_an_admin() -> None:
    principal = Principal.from_claims(cognito_claims(("customer",)))

    assert not principal.is_admin
    principal.require_any_group({"customer", "admin"})
    with pytest.raises(Forbidden):
        principal.require_any_group({"admin"})


def test_a_user_without_groups_passes_only_group_free_checks() -> None:
    principal = Principal.from_claims(cognito_claims(None))

    assert principal.groups == frozenset()
    principal.require_any_group(())
    with pytest.raises(Forbidden):
        principal.require_any_group({"customer"})


@pytest.mark.parametrize(
    "request_context_authorizer",
    [None, {}, {"claims": {}}, {"claims": None}, {"claims": "not json"}],
)
def test_no_claims_is_unauthorized(request_context_authorizer: object) -> None:
    event = rest_event("GET", "/products")
    if request_context_authorizer is not None:
        event["requestContext"]["authorizer"] = request_context_authorizer

    with pytest.raises(Unauthorized):
        principal_from_event(event)


def test_claims_without_subject_are_unauthorized() -> None:
    claims = cognito_claims(("admin",))
    del claims["sub"]

    with pytest.raises(Unauthorized):
        principal_from_event(rest_event("GET", "/products", claims=claims))


def test_claims_forwarded_as_a_json_string_are_accepted() -> None:
    event = rest_event("GET", "/products")
    event["requestContext"]["authorizer"] = {"claims": '{"sub": "u-2", "cognito:groups": "admin"}'}

    assert principal_from_event(event) == Principal("u-2", None, frozenset({"admin"}))


@pytest.mark.parametrize(
    ("raw", "verified"),
    [
        ("true", True),
        ("True", True),
        (True, True),
        ("false", False),
        (False, False),
        (None, False),
        ("", False),
        ("yes", False),
        (1, False),
    ],
)
def test_email_verified_is_read_as_api_gateway_forwards_it(raw: object, verified: bool) -> None:
    claims: dict[str, object] = {"sub": "u-3", "email": "c@example.com"}
    if raw is not None:
        claims["email_verified"] = raw

    principal = Principal.from_claims(claims)

    assert principal.email_verified is verified
    if verified:
        principal.require_verified_email()
    else:
        with pytest.raises(Forbidden, match="verify your e-mail address"):
            principal.require_verified_email()


def test_a_verified_claim_without_an_address_is_not_a_verified_email() -> None:
    with pytest.raises(Forbidden):
        Principal.from_claims({"sub": "u-4", "email_verified": "true"}).require_verified_email()
