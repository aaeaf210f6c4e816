"""Cognito in the emulator as a person meets it (localcloud.cognito_emulation): sign-up
refused on admin-only pools, codes e-mailed and checked, triggers run through the runtime's
Invoke API (localcloud.lambda_invoke_api) with Cognito's event."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from localcloud.emulator import MotoServer
from localcloud.invocation import InvocationResult
from localcloud.lambda_invoke_api import LambdaInvokeApi, set_emulator_lambda_endpoint

PASSWORD = "Local-Passw0rd!"
TRIGGER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:shop-local-identity-post-confirmation"

pytestmark = pytest.mark.usefixtures("aws_env")


class RecordingInvoker:
    """Stands in for the local runtime: records events, answers what the test says."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answer: Callable[[dict[str, Any]], InvocationResult] = lambda event: InvocationResult(
            payload=event, error=None, duration_ms=1.0
        )

    def invoke(
        self,
        function_name: str,
        event: dict[str, Any],
        trace_header: str | None = None,  # noqa: ARG002
    ) -> InvocationResult:
        self.calls.append((function_name, event))
        return self.answer(event)


@pytest.fixture
def runtime(moto_server: MotoServer) -> Iterator[RecordingInvoker]:
    invoker = RecordingInvoker()
    api = LambdaInvokeApi(invoker).start()
    api.register_with(moto_server.endpoint_url)
    yield invoker
    set_emulator_lambda_endpoint(moto_server.endpoint_url, None)
    api.stop()


def make_pool(*, admin_only: bool = False, trigger: str | None = None) -> tuple[str, str]:
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(
        PoolName=f"users-{uuid.uuid4().hex[:6]}",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": admin_only},
        **({"LambdaConfig": {"PostConfirmation": trigger}} if trigger else {}),
    )["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool,
        ClientName="console",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool, client


def new_address() -> str:
    return f"p-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(client: str, email: str) -> dict[str, Any]:
    return dict(
        boto3.client("cognito-idp").sign_up(
            ClientId=client,
            Username=email,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "name", "Value": "Ana"}],
        )
    )


def code_emails(moto_server: MotoServer, address: str) -> list[dict[str, Any]]:
    dump = requests.get(
        f"{moto_server.endpoint_url}/moto-api/data.json", params={"service": "ses"}, timeout=10
    )
    dump.raise_for_status()
    messages = dump.json().get("ses", {}).get("Message", [])
    return [m for m in messages if address in m["destinations"].get("ToAddresses", [])]


def latest_code(moto_server: MotoServer, address: str) -> str:
    emails = code_emails(moto_server, address)
    assert emails, f"no code e-mail to {address}"
    found = re.search(r"\b(\d{6})\b", emails[-1]["body"])
    assert found, emails[-1]["body"]
    return found.group(1)


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = raised.value.response["Error"]
    return error["Code"], error["Message"]


def attributes_of(pool: str, email: str) -> dict[str, str]:
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username=email)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# --- SignUp on a pool that allows admin-created users only -----------------------------------


def test_sign_up_is_refused_where_only_admins_create_users() -> None:
    _pool, client = make_pool(admin_only=True)

    with pytest.raises(ClientError) as raised:
        sign_up(client, new_address())

    assert error_of(raised) == (
        "NotAuthorizedException",
        "SignUp is not permitted for this user pool",
    )


# --- codes ----------------------------------------------------------------------------------


def test_sign_up_mails_a_code_that_confirms_the_account_and_verifies_the_email(
    moto_server: MotoServer,
) -> None:
    pool, client = make_pool()
    email = new_address()

    signed_up = sign_up(client, email)
    [mail] = code_emails(moto_server, email)
    code = latest_code(moto_server, email)
    boto3.client("cognito-idp").confirm_sign_up(
        ClientId=client, Username=email, ConfirmationCode=code
    )

    assert signed_up["UserConfirmed"] is False
    assert signed_up["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert (mail["source"], mail["subject"]) == (
        "no-reply@verificationemail.com",
        "Your verification code",
    )
    assert mail["body"] == f"Your verification code is {code}."
    assert attributes_of(pool, email)["email_verified"] == "true"
    tokens = boto3.client("cognito-idp").initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )
    assert tokens["AuthenticationResult"]["IdToken"]


def test_a_wrong_code_is_a_mismatch_and_leaves_the_account_unconfirmed(
    moto_server: MotoServer,
) -> None:
    pool, client = make_pool()
    email = new_address()
    sign_up(client, email)
    code = latest_code(moto_server, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").confirm_sign_up(
            ClientId=client, Username=email, ConfirmationCode=wrong
        )

    assert error_of(raised) == (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username=email)
    assert user["UserStatus"] == "UNCONFIRMED"


