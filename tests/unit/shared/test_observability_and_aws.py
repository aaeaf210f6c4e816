from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from shared import aws, observability
from tests.unit.helpers import lambda_context


def test_clients_are_created_once_and_honour_aws_endpoint_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4999")
    aws.reset_clients()
    try:
        first = aws.dynamodb()

        assert aws.dynamodb() is first
        assert aws.client("sns") is not first
        assert first.meta.endpoint_url == "http://127.0.0.1:4999"
    finally:
        aws.reset_clients()


def test_lambda_handler_clears_the_correlation_id_between_invocations() -> None:
    seen: list[str | None] = []

    @observability.lambda_handler
    def handler(event: dict[str, Any], _context: Any) -> None:
        seen.append(observability.current_correlation_id())
        observability.set_correlation_id(event["cid"])

    handler({"cid": "first"}, lambda_context())
    handler({"cid": "second"}, lambda_context())

    assert seen == [None, None]


def test_importing_and_wrapping_a_handler_loads_neither_boto3_clients_nor_an_xray_sdk() -> None:
    import products.api  # noqa: F401

    assert "aws_xray_sdk" not in sys.modules
    assert aws.client.cache_info().currsize == 0


def test_the_lambda_packages_ship_no_xray_sdk() -> None:
    """Lambda active tracing needs no SDK; the X-Ray SDK is retiring (moto still uses it)."""
    pinned = (Path(__file__).parents[3] / "requirements" / "lambda.txt").read_text()
    assert "aws-xray-sdk" not in pinned
    assert "wrapt" not in pinned


def test_every_log_line_carries_the_invocations_trace_id_and_cold_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    header = "Root=1-6a2b3c4d-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
    monkeypatch.setenv("_X_AMZN_TRACE_ID", header)

    @observability.lambda_handler
    def handler(_event: dict[str, Any], _context: Any) -> None:
        observability.logger.info("working")

    handler({}, lambda_context())

    formatter = observability.logger.registered_formatter
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    working = next(line for line in lines if line.get("message") == "working")
    assert working["xray_trace_id"] == "1-6a2b3c4d-0123456789abcdef01234567"
    assert "cold_start" in working
    assert working["function_name"]
