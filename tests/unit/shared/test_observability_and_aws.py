from __future__ import annotations

import sys
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


def test_tracing_is_off_outside_lambda_and_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert not observability.tracing_enabled()

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert not observability.tracing_enabled()

    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert observability.tracing_enabled()


def test_importing_a_handler_loads_neither_boto3_clients_nor_the_xray_sdk() -> None:
    import products.api  # noqa: F401

    assert "aws_xray_sdk" not in sys.modules or observability.tracing_enabled()
    assert observability.tracer.cache_info().currsize == 0