def test_a_resent_code_replaces_the_first_one(moto_server: MotoServer) -> None:
    _pool, client = make_pool()
    email = new_address()
    sign_up(client, email)
    first = latest_code(moto_server, email)
    cognito = boto3.client("cognito-idp")

    resent = cognito.resend_confirmation_code(ClientId=client, Username=email)
    second = latest_code(moto_server, email)

    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(code_emails(moto_server, email)) == 2
    if first != second:
        with pytest.raises(ClientError, match="CodeMismatchException"):
            cognito.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=first)
    cognito.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=second)
    with pytest.raises(ClientError) as raised:
        cognito.resend_confirmation_code(ClientId=client, Username=email)
    assert error_of(raised) == ("InvalidParameterException", "User is already confirmed.")


def test_a_confirmed_account_cannot_be_confirmed_again(moto_server: MotoServer) -> None:
    _pool, client = make_pool()
    email = new_address()
    sign_up(client, email)
    code = latest_code(moto_server, email)
    cognito = boto3.client("cognito-idp")
    cognito.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=code)

    with pytest.raises(ClientError) as raised:
        cognito.confirm_sign_up(ClientId=client, Username=email, ConfirmationCode=code)

    assert error_of(raised) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )


def test_a_forgotten_password_is_reset_with_the_mailed_code_only(moto_server: MotoServer) -> None:
    _pool, client = make_pool()
    email = new_address()
    sign_up(client, email)
    cognito = boto3.client("cognito-idp")
    cognito.confirm_sign_up(
        ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
    )

    with pytest.raises(ClientError) as never_asked:
        cognito.confirm_forgot_password(
            ClientId=client, Username=email, ConfirmationCode="123456", Password="New-Passw0rd!"
        )
    cognito.forgot_password(ClientId=client, Username=email)
    code = latest_code(moto_server, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ClientError) as mismatch:
        cognito.confirm_forgot_password(
            ClientId=client, Username=email, ConfirmationCode=wrong, Password="New-Passw0rd!"
        )
    cognito.confirm_forgot_password(
        ClientId=client, Username=email, ConfirmationCode=code, Password="New-Passw0rd!"
    )

    assert error_of(never_asked)[0] == "ExpiredCodeException"
    assert error_of(mismatch)[0] == "CodeMismatchException"
    signed_in = cognito.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "New-Passw0rd!"},
    )
    assert signed_in["AuthenticationResult"]["IdToken"]


# --- triggers -------------------------------------------------------------------------------


def test_confirm_sign_up_runs_the_post_confirmation_trigger_with_cognitos_event(
    moto_server: MotoServer, runtime: RecordingInvoker
) -> None:
    pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sub = sign_up(client, email)["UserSub"]

    boto3.client("cognito-idp").confirm_sign_up(
        ClientId=client,
        Username=email,
        ConfirmationCode=latest_code(moto_server, email),
        ClientMetadata={"origin": "console"},
    )

    [(function, event)] = runtime.calls
    assert function == TRIGGER_ARN
    assert event == {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool,
        "userName": sub,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client},
        "triggerSource": "PostConfirmation_ConfirmSignUp",
        "request": {
            "userAttributes": {
                "sub": sub,
                "email": email,
                "name": "Ana",
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
            },
            "clientMetadata": {"origin": "console"},
        },
        "response": {},
    }


def test_a_password_reset_runs_the_trigger_as_confirm_forgot_password(
    moto_server: MotoServer, runtime: RecordingInvoker
) -> None:
    _pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)
    cognito = boto3.client("cognito-idp")
    cognito.confirm_sign_up(
        ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
    )
    cognito.forgot_password(ClientId=client, Username=email)

    cognito.confirm_forgot_password(
        ClientId=client,
        Username=email,
        ConfirmationCode=latest_code(moto_server, email),
        Password="New-Passw0rd!",
    )

    assert [event["triggerSource"] for _, event in runtime.calls] == [
        "PostConfirmation_ConfirmSignUp",
        "PostConfirmation_ConfirmForgotPassword",
    ]


def test_admin_confirm_sign_up_runs_the_trigger_too(runtime: RecordingInvoker) -> None:
    pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)

    boto3.client("cognito-idp").admin_confirm_sign_up(UserPoolId=pool, Username=email)

    [(_, event)] = runtime.calls
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["userPoolId"] == pool


