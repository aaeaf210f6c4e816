"""The post-confirmation trigger against moto's Cognito: a confirmed sign-up joins
`customer`, a password reset changes nothing, every invocation returns the event."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from identity import post_confirmation
from identity.membership import CONFIRM_FORGOT_PASSWORD, CONFIRM_SIGN_UP, UnexpectedTrigger

from tests.unit.helpers import lambda_context

pytestmark = pytest.mark.usefixtures("mocked_aws")


@pytest.fixture
def pool() -> dict[str, str]:
    cognito = boto3.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="users", UsernameAttributes=["email"])["UserPool"][
        "Id"
    ]
    for group in ("admin", "customer"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    user = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username="ana@example.com",
        UserAttributes=[{"Name": "email", "Value": "ana@example.com"}],
        MessageAction="SUPPRESS",
    )["User"]
    return {"pool_id": pool_id, "username": user["Username"]}


def confirmation_event(pool: dict[str, str], trigger_source: str) -> dict[str, Any]:
    """The event Cognito sends (AWS's documentation of the post-confirmation trigger)."""
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool["pool_id"],
        "userName": pool["username"],
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client123"},
        "triggerSource": trigger_source,
        "request": {
            "userAttributes": {
                "sub": "2f4b7c3e-0000-4000-8000-000000000001",
                "email": "ana@example.com",
                "email_verified": "true",
                "name": "Ana",
                "cognito:user_status": "CONFIRMED",
            }
        },
        "response": {},
    }


def groups_of(pool: dict[str, str]) -> list[str]:
    listed = boto3.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=pool["pool_id"], Username=pool["username"]
    )
    return sorted(group["GroupName"] for group in listed["Groups"])


def test_a_confirmed_sign_up_joins_customer_and_gets_its_event_back(pool: dict[str, str]) -> None:
    event = confirmation_event(pool, CONFIRM_SIGN_UP)

    returned = post_confirmation.handler(copy.deepcopy(event), lambda_context())

    assert returned == event
    assert groups_of(pool) == ["customer"]


def test_a_repeated_confirmation_leaves_one_membership(pool: dict[str, str]) -> None:
    event = confirmation_event(pool, CONFIRM_SIGN_UP)

    post_confirmation.handler(copy.deepcopy(event), lambda_context())
    returned = post_confirmation.handler(copy.deepcopy(event), lambda_context())

    assert returned == event
    assert groups_of(pool) == ["customer"]


def test_a_password_reset_never_makes_an_admin_a_customer(pool: dict[str, str]) -> None:
    boto3.client("cognito-idp").admin_add_user_to_group(
        UserPoolId=pool["pool_id"], Username=pool["username"], GroupName="admin"
    )
    event = confirmation_event(pool, CONFIRM_FORGOT_PASSWORD)

    returned = post_confirmation.handler(copy.deepcopy(event), lambda_context())

    assert returned == event
    assert groups_of(pool) == ["admin"]


def test_a_password_reset_of_a_user_in_no_group_adds_none(pool: dict[str, str]) -> None:
    event = confirmation_event(pool, CONFIRM_FORGOT_PASSWORD)

    assert post_confirmation.handler(copy.deepcopy(event), lambda_context()) == event
    assert groups_of(pool) == []


def test_another_trigger_source_is_refused(pool: dict[str, str]) -> None:
    event = confirmation_event(pool, "PreSignUp_SignUp")

    with pytest.raises(UnexpectedTrigger):
        post_confirmation.handler(event, lambda_context())
    assert groups_of(pool) == []


def test_the_group_comes_from_the_environment(
    pool: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("cognito-idp").create_group(UserPoolId=pool["pool_id"], GroupName="shoppers")
    monkeypatch.setenv("CUSTOMER_GROUP", "shoppers")

    post_confirmation.handler(confirmation_event(pool, CONFIRM_SIGN_UP), lambda_context())

    assert groups_of(pool) == ["shoppers"]


def test_a_missing_group_fails_the_confirmation_loudly(pool: dict[str, str]) -> None:
    boto3.client("cognito-idp").delete_group(UserPoolId=pool["pool_id"], GroupName="customer")

    with pytest.raises(boto3.client("cognito-idp").exceptions.ResourceNotFoundException):
        post_confirmation.handler(confirmation_event(pool, CONFIRM_SIGN_UP), lambda_context())
