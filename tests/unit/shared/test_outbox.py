from __future__ import annotations

from typing import Any

from shared.events.envelope import Event
from shared.events.outbox import OutboxRelay
from shared.observability import current_correlation_id
from tests.unit.helpers import lambda_context, stream_event, stream_record


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[Event, str | None]] = []

    def publish(self, event: Event) -> None:
        self.published.append((event, current_correlation_id()))


def record_of(correlation_id: str) -> dict[str, Any]:
    image = {"pk": {"S": f"ORDER#{correlation_id}"}, "sk": {"S": "ORDER"}}
    return stream_record("INSERT", keys={"pk": image["pk"], "sk": image["sk"]}, new_image=image)


def event_for(record: dict[str, Any]) -> dict[str, Any]:
    correlation_id = record["dynamodb"]["NewImage"]["pk"]["S"].removeprefix("ORDER#")
    return {"id": correlation_id, "type": "test.Event", "correlationid": correlation_id}


def test_each_record_is_published_in_its_journey_and_the_batch_line_in_none() -> None:
    relay = OutboxRelay(event_for)
    publisher = RecordingPublisher()
    relay.publisher = lambda: publisher  # type: ignore[assignment,return-value]

    response = relay.handle(stream_event(record_of("first"), record_of("second")), lambda_context())

    assert response == {"batchItemFailures": []}
    assert [(event["id"], logged_as) for event, logged_as in publisher.published] == [
        ("first", "first"),
        ("second", "second"),
    ]
    assert current_correlation_id() is None  # the batch line is not the last record's