def test_a_failing_trigger_fails_the_call_but_the_account_stays_confirmed(
    moto_server: MotoServer, runtime: RecordingInvoker
) -> None:
    pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)
    runtime.answer = lambda _event: InvocationResult(
        payload=None,
        error={"errorType": "RuntimeError", "errorMessage": "group customer is missing"},
        duration_ms=1.0,
    )

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").confirm_sign_up(
            ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
        )

    assert error_of(raised) == (
        "UserLambdaValidationException",
        "PostConfirmation failed with error group customer is missing.",
    )
    user = boto3.client("cognito-idp").admin_get_user(UserPoolId=pool, Username=email)
    assert user["UserStatus"] == "CONFIRMED"


def test_a_trigger_returning_no_event_is_an_invalid_lambda_response(
    moto_server: MotoServer, runtime: RecordingInvoker
) -> None:
    _pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)
    runtime.answer = lambda _event: InvocationResult(payload=None, error=None, duration_ms=1.0)

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").confirm_sign_up(
            ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
        )

    assert error_of(raised) == (
        "InvalidLambdaResponseException",
        "Invalid lambda function output : Invalid JSON",
    )


@pytest.mark.parametrize(
    "error",
    [
        {"errorType": "ResourceNotFoundException", "errorMessage": "Function not found"},
        {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 5.00 seconds"},
    ],
)
def test_a_trigger_that_cannot_run_is_an_unexpected_lambda_exception(
    moto_server: MotoServer, runtime: RecordingInvoker, error: dict[str, str]
) -> None:
    _pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)
    runtime.answer = lambda _event: InvocationResult(payload=None, error=error, duration_ms=1.0)

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").confirm_sign_up(
            ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
        )

    assert error_of(raised)[0] == "UnexpectedLambdaException"
    assert error_of(raised)[1].startswith("PostConfirmation invocation failed due to error")


def test_without_a_registered_runtime_the_trigger_cannot_run(moto_server: MotoServer) -> None:
    _pool, client = make_pool(trigger=TRIGGER_ARN)
    email = new_address()
    sign_up(client, email)

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").confirm_sign_up(
            ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
        )

    assert error_of(raised)[0] == "UnexpectedLambdaException"


def test_a_pool_without_triggers_invokes_nothing(
    moto_server: MotoServer, runtime: RecordingInvoker
) -> None:
    _pool, client = make_pool()
    email = new_address()
    sign_up(client, email)

    boto3.client("cognito-idp").confirm_sign_up(
        ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
    )

    assert runtime.calls == []


# --- what a client may send at sign-up ------------------------------------------------------


def make_strict_pool() -> str:
    """A pool like ours: `name` required, the client writing profile attributes only."""
    cognito = boto3.client("cognito-idp")
    pool = cognito.create_user_pool(
        PoolName=f"strict-{uuid.uuid4().hex[:6]}",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
        ],
    )["UserPool"]["Id"]
    return str(
        cognito.create_user_pool_client(
            UserPoolId=pool,
            ClientName="console",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            ReadAttributes=["email", "email_verified", "name"],
            WriteAttributes=["email", "name"],
        )["UserPoolClient"]["ClientId"]
    )


def test_a_client_cannot_sign_up_with_a_verified_email_of_its_own_making() -> None:
    client = make_strict_pool()
    email = new_address()

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").sign_up(
            ClientId=client,
            Username=email,
            Password=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "name", "Value": "Eve"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )

    assert error_of(raised) == (
        "NotAuthorizedException",
        "A client attempted to write unauthorized attribute",
    )


def test_sign_up_without_a_required_attribute_is_refused() -> None:
    client = make_strict_pool()
    email = new_address()

    with pytest.raises(ClientError) as raised:
        boto3.client("cognito-idp").sign_up(
            ClientId=client,
            Username=email,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}],
        )

    code, message = error_of(raised)
    assert code == "InvalidParameterException"
    assert message.startswith("Attributes did not conform to the schema: name: ")


def test_sign_up_with_the_written_attributes_only_succeeds(moto_server: MotoServer) -> None:
    client = make_strict_pool()
    email = new_address()

    signed_up = sign_up(client, email)

    assert signed_up["UserConfirmed"] is False
    assert latest_code(moto_server, email)


def test_a_revoked_refresh_token_no_longer_signs_in(moto_server: MotoServer) -> None:
    _pool, client = make_pool()
    email = new_address()
    sign_up(client, email)
    cognito = boto3.client("cognito-idp")
    cognito.confirm_sign_up(
        ClientId=client, Username=email, ConfirmationCode=latest_code(moto_server, email)
    )
    refresh = cognito.initiate_auth(
        ClientId=client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["RefreshToken"]

    cognito.revoke_token(Token=refresh, ClientId=client)

    with pytest.raises(ClientError) as raised:
        cognito.initiate_auth(
            ClientId=client,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh},
        )
    assert error_of(raised)[0] == "NotAuthorizedException"
