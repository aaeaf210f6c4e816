"""The local EventBridge scheduler: rate rules fire their Lambda targets."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from moto import mock_aws

from localcloud.invocation import InvocationResult
from localcloud.scheduler import Scheduler, rate_seconds

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:shop-sweeper"


class RecordingInvoker:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.called = threading.Event()

    def invoke(
        self,
        function_name: str,
        event: dict[str, Any],
        trace_header: str | None = None,  # noqa: ARG002
    ) -> InvocationResult:
        self.calls.append((function_name, event))
        self.called.set()
        return InvocationResult({"ok": True}, None, 1.0)


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [
        ("rate(1 minute)", 60),
        ("rate(5 minutes)", 300),
        ("rate(2 hours)", 7200),
        ("rate(1 day)", 86400),
        ("cron(0 12 * * ? *)", None),
        ("rate(1 fortnight)", None),
    ],
)
def test_rate_expressions(expression: str, seconds: int | None) -> None:
    assert rate_seconds(expression) == seconds


def test_a_rate_rule_fires_its_lambda_target_once_per_interval() -> None:
    now = [1000.0]
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        events.put_rule(Name="sweep", ScheduleExpression="rate(1 minute)", State="ENABLED")
        events.put_targets(Rule="sweep", Targets=[{"Id": "fn", "Arn": FUNCTION_ARN}])
        events.put_rule(Name="off", ScheduleExpression="rate(1 minute)", State="DISABLED")
        events.put_targets(Rule="off", Targets=[{"Id": "fn", "Arn": FUNCTION_ARN}])
        events.put_rule(Name="pattern", EventPattern='{"source": ["x"]}')
        invoker = RecordingInvoker()
        scheduler = Scheduler(events, invoker, interval_cap_s=5.0, clock=lambda: now[0])

        assert scheduler.fire_due() == []  # the first run comes one interval later
        now[0] += 4.9
        assert scheduler.fire_due() == []
        now[0] += 0.2
        assert scheduler.fire_due() == ["sweep"]
        assert invoker.called.wait(5)
        assert scheduler.fire_due() == []

    name, event = invoker.calls[0]
    assert name == FUNCTION_ARN
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/sweep"]


def test_the_background_thread_fires_and_stops() -> None:
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        events.put_rule(Name="sweep", ScheduleExpression="rate(1 minute)", State="ENABLED")
        events.put_targets(Rule="sweep", Targets=[{"Id": "fn", "Arn": FUNCTION_ARN}])
        invoker = RecordingInvoker()
        scheduler = Scheduler(events, invoker, interval_cap_s=0.2, rescan_interval_s=0.05)
        scheduler.start()
        try:
            assert invoker.called.wait(5)
        finally:
            scheduler.stop()
        count = len(invoker.calls)
        time.sleep(0.3)
        assert len(invoker.calls) == count


def test_workers_get_the_extra_environment_but_a_function_can_override_it(
    tmp_path: Any,
) -> None:
    from localcloud.deployment import FunctionSpec
    from localcloud.workers import RuntimeSettings, worker_environment

    settings = RuntimeSettings(
        endpoint_url="http://127.0.0.1:5000",
        region="us-east-1",
        runtime_layer=tmp_path,
        extra_environment=(("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", "http://ws"), ("A", "1")),
    )
    fields = dict.fromkeys(FunctionSpec.__dataclass_fields__)
    spec = FunctionSpec(
        **{
            **fields,
            "name": "fn",
            "handler": "m.h",
            "environment": {"A": "2"},
            "memory_mb": 128,
            "log_group": "/aws/lambda/fn",
            "runtime": "python3.13",
        }
    )
    environment = worker_environment(spec, settings, tmp_path, "127.0.0.1:1", "stream")
    assert environment["AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"] == "http://ws"
    assert environment["A"] == "2"
