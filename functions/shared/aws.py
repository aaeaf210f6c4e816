"""boto3 clients created once per process, on first use.

boto3 is imported lazily: a function that never talks to a service does not pay for it.
Clients honour ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) natively, which is
how local runs reach the emulator. Tests call :func:`reset_clients` between mocks.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient


@cache
def client(service_name: str) -> Any:
    """The process-wide client for ``service_name`` (thread-safe once created)."""
    import boto3

    return boto3.client(service_name)  # type: ignore[call-overload]


def dynamodb() -> DynamoDBClient:
    return cast("DynamoDBClient", client("dynamodb"))


def sns() -> SNSClient:
    return cast("SNSClient", client("sns"))


def sqs() -> SQSClient:
    return cast("SQSClient", client("sqs"))


def s3() -> S3Client:
    return cast("S3Client", client("s3"))


def reset_clients() -> None:
    """Forget every cached client (tests: after changing credentials or starting a mock)."""
    client.cache_clear()
