"""The local runtime treats trace headers as Lambda does (localcloud.traces)."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_helpers import DeployFunction

from localcloud.invoker import LocalInvoker
from localcloud.rest_gateway import with_trace_header
from localcloud.traces import TraceLog, read_trace_log, trace_fields, trace_for

pytest_plugins = ["runtime_fixtures"]

CALLER = "Root=1-6a2b3c4d-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
PRODUCER = "Root=1-6a2b3c4e-fedcba9876543210fedcba98;Parent=1111222233334444;Sampled=1"

TRACE_ECHO = {
    "app.py": """
    import os

    def handler(event, context):
        return os.environ.get("_X_AMZN_TRACE_ID")
    """
}


def sqs_message(message_id: str, trace_header: str | None) -> dict[str, object]:
    attributes = {"ApproximateReceiveCount": "1"}
    if trace_header:
        attributes["AWSTraceHeader"] = trace_header
    return {
        "messageId": message_id,
        "body": "{}",
        "attributes": attributes,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:orders-stock",
    }


def test_a_synchronous_callers_trace_is_continued_with_a_new_parent() -> None:
    trace = trace_for({"any": "event"}, CALLER)

    fields = trace_fields(trace.header)
    assert fields["Root"] == "1-6a2b3c4d-0123456789abcdef01234567"
    assert fields["Parent"] != "53995c3f42cd8ad8"
    assert fields["Sampled"] == "1"
    assert trace.continued
    assert trace.links == ()


def test_a_rest_proxy_event_continues_the_gateways_trace() -> None:
    event = {
        "httpMethod": "POST",
        "headers": {"X-Amzn-Trace-Id": "Root=1-6a2b3c4d-0123456789abcdef01234567"},
        "requestContext": {"requestId": "r-1", "stage": "v1"},
    }

    trace = trace_for(event)

    assert trace.trace_id == "1-6a2b3c4d-0123456789abcdef01234567"
    assert trace.continued
    assert trace.source == "apigateway"


def test_an_sqs_batch_starts_a_new_trace_linked_to_each_messages_trace() -> None:
    """Even a batch of one: Lambda never continues an SQS message's trace, it links it."""
    single = trace_for({"Records": [sqs_message("m-1", PRODUCER)]})
    batch = trace_for(
        {
            "Records": [
                sqs_message("m-1", PRODUCER),
                sqs_message("m-2", CALLER),
                sqs_message("m-3", None),
            ]
        }
    )

    assert not single.continued
    assert single.trace_id not in {"1-6a2b3c4e-fedcba9876543210fedcba98"}
    assert [(link.trace_id, link.message_id) for link in single.links] == [
        ("1-6a2b3c4e-fedcba9876543210fedcba98", "m-1")
    ]
    assert [link.trace_id for link in batch.links] == [
        "1-6a2b3c4e-fedcba9876543210fedcba98",
        "1-6a2b3c4d-0123456789abcdef01234567",
    ]
    assert batch.source == "aws:sqs"
    assert single.trace_id != batch.trace_id


def test_a_stream_batch_or_an_untraced_call_starts_a_new_trace() -> None:
    stream = trace_for({"Records": [{"eventSource": "aws:dynamodb", "dynamodb": {}}]})
    plain = trace_for({}, "not a trace header")

    assert not stream.continued
    assert not plain.continued
    assert stream.trace_id != plain.trace_id
    assert trace_fields(stream.header)["Parent"] == stream.parent_id


def test_the_function_gets_its_invocations_trace_and_the_log_records_it(
    deploy_function: DeployFunction, invoker: LocalInvoker, tmp_path: Path
) -> None:
    spec = deploy_function(TRACE_ECHO)
    invoker.trace_log = TraceLog(tmp_path / "traces.jsonl")

    continued = invoker.invoke(spec.name, {}, CALLER)
    linked = invoker.invoke(spec.name, {"Records": [sqs_message("m-1", PRODUCER)]})

    assert continued.ok, continued.error
    assert linked.ok, linked.error
    assert trace_fields(continued.payload)["Root"] == "1-6a2b3c4d-0123456789abcdef01234567"
    first, second = read_trace_log(tmp_path / "traces.jsonl")
    assert first["function"] == spec.name
    assert first["traceId"] == "1-6a2b3c4d-0123456789abcdef01234567"
    assert first["continued"] is True
    assert trace_fields(linked.payload)["Root"] == second["traceId"]
    assert second["parentId"] == trace_fields(linked.payload)["Parent"]
    assert second["links"] == [
        {
            "traceId": "1-6a2b3c4e-fedcba9876543210fedcba98",
            "parentId": "1111222233334444",
            "messageId": "m-1",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:orders-stock",
        }
    ]


@pytest.mark.parametrize("header", ["", "Root=nonsense", "Parent=1;Sampled=1"])
def test_a_header_without_a_valid_root_is_not_continued(header: str) -> None:
    assert not trace_for({}, header).continued


def test_the_rest_gateway_keeps_a_callers_trace_header_else_adds_one() -> None:
    """API Gateway adds X-Amzn-Trace-Id to a request without one; the response carries
    the one the function got (localcloud.rest_gateway)."""
    kept, header = with_trace_header([("X-Amzn-Trace-Id", CALLER), ("Accept", "*/*")])
    assert header == CALLER
    assert kept == [("X-Amzn-Trace-Id", CALLER), ("Accept", "*/*")]

    for headers in ([("Accept", "*/*")], [("x-amzn-trace-id", "garbage"), ("Accept", "*/*")]):
        added, header = with_trace_header(headers)
        assert trace_fields(header)["Root"].startswith("1-")
        assert added == [("Accept", "*/*"), ("X-Amzn-Trace-Id", header)]
