"""Fixtures of the orders tests: the orders table (moto), callers, a seeded catalog."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from orders import api, idempotency, projection_consumer, stock_consumer, stream_publisher
from orders.catalog import DynamoDBCatalog, ProductSeen
from shared import aws
from shared.money import Money
from tests.unit.helpers import (
    HttpResponse,
    cognito_claims,
    http_response,
    lambda_context,
    rest_event,
    sqs_record,
)

TABLE = "ecommerce-test-orders"


def reset_orders_caches() -> None:
    """Forget what a warm Lambda keeps: clients, services, the idempotency store."""
    aws.reset_clients()
    for cached in (
        api.service,
        idempotency.persistence,
        idempotency._idempotent_call,
        projection_consumer.catalog,
        projection_consumer.consumer,
        stock_consumer.service,
        stock_consumer.deduplicator,
        stock_consumer.consumer,
        stream_publisher.publisher,
    ):
        cached.cache_clear()


@pytest.fixture
def orders_table(
    mocked_aws: None,  # noqa: ARG001 (inside the mock)
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """The orders table as Terraform creates it: pk/sk, gsi1 (per customer), gsi2 (all)."""
    indexes = [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": f"{name}pk", "KeyType": "HASH"},
                {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for name in ("gsi1", "gsi2")
    ]
    boto3.client("dynamodb").create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=indexes,  # type: ignore[arg-type]
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    monkeypatch.setenv("ORDERS_TABLE_NAME", TABLE)
    reset_orders_caches()
    yield TABLE
    reset_orders_caches()


@dataclass(frozen=True)
class User:
    user_id: str
    groups: tuple[str, ...]
    email: str = "ada@example.com"
    email_verified: bool = True

    @classmethod
    def new(cls, *groups: str, email: str = "ada@example.com", email_verified: bool = True) -> User:
        return cls(str(uuid.uuid4()), groups, email, email_verified)


Caller = Callable[..., HttpResponse]


@pytest.fixture
def call(orders_table: str) -> Caller:  # noqa: ARG001
    """Sends one request through ``orders.api.handler`` as API Gateway would; ``user``
    None sends no token."""

    def send(method: str, path: str, *, user: User | None, **request: Any) -> HttpResponse:
        claims = (
            cognito_claims(
                user.groups,
                user_id=user.user_id,
                email=user.email,
                email_verified=user.email_verified,
            )
            if user
            else None
        )
        event = rest_event(method, path, claims=claims, **request)
        return http_response(api.handler(event, lambda_context()))

    return send


@dataclass(frozen=True)
class Product:
    id: str
    sku: str
    name: str
    amount: int
    currency: str = "EUR"


@pytest.fixture
def catalog(orders_table: str) -> Callable[..., Product]:
    """Adds a product to the orders service's projection (as the consumer would)."""

    def add(
        name: str = "Blue mug", amount: int = 1290, currency: str = "EUR", version: int = 1
    ) -> Product:
        product = Product(str(uuid.uuid4()), f"SKU-{uuid.uuid4().hex[:8]}", name, amount, currency)
        DynamoDBCatalog(orders_table, boto3.client("dynamodb")).apply(
            ProductSeen(
                product.id,
                version,
                product.sku,
                name,
                Money(amount, currency),
                "2025-03-14T09:00:00.000Z",
            )
        )
        return product

    return add


def table_item(pk: str, sk: str) -> dict[str, Any] | None:
    return (
        boto3.client("dynamodb")
        .get_item(TableName=TABLE, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True)
        .get("Item")
    )


def sqs_event(*events: dict[str, Any] | str) -> dict[str, Any]:
    return {
        "Records": [
            sqs_record(body if isinstance(body, str) else json.dumps(body), f"msg-{index}")
            for index, body in enumerate(events)
        ]
    }
