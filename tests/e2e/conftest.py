"""End-to-end fixtures: they reach the system only through its public interfaces
(HTTP, Cognito, SNS/SQS APIs), so the suite runs against TARGET=local, localstack or aws."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests

from tests.e2e.endpoints import Endpoints, load
from tests.e2e.mailbox import verification_code

pytestmark = pytest.mark.e2e
PASSWORD = "E2e-Passw0rd!"


@pytest.fixture(scope="session")
def endpoints() -> Endpoints:
    target = os.environ.get("TARGET", "local")
    loaded = load(target)
    if loaded.aws_endpoint_url:  # an emulator: any credentials will do
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    return loaded


@pytest.fixture(scope="session")
def aws(endpoints: Endpoints) -> Callable[[str], Any]:
    """A boto3 client factory for the target."""
    return lambda service: boto3.client(service, **endpoints.client_kwargs())


@dataclass(frozen=True)
class User:
    username: str
    groups: tuple[str, ...]
    id_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.id_token}


def sign_up_customer(endpoints: Endpoints, cognito: Any, username: str, password: str) -> None:
    """A customer registers as a person does: SignUp, the code from the mailbox, ConfirmSignUp;
    the pool's post-confirmation trigger puts them in `customer`. Where the target keeps no
    mailbox (AWS), an operator confirms the account and its address instead."""
    cognito.sign_up(
        ClientId=endpoints.user_pool_client_id,
        Username=username,
        Password=password,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "name", "Value": "E2E Customer"},
        ],
    )
    code = verification_code(endpoints, username)
    if code is not None:
        cognito.confirm_sign_up(
            ClientId=endpoints.user_pool_client_id, Username=username, ConfirmationCode=code
        )
        return
    cognito.admin_update_user_attributes(
        UserPoolId=endpoints.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    cognito.admin_confirm_sign_up(UserPoolId=endpoints.user_pool_id, Username=username)


def create_staff_user(
    endpoints: Endpoints, cognito: Any, username: str, password: str, groups: tuple[str, ...]
) -> None:
    """Anyone but a self-registered customer is created by an admin (AdminCreateUser)."""
    cognito.admin_create_user(
        UserPoolId=endpoints.user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": "E2E Staff"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=endpoints.user_pool_id, Username=username, Password=password, Permanent=True
    )
    for group in groups:
        cognito.admin_add_user_to_group(
            UserPoolId=endpoints.user_pool_id, Username=username, GroupName=group
        )


@pytest.fixture(scope="session")
def make_user(endpoints: Endpoints, aws: Callable[[str], Any]) -> Callable[..., User]:
    """A new signed-in user: `make_user("customer")` signs up as a customer does (code from
    the mailbox, the trigger adds the group); any other groups (or none) are created by an
    admin, as an operator would."""
    cognito = aws("cognito-idp")

    def create(*groups: str) -> User:
        username = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
        if groups == ("customer",):
            sign_up_customer(endpoints, cognito, username, PASSWORD)
        else:
            create_staff_user(endpoints, cognito, username, PASSWORD, groups)
        tokens = cognito.initiate_auth(
            ClientId=endpoints.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return User(username=username, groups=groups, id_token=tokens["IdToken"])

    return create


@pytest.fixture(scope="session")
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin")


@pytest.fixture(scope="session")
def customer(make_user: Callable[..., User]) -> User:
    return make_user("customer")


class Api:
    """A thin HTTP client for the REST API."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def request(
        self, method: str, path: str, user: User | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = {**(user.headers if user else {}), **kwargs.pop("headers", {})}
        return self.session.request(
            method, f"{self.base_url}{path}", headers=headers, timeout=30, **kwargs
        )


@pytest.fixture(scope="session")
def api(endpoints: Endpoints) -> Api:
    return Api(endpoints.rest_url)


@pytest.fixture
def topic_listener(
    aws: Callable[[str], Any],
) -> Iterator[Callable[[str, list[str]], Callable[..., list[dict[str, Any]]]]]:
    """Subscribes a fresh SQS queue to a topic (raw delivery, filter on `type`) and
    returns a function that waits for messages on it."""
    sqs, sns = aws("sqs"), aws("sns")
    created: list[tuple[str, str]] = []

    def subscribe(topic_arn: str, types: list[str]) -> Callable[..., list[dict[str, Any]]]:
        queue_url = sqs.create_queue(QueueName=f"e2e-{uuid.uuid4().hex[:12]}")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
                }
            ],
        }
        sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})
        subscription = sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={
                "RawMessageDelivery": "true",
                "FilterPolicy": json.dumps({"type": types}),
            },
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        created.append((queue_url, subscription))

        def receive(count: int = 1, wait_seconds: float = 20.0) -> list[dict[str, Any]]:
            messages: list[dict[str, Any]] = []
            deadline = time.monotonic() + wait_seconds
            while len(messages) < count and time.monotonic() < deadline:
                batch = sqs.receive_message(
                    QueueUrl=queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=1,
                    MessageAttributeNames=["All"],
                ).get("Messages", [])
                for message in batch:
                    messages.append(message)
                    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            return messages

        return receive

    yield subscribe
    for queue_url, subscription in created:
        sns.unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=queue_url)
