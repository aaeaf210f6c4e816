"""Trace context without the X-Ray SDK: conversions, the current context, the relay's
per-event trace header."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from shared import aws, tracing
from shared.events.consumer import EventConsumer
from shared.events.envelope import Event, build_event
from shared.events.outbox import OutboxRelay
from shared.events.publisher import EventPublisher
from tests.unit.conftest import Topic
from tests.unit.helpers import lambda_context, sqs_record, stream_event, stream_record

XRAY = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
TRACEPARENT = "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01"
RELAY_XRAY = "Root=1-6a000001-111111111111111111111111;Parent=2222222222222222;Sampled=1"
PRODUCT_ID = "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d"


def test_an_xray_header_converts_to_traceparent_and_back() -> None:
    assert tracing.xray_header_to_traceparent(XRAY) == TRACEPARENT
    assert tracing.traceparent_to_xray_header(TRACEPARENT) == XRAY


def test_lambdas_header_with_lineage_and_any_field_order_converts() -> None:
    header = (
        "Sampled=0;Lineage=1:0a1b2c3d:0;Parent=53995C3F42CD8AD8;"
        "Root=1-5759E988-BD862E3FE1BE46A994272793"
    )

    assert tracing.xray_header_to_traceparent(header) == TRACEPARENT[:-2] + "00"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Root=1-5759e988-bd862e3fe1be46a994272793",
        "Root=abc;Parent=53995c3f42cd8ad8",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000;Sampled=1",
    ],
)
def test_an_unusable_xray_header_gives_no_context(header: str | None) -> None:
    assert tracing.xray_header_to_traceparent(header) is None


@pytest.mark.parametrize(
    "traceparent",
    [
        None,
        "",
        "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8",
        "00-00000000000000000000000000000000-53995c3f42cd8ad8-01",
        "00-5759e988bd862e3fe1be46a994272793-0000000000000000-01",
        "ff-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01",
        "00-5759E988BD862E3FE1BE46A994272793-53995c3f42cd8ad8-01",
        "00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01-extra",
    ],
)
def test_an_invalid_traceparent_is_ignored_as_w3c_says(traceparent: str | None) -> None:
    assert tracing.traceparent_to_xray_header(traceparent) is None


def test_a_future_traceparent_version_is_read_as_version_00() -> None:
    future = "01-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-03-more"

    assert tracing.traceparent_to_xray_header(future) == XRAY


def test_the_current_context_is_the_consumed_events_else_the_invocations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(tracing.LAMBDA_TRACE_ENV, raising=False)
    assert tracing.current_traceparent() is None
    assert tracing.trace_item_attributes() == {}

    monkeypatch.setenv(tracing.LAMBDA_TRACE_ENV, RELAY_XRAY)
    assert tracing.current_traceparent() == tracing.xray_header_to_traceparent(RELAY_XRAY)

    tracing.set_event_traceparent(TRACEPARENT)
    try:
        assert tracing.trace_item_attributes() == {"lastTraceparent": {"S": TRACEPARENT}}
    finally:
        tracing.set_event_traceparent(None)
    assert tracing.current_traceparent() == tracing.xray_header_to_traceparent(RELAY_XRAY)


def test_an_update_stores_the_current_context_or_removes_a_stale_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(tracing.LAMBDA_TRACE_ENV, raising=False)
    values: dict[str, Any] = {}
    assert tracing.with_trace_update("SET a = :a", values) == "SET a = :a REMOVE lastTraceparent"
    assert values == {}

    tracing.set_event_traceparent(TRACEPARENT)
    try:
        expression = tracing.with_trace_update("SET a = :a", values)
    finally:
        tracing.set_event_traceparent(None)
    assert expression == "SET a = :a, lastTraceparent = :traceparent"
    assert values == {":traceparent": {"S": TRACEPARENT}}


def product_event() -> Event:
    return build_event(
        service="products",
        name="ProductDeleted",
        subject=PRODUCT_ID,
        data={
            "productId": PRODUCT_ID,
            "sku": "MUG-1",
            "version": 1,
            "deletedAt": "2025-03-14T09:26:53.612Z",
        },
    )


def outbox_record(traceparent: str | None) -> dict[str, Any]:
    image: dict[str, Any] = {"pk": {"S": f"PRODUCT#{PRODUCT_ID}"}, "sk": {"S": "PRODUCT"}}
    if traceparent:
        image["lastTraceparent"] = {"S": traceparent}
    return stream_record("INSERT", keys={"pk": image["pk"], "sk": image["sk"]}, new_image=image)


def sent_trace_headers(client: Any) -> list[str | None]:
    """Records the X-Amzn-Trace-Id of every request ``client`` sends (after every handler
    that may set it, botocore's recursion detection included)."""
    seen: list[str | None] = []

    def capture(request: Any, **_: Any) -> None:
        value = request.headers.get("X-Amzn-Trace-Id")
        seen.append(value.decode() if isinstance(value, bytes) else value)

    client.meta.events.register_first("before-send.sns.Publish", capture)
    return seen


def test_the_relay_publishes_each_event_under_its_originating_trace(
    events_topic: Topic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writes of two requests, one stream batch: each event carries its write's trace
    context and is published with that trace header, not the relay's own invocation's; a
    record without one goes out under the relay's (botocore's default in Lambda)."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ecommerce-test-products-stream-publisher")
    monkeypatch.setenv(tracing.LAMBDA_TRACE_ENV, RELAY_XRAY)
    other = "00-6a2b3c4d0123456789abcdef01234567-0123456789abcdef-01"
    aws.reset_clients()
    sns = aws.sns()
    headers = sent_trace_headers(sns)
    relay = OutboxRelay(lambda _record: product_event())
    relay.publisher = lambda: EventPublisher(events_topic.arn, sns)  # type: ignore[method-assign]
    environment_before = dict(os.environ)

    response = relay.handle(
        stream_event(outbox_record(TRACEPARENT), outbox_record(other), outbox_record(None)),
        lambda_context(),
    )

    assert response == {"batchItemFailures": []}
    assert headers == [XRAY, tracing.traceparent_to_xray_header(other), RELAY_XRAY]
    assert dict(os.environ) == environment_before
    received = [json.loads(m["Body"]) for m in events_topic.received(expected=3)]
    assert sorted(e["traceparent"] for e in received) == sorted(
        [TRACEPARENT, other, tracing.xray_header_to_traceparent(RELAY_XRAY)]
    )


def test_a_consumers_writes_take_each_records_event_trace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch mixing two orders' events: each record's writes store its own event's
    trace context, so the orders stay two traces; the next invocation starts clean."""
    monkeypatch.setenv(tracing.LAMBDA_TRACE_ENV, RELAY_XRAY)
    other = "00-6a2b3c4d0123456789abcdef01234567-0123456789abcdef-01"
    stored: list[dict[str, Any]] = []
    consumer = EventConsumer(lambda _event: stored.append(tracing.trace_item_attributes()))
    first, second = product_event(), product_event()
    first["traceparent"], second["traceparent"] = TRACEPARENT, other

    consumer(
        {"Records": [sqs_record(json.dumps(first)), sqs_record(json.dumps(second))]},
        lambda_context(),
    )

    assert stored == [
        {"lastTraceparent": {"S": TRACEPARENT}},
        {"lastTraceparent": {"S": other}},
    ]
    assert tracing.current_traceparent() == tracing.xray_header_to_traceparent(RELAY_XRAY)
