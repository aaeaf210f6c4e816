from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from shared.events.consumer import EventConsumer, EventHandler, consumer_handler, dispatch
from shared.events.envelope import Event
from shared.observability import current_correlation_id, lambda_handler
from tests.unit.helpers import (
    CONSUMER_QUEUE_ARN,
    dead_letter_queues,
    lambda_context,
    sqs_record,
)

EXAMPLES = Path(__file__).parents[3] / "schemas/events/products/ProductCreated/examples/v1.0"


def valid_body(**envelope: Any) -> str:
    event = json.loads((EXAMPLES / "valid/created.json").read_text())
    return json.dumps({**event, **envelope})


@pytest.fixture
def dlq_url(mocked_aws: None) -> str:  # noqa: ARG001 (inside the mock)
    return boto3.client("sqs").create_queue(QueueName="ecommerce-test-consumer-dlq")["QueueUrl"]


def parking_in(dlq_url: str) -> dict[str, str]:
    """A consumer's dead-letter queues: records from ``sqs_record`` -> ``dlq_url``."""
    return {CONSUMER_QUEUE_ARN: dlq_url}


def parked(dlq_url: str) -> list[Any]:
    return (
        boto3.client("sqs")
        .receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )


class Recorder:
    def __init__(self, fail_on: str | None = None) -> None:
        self.events: list[Event] = []
        self.correlation_ids: list[str | None] = []
        self.fail_on = fail_on

    def __call__(self, event: Event) -> None:
        if event["id"] == self.fail_on:
            raise RuntimeError("downstream unavailable")
        self.events.append(event)
        self.correlation_ids.append(current_correlation_id())


def consume(handler: EventHandler, *bodies: str, **options: Any) -> dict[str, Any]:
    event = {"Records": [sqs_record(body, message_id=f"msg-{i}") for i, body in enumerate(bodies)]}
    return dict(EventConsumer(handler, **options)(event, lambda_context()))


def test_valid_events_are_handled(dlq_url: str) -> None:
    recorder = Recorder()

    second = valid_body(id="2d3e5f70-8a9b-4c1d-8e2f-3a4b5c6d7e8f")

    response = consume(recorder, valid_body(), second)

    assert response == {"batchItemFailures": []}
    assert [e["type"] for e in recorder.events] == ["ecommerce.products.ProductCreated.v1"] * 2
    assert recorder.correlation_ids == ["0b6c8f9e-5a41-4d2e-8f3a-7c9d1e2f3a4b"] * 2
    assert parked(dlq_url) == []


def test_a_contract_violation_goes_straight_to_the_dlq_and_is_not_retried(
    dlq_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEAD_LETTER_QUEUES", dead_letter_queues(dlq_url))
    recorder = Recorder()
    event = json.loads(valid_body())
    event["data"]["stock"] = -1
    broken = json.dumps(event)

    response = consume(recorder, broken, valid_body(id="2d3e5f70-8a9b-4c1d-8e2f-3a4b5c6d7e8f"))

    assert response == {"batchItemFailures": []}  # handled: no retry
    assert len(recorder.events) == 1  # the valid neighbour went through
    [message] = parked(dlq_url)
    assert message["Body"] == broken
    attributes = {name: a["StringValue"] for name, a in message["MessageAttributes"].items()}
    assert attributes["errorType"] == "ContractViolation"
    assert attributes["eventType"] == "ecommerce.products.ProductCreated.v1"
    assert attributes["field"] == "data.stock"
    assert "0" in attributes["reason"]
    assert attributes["sourceMessageId"] == "msg-0"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ("[" * 50_000, "nested too deeply"),
    ],
)
def test_a_body_that_is_not_an_event_goes_to_the_dlq(dlq_url: str, body: str, reason: str) -> None:
    recorder = Recorder()

    response = consume(recorder, body, dead_letter_queues=parking_in(dlq_url))

    assert response == {"batchItemFailures": []}
    [message] = parked(dlq_url)
    assert reason in message["MessageAttributes"]["reason"]["StringValue"]
    assert "eventType" not in message["MessageAttributes"]
    assert recorder.events == []


def test_an_unknown_event_type_goes_to_the_dlq(dlq_url: str) -> None:
    body = valid_body(type="ecommerce.products.ProductExploded.v1")

    consume(Recorder(), body, dead_letter_queues=parking_in(dlq_url))

    [message] = parked(dlq_url)
    assert message["MessageAttributes"]["field"]["StringValue"] == "type"


def test_handler_errors_are_partial_batch_failures(dlq_url: str) -> None:
    failing_id = "2d3e5f70-8a9b-4c1d-8e2f-3a4b5c6d7e8f"
    recorder = Recorder(fail_on=failing_id)

    response = consume(
        recorder, valid_body(), valid_body(id=failing_id), dead_letter_queues=parking_in(dlq_url)
    )

    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert len(recorder.events) == 1
    assert parked(dlq_url) == []  # retried by SQS, not parked


@pytest.mark.usefixtures("mocked_aws")
def test_without_a_dlq_a_violation_is_retried_until_the_redrive_policy_parks_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEAD_LETTER_QUEUES", raising=False)

    response = consume(Recorder(), "{not json", valid_body())

    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}


