"""Unit test fixtures: AWS is moto's in-process mock (no network, no server)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from openapi.services import REST_SERVICES
from shared import aws as shared_aws
from tests.unit.documented_responses import checking
from tests.unit.helpers import (
    HttpResponse,
    cognito_claims,
    http_response,
    lambda_context,
    rest_event,
)

ADMIN = ("admin",)
CUSTOMER = ("customer",)


@pytest.fixture(autouse=True)
def answers_match_the_openapi_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer of the REST functions in these tests is checked against
    docs/api/openapi.json (``tests.unit.documented_responses``): the document cannot drift
    from the code unnoticed."""
    for service in REST_SERVICES:
        api = importlib.import_module(f"{service}.api")
        monkeypatch.setattr(api, "resolve", checking(api.resolve))


def _reset_process_caches() -> None:
    """Forget clients and services cached for the process (a warm Lambda keeps them)."""
    import products.api
    import products.stream_publisher

    shared_aws.reset_clients()
    products.api.service.cache_clear()
    products.stream_publisher.publisher.cache_clear()


@pytest.fixture
def mocked_aws() -> Iterator[None]:
    with mock_aws():
        _reset_process_caches()
        yield
    _reset_process_caches()


def create_service_table(name: str) -> dict[str, Any]:
    """A table shaped like every service table (docs/conventions.md)."""
    table = boto3.client("dynamodb").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": attr, "AttributeType": "S"}
            for attr in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return dict(table["TableDescription"])


@pytest.fixture
def products_table(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    description = create_service_table("ecommerce-test-products")
    monkeypatch.setenv("PRODUCTS_TABLE_NAME", description["TableName"])
    return description


@dataclass(frozen=True)
class Topic:
    arn: str
    queue_url: str

    def received(self, expected: int = 1) -> list[dict[str, Any]]:
        """Every message the subscribed queue holds (raw delivery), with attributes."""
        sqs = boto3.client("sqs")
        messages: list[Any] = []
        for _ in range(10):
            batch = sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            messages += batch
            if not batch and len(messages) >= expected:
                break
        return messages


@pytest.fixture
def events_topic(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Topic:
    """The service's topic with a consumer queue subscribed (raw delivery), as deployed."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    topic_arn = sns.create_topic(Name="ecommerce-test-products-events")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="ecommerce-test-consumer")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    monkeypatch.setenv("EVENTS_TOPIC_ARN", topic_arn)
    return Topic(topic_arn, queue_url)


ApiCall = Callable[..., HttpResponse]


@pytest.fixture
def call_api(products_table: dict[str, Any]) -> ApiCall:  # noqa: ARG001
    """Sends one request through ``products.api.handler`` as API Gateway would.
    ``user``: the caller's groups (``()`` signed in without group, None: no token)."""
    from products.api import handler

    def call(
        method: str, path: str, *, user: tuple[str, ...] | None = ADMIN, **request: Any
    ) -> HttpResponse:
        claims = cognito_claims(user) if user is not None else None
        event = rest_event(method, path, claims=claims, **request)
        return http_response(handler(event, lambda_context()))

    return call


def pytest_configure(config: pytest.Config) -> None:
    # Powertools warns on every flush without a business metric; normal for most requests.
    config.addinivalue_line("filterwarnings", "ignore:No application metrics to publish")
