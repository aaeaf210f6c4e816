"""Publishing events to the service's SNS topic, never an invalid one.

Every event is checked against its contract (``shared.contracts.validate_event``) before it
leaves; the ``type`` message attribute carries the event type, which the consumers'
subscription filter policies match on (raw message delivery: the SQS body is the envelope).

Every event leaves with its trace context (the CloudEvents ``traceparent`` extension: the
one it already carries, as the outbox relay sets it, else the current one) and is
published under that trace: the call's ``X-Amzn-Trace-Id`` is the event's, so SNS, the
SQS delivery (``AWSTraceHeader``) and the consumer's linked trace follow the event's
journey rather than the publishing invocation's (``shared.tracing``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.contracts import validate_event
from shared.events.envelope import Event
from shared.tracing import (
    current_traceparent,
    outgoing_trace_header,
    register_trace_header_hook,
    traceparent_to_xray_header,
)

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sns.type_defs import MessageAttributeValueTypeDef

SNS_BATCH_LIMIT = 10
TOPIC_ARN_ENV = "EVENTS_TOPIC_ARN"


@dataclass(frozen=True)
class FailedPublish:
    event_id: str
    code: str
    message: str
    sender_fault: bool


class PublishBatchError(Exception):
    """Some events of a batch were not published; ``published`` lists those that were."""

    def __init__(self, failed: list[FailedPublish], published: list[str]) -> None:
        details = ", ".join(f"{f.event_id} ({f.code}: {f.message})" for f in failed)
        super().__init__(f"{len(failed)} event(s) not published: {details}")
        self.failed = failed
        self.published = published


def encode(event: Mapping[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"))


def type_attribute(event: Mapping[str, Any]) -> dict[str, MessageAttributeValueTypeDef]:
    return {"type": {"DataType": "String", "StringValue": str(event["type"])}}


class EventPublisher:
    def __init__(self, topic_arn: str, sns_client: SNSClient) -> None:
        self._topic_arn = topic_arn
        self._sns = sns_client
        register_trace_header_hook(sns_client)

    @classmethod
    def from_environment(cls) -> EventPublisher:
        """Publishes to ``EVENTS_TOPIC_ARN`` with the process-wide SNS client."""
        from shared import aws

        return cls(os.environ[TOPIC_ARN_ENV], aws.sns())

    def publish(self, event: Event) -> str:
        """Validates then publishes one event under its trace (see the module docstring);
        returns the SNS message id."""
        event = with_trace_context(event)
        validate_event(event)
        with outgoing_trace_header(traceparent_to_xray_header(event.get("traceparent"))):
            response = self._sns.publish(
                TopicArn=self._topic_arn,
                Message=encode(event),
                MessageAttributes=type_attribute(event),
            )
        return response["MessageId"]

    def publish_batch(self, events: Sequence[Event]) -> list[str]:
        """Validates every event first (nothing is sent if one is invalid), then publishes
        them ten per call. Returns the published event ids; raises PublishBatchError naming
        the events SNS refused (the others stay published). One call has one trace header:
        the batch travels under the current trace, each event still carrying its own."""
        events = [with_trace_context(event) for event in events]
        for event in events:
            validate_event(event)
        published: list[str] = []
        failed: list[FailedPublish] = []
        for chunk in _chunks(events, SNS_BATCH_LIMIT):
            by_entry_id = {str(index): event for index, event in enumerate(chunk)}
            response = self._sns.publish_batch(
                TopicArn=self._topic_arn,
                PublishBatchRequestEntries=[
                    {
                        "Id": entry_id,
                        "Message": encode(event),
                        "MessageAttributes": type_attribute(event),
                    }
                    for entry_id, event in by_entry_id.items()
                ],
            )
            published += [str(by_entry_id[ok["Id"]]["id"]) for ok in response.get("Successful", [])]
            failed += [
                FailedPublish(
                    event_id=str(by_entry_id[entry["Id"]]["id"]),
                    code=entry["Code"],
                    message=entry.get("Message", ""),
                    sender_fault=entry["SenderFault"],
                )
                for entry in response.get("Failed", [])
            ]
        if failed:
            raise PublishBatchError(failed, published)
        return published


def with_trace_context(event: Event) -> Event:
    """``event`` with a ``traceparent``: its own when it has one, else the current trace
    context (unchanged when there is none, e.g. outside Lambda)."""
    if event.get("traceparent"):
        return event
    traceparent = current_traceparent()
    return {**event, "traceparent": traceparent} if traceparent else event


def _chunks(items: Sequence[Mapping[str, Any]], size: int) -> Iterator[Sequence[Mapping[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
