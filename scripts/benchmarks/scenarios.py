"""Requests timed through real handlers with their AWS calls stubbed (botocore Stubber).

A scenario names the handler, builds the Lambda event, lists the AWS calls one
invocation makes with the response each gets, and checks the handler's answer (so a
broken package or a changed code path fails the benchmark instead of timing an error).
Standard library and botocore only: runs inside the sandbox (see overhead_probe.py).
To time another handler, add a Scenario to SCENARIOS.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"
PRODUCT_ID = "0b5f1f4e-6a57-4a8e-9a3c-6f6f0c1f2d3e"
CREATED_AT = "2025-03-14T09:26:53.000Z"


@dataclass(frozen=True)
class StubbedCall:
    service: str
    operation: str
    response: dict[str, Any]


@dataclass(frozen=True)
class Scenario:
    name: str
    handler: str
    event: Callable[[], dict[str, Any]]
    calls: list[StubbedCall]
    check: Callable[[Any], str | None]
    """Returns what is wrong with the handler's answer, or None."""
    per: str = "request"
    records: int = 1
    notes: str = field(default="")


def customer_claims() -> dict[str, str]:
    return {
        "sub": "5d3c7a1e-2b7f-4c5e-8d9a-1f2e3d4c5b6a",
        "email": "bench@example.com",
        "token_use": "id",
        "cognito:username": "bench@example.com",
        "cognito:groups": "customer",
    }


def rest_event(method: str, path: str, resource: str, parameters: dict[str, str]) -> dict[str, Any]:
    """An API Gateway REST proxy event (payload 1.0) from a signed-in customer."""
    headers = {
        "Accept": "application/json",
        "Authorization": "eyJraWQiOi.bench.token",
        "Host": f"abc123.execute-api.{REGION}.amazonaws.com",
        "X-Forwarded-Proto": "https",
    }
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": parameters,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/v1{path}",
            "accountId": ACCOUNT,
            "stage": "v1",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7"},
            "apiId": "abc123",
            "authorizer": {"claims": customer_claims()},
        },
        "body": None,
        "isBase64Encoded": False,
    }


def product_item() -> dict[str, Any]:
    """A product as the products table stores it (docs/conventions.md)."""
    return {
        "pk": {"S": f"PRODUCT#{PRODUCT_ID}"},
        "sk": {"S": "PRODUCT"},
        "gsi1pk": {"S": "PRODUCT"},
        "gsi1sk": {"S": f"{CREATED_AT}#{PRODUCT_ID}"},
        "id": {"S": PRODUCT_ID},
        "sku": {"S": "MUG-BLUE-350"},
        "name": {"S": "Blue mug 350 ml"},
        "description": {"S": "Stoneware mug, dishwasher safe."},
        "price": {"M": {"amount": {"N": "1290"}, "currency": {"S": "EUR"}}},
        "stock": {"N": "40"},
        "version": {"N": "1"},
        "createdAt": {"S": CREATED_AT},
        "updatedAt": {"S": CREATED_AT},
        "lastCorrelationId": {"S": "bench-flow"},
    }


def stream_event(records: int) -> dict[str, Any]:
    """``records`` INSERT records of new products, as the table's stream delivers them."""
    batch = []
    for number in range(records):
        item = product_item()
        batch.append(
            {
                "eventID": f"{number:032x}",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": 1741944413,
                    "Keys": {"pk": item["pk"], "sk": item["sk"]},
                    "NewImage": item,
                    "SequenceNumber": str(4421584500000000017450439091 + number),
                    "SizeBytes": len(json.dumps(item)),
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
                "eventSourceARN": (
                    f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/bench-products/stream/"
                    "2025-03-14T09:00:00.000"
                ),
            }
        )
    return {"Records": batch}


def _status_is(expected: int) -> Callable[[Any], str | None]:
    def check(answer: Any) -> str | None:
        status = answer.get("statusCode")
        return None if status == expected else f"status {status}: {answer.get('body')}"

    return check


def _no_failures(answer: Any) -> str | None:
    failures = answer.get("batchItemFailures")
    return None if failures == [] else f"batch item failures: {failures}"


STREAM_BATCH = 10

SCENARIOS = [
    Scenario(
        name="products-api GET /products/{id}",
        handler="products.api.handler",
        event=lambda: rest_event(
            "GET", f"/products/{PRODUCT_ID}", "/products/{id}", {"id": PRODUCT_ID}
        ),
        calls=[StubbedCall("dynamodb", "get_item", {"Item": product_item()})],
        check=_status_is(200),
    ),
    Scenario(
        name="products-stream-publisher INSERT record",
        handler="products.stream_publisher.handler",
        event=lambda: stream_event(STREAM_BATCH),
        calls=[
            StubbedCall("sns", "publish", {"MessageId": str(uuid.uuid4())})
            for _ in range(STREAM_BATCH)
        ],
        check=_no_failures,
        per="record",
        records=STREAM_BATCH,
        notes=f"batches of {STREAM_BATCH} records; time per record",
    ),
]