def test_each_violation_is_parked_in_the_dlq_of_the_queue_it_came_from(dlq_url: str) -> None:
    other_queue = CONSUMER_QUEUE_ARN.replace("consumer", "other")
    other_dlq = boto3.client("sqs").create_queue(QueueName="ecommerce-test-other-dlq")["QueueUrl"]
    records = [
        sqs_record("{not json", message_id="from-first"),
        sqs_record("[1]", message_id="from-other", source_queue_arn=other_queue),
    ]
    consumer = EventConsumer(
        Recorder(), dead_letter_queues={CONSUMER_QUEUE_ARN: dlq_url, other_queue: other_dlq}
    )

    response = consumer({"Records": records}, lambda_context())

    assert response == {"batchItemFailures": []}
    assert [m["Body"] for m in parked(dlq_url)] == ["{not json"]
    assert [m["Body"] for m in parked(other_dlq)] == ["[1]"]


def test_a_violation_from_a_queue_without_a_named_dlq_is_retried(dlq_url: str) -> None:
    stranger = sqs_record("{not json", source_queue_arn=CONSUMER_QUEUE_ARN + "-unknown")
    consumer = EventConsumer(Recorder(), dead_letter_queues=parking_in(dlq_url))

    response = consumer({"Records": [stranger, sqs_record(valid_body())]}, lambda_context())

    assert response == {"batchItemFailures": [{"itemIdentifier": stranger["messageId"]}]}
    assert parked(dlq_url) == []


def test_the_deduplicator_seam_runs_a_handler_once_per_event_id(dlq_url: str) -> None:
    class SeenIds:
        def __init__(self) -> None:
            self.seen: set[str] = set()

        def run_once(self, event: Event, handle: EventHandler) -> None:
            if event["id"] not in self.seen:
                handle(event)
                self.seen.add(event["id"])

    recorder = Recorder()

    consume(
        recorder,
        valid_body(),
        valid_body(),
        dead_letter_queues=parking_in(dlq_url),
        deduplicator=SeenIds(),
    )

    assert len(recorder.events) == 1


def test_a_consumer_is_a_lambda_handler_once_wrapped(dlq_url: str) -> None:
    recorder = Recorder()
    handler = lambda_handler(EventConsumer(recorder, dead_letter_queues=parking_in(dlq_url)))

    response = handler({"Records": [sqs_record(valid_body())]}, lambda_context())

    assert response == {"batchItemFailures": []}
    assert len(recorder.events) == 1


def test_a_deduplicator_that_asks_for_the_lambda_context_gets_each_invocations(
    dlq_url: str,
) -> None:
    class DeadlineAware:
        def __init__(self) -> None:
            self.contexts: list[Any] = []

        def register_lambda_context(self, context: Any) -> None:
            self.contexts.append(context)

        def run_once(self, event: Event, handle: EventHandler) -> None:
            assert self.contexts, "the context comes before the first record"
            handle(event)

    deduplicator, recorder = DeadlineAware(), Recorder()
    consumer = EventConsumer(
        recorder, dead_letter_queues=parking_in(dlq_url), deduplicator=deduplicator
    )
    first, second = lambda_context(), lambda_context()

    consumer({"Records": [sqs_record(valid_body())]}, first)
    consumer({"Records": [sqs_record(valid_body())]}, second)

    assert deduplicator.contexts == [first, second]
    assert len(recorder.events) == 2


def test_consumer_handler_builds_the_consumer_on_first_use_and_keeps_it(dlq_url: str) -> None:
    built: list[EventConsumer] = []
    recorder = Recorder()

    def consumer() -> EventConsumer:
        if not built:
            built.append(EventConsumer(recorder, dead_letter_queues=parking_in(dlq_url)))
        return built[0]

    handler = consumer_handler(consumer)
    assert built == []  # nothing read from the environment at import time

    for _ in range(2):
        response = handler({"Records": [sqs_record(valid_body())]}, lambda_context())
        assert response == {"batchItemFailures": []}

    assert len(built) == 1
    assert len(recorder.events) == 2


@pytest.mark.usefixtures("dlq_url")
def test_dispatch_hands_each_event_to_the_handler_of_its_type() -> None:
    created, deleted = Recorder(), Recorder()
    handlers = {
        "ecommerce.products.ProductCreated.v1": created,
        "ecommerce.products.ProductDeleted.v1": deleted,
    }

    response = consume(dispatch(handlers), valid_body())

    assert response == {"batchItemFailures": []}
    assert [e["type"] for e in created.events] == ["ecommerce.products.ProductCreated.v1"]
    assert deleted.events == []


def test_dispatch_drops_a_type_outside_its_table_without_retrying_or_parking(
    dlq_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    deleted = Recorder()

    response = consume(dispatch({"ecommerce.products.ProductDeleted.v1": deleted}), valid_body())

    assert response == {"batchItemFailures": []}
    assert deleted.events == []
    assert parked(dlq_url) == []
    assert "does not handle" in caplog.text
