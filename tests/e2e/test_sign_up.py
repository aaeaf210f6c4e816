"""A customer registers through Cognito's public API and orders: sign up, the code from the
mailbox, confirm, sign in; the post-confirmation trigger has put them in `customer`, so
their first `POST /orders` works. The wrong turns get Cognito's and the API's errors."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.conftest import PASSWORD, Api, User, create_staff_user
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import sent_emails, verification_code
from tests.e2e.saga import ADDRESS, create_product, place_order

pytestmark = pytest.mark.e2e


def claims_of(id_token: str) -> dict[str, Any]:
    payload = id_token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def groups_in(claims: dict[str, Any]) -> list[str]:
    groups = claims.get("cognito:groups") or []
    return [groups] if isinstance(groups, str) else list(groups)


def error_code(raised: pytest.ExceptionInfo[ClientError]) -> str:
    return str(raised.value.response["Error"]["Code"])


def sign_in(endpoints: Endpoints, cognito: Any, username: str, password: str) -> str:
    result = cognito.initiate_auth(
        ClientId=endpoints.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


@pytest.fixture
def cognito(aws: Callable[[str], Any]) -> Any:
    return aws("cognito-idp")


@pytest.fixture
def mailbox(endpoints: Endpoints) -> None:
    if sent_emails(endpoints) is None:
        pytest.skip("the target keeps no mailbox to read the code from")


def new_address() -> str:
    return f"signup-{uuid.uuid4().hex[:12]}@example.com"


@pytest.mark.usefixtures("mailbox")
def test_a_new_customer_signs_up_confirms_with_the_mailed_code_and_orders(
    endpoints: Endpoints, cognito: Any, api: Api, admin: User
) -> None:
    email = new_address()
    signed_up = cognito.sign_up(
        ClientId=endpoints.user_pool_client_id,
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": "Ana Lima"}],
    )
    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    with pytest.raises(ClientError) as not_yet:
        sign_in(endpoints, cognito, email, PASSWORD)
    assert error_code(not_yet) == "UserNotConfirmedException"

    code = verification_code(endpoints, email)
    assert code is not None
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as mismatch:
        cognito.confirm_sign_up(
            ClientId=endpoints.user_pool_client_id, Username=email, ConfirmationCode=wrong
        )
    assert error_code(mismatch) == "CodeMismatchException"

    cognito.confirm_sign_up(
        ClientId=endpoints.user_pool_client_id, Username=email, ConfirmationCode=code
    )
    token = sign_in(endpoints, cognito, email, PASSWORD)
    claims = claims_of(token)

    assert groups_in(claims) == ["customer"]
    assert str(claims["email_verified"]).lower() == "true"
    assert claims["name"] == "Ana Lima"
    customer = User(username=email, groups=("customer",), id_token=token)
    product = create_product(api, admin, stock=5)
    order = place_order(api, customer, [(product["id"], 1)])
    assert (order["status"], order["customerEmail"]) == ("PENDING", email)


def test_sign_up_with_a_taken_address_is_refused(
    endpoints: Endpoints, cognito: Any, customer: User
) -> None:
    with pytest.raises(ClientError) as raised:
        cognito.sign_up(
            ClientId=endpoints.user_pool_client_id,
            Username=customer.username,
            Password=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": customer.username},
                {"Name": "name", "Value": "Someone Else"},
            ],
        )

    assert error_code(raised) == "UsernameExistsException"


@pytest.mark.parametrize(("name", "value"), [("email_verified", "true"), ("custom:role", "admin")])
def test_sign_up_cannot_write_what_authorization_reads(
    endpoints: Endpoints, cognito: Any, name: str, value: str
) -> None:
    email = new_address()

    with pytest.raises(ClientError) as raised:
        cognito.sign_up(
            ClientId=endpoints.user_pool_client_id,
            Username=email,
            Password=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "name", "Value": "Eve"},
                {"Name": name, "Value": value},
            ],
        )

    assert error_code(raised) in {"NotAuthorizedException", "InvalidParameterException"}


def test_an_unverified_address_cannot_order(
    endpoints: Endpoints, cognito: Any, api: Api, admin: User
) -> None:
    email = new_address()
    cognito.admin_create_user(
        UserPoolId=endpoints.user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "false"},
            {"Name": "name", "Value": "Unverified"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=endpoints.user_pool_id, Username=email, Password=PASSWORD, Permanent=True
    )
    cognito.admin_add_user_to_group(
        UserPoolId=endpoints.user_pool_id, Username=email, GroupName="customer"
    )
    unverified = User(email, ("customer",), sign_in(endpoints, cognito, email, PASSWORD))
    product = create_product(api, admin, stock=5)

    response = api.request(
        "POST",
        "/orders",
        unverified,
        json={"lines": [{"productId": product["id"], "quantity": 1}], "shippingAddress": ADDRESS},
    )

    assert response.status_code == 403, response.text
    assert response.json()["error"] == "Forbidden"
    assert "verify your e-mail address" in response.json()["message"]


@pytest.mark.usefixtures("mailbox")
def test_an_admin_resetting_a_password_does_not_become_a_customer(
    endpoints: Endpoints, cognito: Any
) -> None:
    email = new_address()
    create_staff_user(endpoints, cognito, email, PASSWORD, ("admin",))

    cognito.forgot_password(ClientId=endpoints.user_pool_client_id, Username=email)
    code = verification_code(endpoints, email)
    cognito.confirm_forgot_password(
        ClientId=endpoints.user_pool_client_id,
        Username=email,
        ConfirmationCode=code,
        Password="Reset-Passw0rd!",
    )

    claims = claims_of(sign_in(endpoints, cognito, email, "Reset-Passw0rd!"))
    assert groups_in(claims) == ["admin"]
