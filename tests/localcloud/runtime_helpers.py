"""Helpers for the local Lambda runtime's tests: clients, handler zips, message draining."""

from __future__ import annotations

import io
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

import boto3

from localcloud.deployment import FunctionSpec
from localcloud.emulator import LOCAL_CREDENTIALS, LOCAL_REGION

LAMBDA_ROLE = "arn:aws:iam::123456789012:role/local-runtime-test"

DeployFunction = Callable[..., FunctionSpec]
"""deploy_function(files, *, name, handler, timeout, memory, environment, reserved_concurrency)"""

CreateMapping = Callable[..., str]
"""create_mapping(**CreateEventSourceMapping parameters) -> the new mapping's UUID"""


def client(service: str, endpoint_url: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name=LOCAL_REGION,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def zip_package(files: dict[str, str]) -> bytes:
    """A deployment zip of `files` (path -> Python source, dedented)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, source in sorted(files.items()):
            archive.writestr(path, textwrap.dedent(source))
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def receive_all(
    sqs: Any, queue_url: str, count: int, timeout_s: float = 10.0
) -> list[dict[str, Any]]:
    """Receives (and deletes) messages until `count` arrived or the time is up."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while len(messages) < count and time.monotonic() < deadline:
        response = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
        )
        for message in response.get("Messages", []):
            messages.append(message)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


FORWARDER = """
import json, os
import boto3

sqs = boto3.client("sqs")

def forward(event, context, **extra):
    body = json.dumps({"event": event, "request_id": context.aws_request_id, **extra})
    kwargs = {"MessageGroupId": "results"} if os.environ["RESULTS_URL"].endswith(".fifo") else {}
    sqs.send_message(QueueUrl=os.environ["RESULTS_URL"], MessageBody=body, **kwargs)
"""
"""A helper module for handlers: sends what they received to the RESULTS_URL queue."""
