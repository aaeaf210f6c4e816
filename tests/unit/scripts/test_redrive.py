"""scripts/redrive.py against moto's SQS: finds sources, counts, moves without losing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import redrive
from moto import mock_aws

REGION = "eu-west-1"


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def consumer_queue(sqs: Any, name: str) -> tuple[redrive.Queue, redrive.Queue]:
    """A queue and its dead-letter queue, wired by a RedrivePolicy (as Terraform does)."""
    dlq = redrive.resolve_queue(sqs, sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"])
    policy = {"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 2}
    url = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(policy)})[
        "QueueUrl"
    ]
    return redrive.resolve_queue(sqs, url), dlq


def park(sqs: Any, dlq: redrive.Queue, count: int) -> list[str]:
    bodies = [json.dumps({"n": n}) for n in range(count)]
    for body in bodies:
        sqs.send_message(
            QueueUrl=dlq.url,
            MessageBody=body,
            MessageAttributes={
                "type": {"DataType": "String", "StringValue": "ecommerce.orders.OrderPlaced.v1"}
            },
        )
    return bodies


def drain(sqs: Any, queue: redrive.Queue) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=queue.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []):
        messages.extend(batch)
        for message in batch:
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def test_the_source_is_the_queue_whose_redrive_policy_names_the_dlq(sqs: Any) -> None:
    source, dlq = consumer_queue(sqs, "orders")
    consumer_queue(sqs, "invoices")

    assert redrive.source_of(sqs, dlq) == source
    assert redrive.resolve_queue(sqs, dlq.arn) == dlq
    assert redrive.resolve_queue(sqs, "orders-dlq") == dlq


def test_a_dlq_nobody_redrives_to_needs_an_explicit_source(sqs: Any) -> None:
    orphan = redrive.resolve_queue(sqs, sqs.create_queue(QueueName="orphan")["QueueUrl"])
    with pytest.raises(redrive.RedriveError, match="expected one source queue"):
        redrive.source_of(sqs, orphan)


def test_all_finds_every_dlq_under_the_prefix(sqs: Any) -> None:
    orders, orders_dlq = consumer_queue(sqs, "shop-orders")
    invoices, invoices_dlq = consumer_queue(sqs, "shop-invoices")
    consumer_queue(sqs, "other-orders")

    assert redrive.redrives_under(sqs, "shop-") == [
        redrive.Redrive(dead_letter=invoices_dlq, source=invoices),
        redrive.Redrive(dead_letter=orders_dlq, source=orders),
    ]


def test_dry_run_counts_and_moves_nothing(sqs: Any, capsys: pytest.CaptureFixture[str]) -> None:
    source, dlq = consumer_queue(sqs, "shop-orders")
    park(sqs, dlq, 3)

    assert redrive.main(["--all", "--prefix", "shop-", "--dry-run", "--json"]) == 0

    [outcome] = json.loads(capsys.readouterr().out)
    assert outcome == {
        "dead_letter_queue": "shop-orders-dlq",
        "source_queue": "shop-orders",
        "waiting": 3,
        "moved": 0,
        "failed": 0,
        "method": "none",
    }
    assert redrive.waiting(sqs, dlq) == 3
    assert redrive.waiting(sqs, source) == 0


def test_messages_go_back_with_body_and_attributes(
    sqs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source, dlq = consumer_queue(sqs, "shop-orders")
    bodies = park(sqs, dlq, 23)  # three batches

    assert redrive.main(["--dlq", "shop-orders-dlq"]) == 0

    out = capsys.readouterr().out
    assert "shop-orders-dlq" in out
    assert "23 waiting, 23 moved" in out
    assert "(copy)" in out  # moto does not implement StartMessageMoveTask
    moved = drain(sqs, source)
    assert sorted(m["Body"] for m in moved) == sorted(bodies)
    assert {m["MessageAttributes"]["type"]["StringValue"] for m in moved} == {
        "ecommerce.orders.OrderPlaced.v1"
    }
    assert redrive.waiting(sqs, dlq) == 0


def test_an_explicit_source_and_a_limit(sqs: Any) -> None:
    _, dlq = consumer_queue(sqs, "orders")
    elsewhere = redrive.resolve_queue(sqs, sqs.create_queue(QueueName="replay")["QueueUrl"])
    park(sqs, dlq, 5)

    outcome = redrive.redrive(
        sqs, redrive.Redrive(dead_letter=dlq, source=elsewhere), max_messages=2
    )

    assert (outcome.moved, outcome.failed, outcome.method) == (2, 0, "copy")
    assert len(drain(sqs, elsewhere)) == 2
    assert redrive.waiting(sqs, dlq) == 3


class RefusingSecondEntry:
    """Wraps a client: the source refuses the second entry of every send batch."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> Any:
        refused, accepted = Entries[1:2], Entries[:1] + Entries[2:]
        response = self._sqs.send_message_batch(QueueUrl=QueueUrl, Entries=accepted)
        response["Failed"] = [
            {"Id": entry["Id"], "SenderFault": False, "Code": "InternalError"} for entry in refused
        ]
        return response


def test_a_message_the_source_refuses_stays_in_the_dlq(sqs: Any) -> None:
    source, dlq = consumer_queue(sqs, "orders")
    bodies = park(sqs, dlq, 4)

    refusing: Any = RefusingSecondEntry(sqs)
    outcome = redrive.redrive(refusing, redrive.Redrive(dead_letter=dlq, source=source))

    assert (outcome.moved, outcome.failed) == (3, 1)
    moved, parked = drain(sqs, source), drain(sqs, dlq)
    assert len(moved) == 3
    assert len(parked) == 1
    assert sorted(m["Body"] for m in moved + parked) == sorted(bodies)  # nothing lost


def test_native_method_reports_an_endpoint_without_it(
    sqs: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _, dlq = consumer_queue(sqs, "orders")
    park(sqs, dlq, 1)

    assert redrive.main(["--dlq", "orders-dlq", "--method", "native"]) == 2
    assert "start_message_move_task" in capsys.readouterr().err
    assert redrive.waiting(sqs, dlq) == 1


class NativeMoves:
    """Wraps a client with a StartMessageMoveTask that moves everything at once."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self.tasks: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def start_message_move_task(self, SourceArn: str, DestinationArn: str) -> Any:
        source = redrive.resolve_queue(self._sqs, SourceArn)
        destination = redrive.resolve_queue(self._sqs, DestinationArn)
        moved = drain(self._sqs, source)
        for message in moved:
            self._sqs.send_message(QueueUrl=destination.url, MessageBody=message["Body"])
        self.tasks.append(
            {
                "TaskHandle": "task-1",
                "Status": "COMPLETED",
                "ApproximateNumberOfMessagesMoved": len(moved),
            }
        )
        return {"TaskHandle": "task-1"}

    def list_message_move_tasks(self, SourceArn: str, MaxResults: int) -> Any:  # noqa: ARG002
        return {"Results": self.tasks}


def test_auto_uses_the_native_move_task_where_sqs_has_it(sqs: Any) -> None:
    source, dlq = consumer_queue(sqs, "orders")
    park(sqs, dlq, 4)
    native: Any = NativeMoves(sqs)

    outcome = redrive.redrive(native, redrive.Redrive(dead_letter=dlq, source=source))

    assert (outcome.moved, outcome.method) == (4, "native")
    assert len(native.tasks) == 1
    assert len(drain(sqs, source)) == 4
