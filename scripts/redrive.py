"""Moves the messages parked in dead-letter queues back to the queues they came from.

    python scripts/redrive.py --all --prefix shop-local- --dry-run   # counts per queue
    python scripts/redrive.py --dlq shop-local-invoices-order-confirmed-dlq
    python scripts/redrive.py --dlq <url|arn|name> --to <url|arn|name>

The source of a dead-letter queue is the queue whose RedrivePolicy names it
(ListDeadLetterSourceQueues), else the one its RedriveAllowPolicy admits; ``--to``
overrides both. Talks to AWS, or to an emulator through ``AWS_ENDPOINT_URL`` /
``--endpoint-url``.

Two ways to move:

- **native**: SQS's own StartMessageMoveTask (asynchronous; waited for here);
- **copy**: receive a batch, send it to the source, and delete from the dead-letter queue
  only what the source accepted; a message whose send failed stays parked. A crash
  between send and delete leaves a copy in both queues: consumers are idempotent, a
  duplicate is harmless, a loss is not.

``--method auto`` (default) tries native and copies where the endpoint does not implement
it (moto). A run moves at most the messages waiting when it started (``--max`` lowers
that), so a message that fails again and comes straight back is not moved twice.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef, SendMessageBatchRequestEntryTypeDef

BATCH_SIZE = 10  # the SQS maximum for receive, send and delete batches
NATIVE_UNSUPPORTED = {"InternalFailure", "InvalidAction", "NotImplemented", "UnknownOperation"}
TASK_DONE = {"COMPLETED", "FAILED", "CANCELLED"}


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Redrive:
    """A dead-letter queue and the queue its messages go back to."""

    dead_letter: Queue
    source: Queue


@dataclass(frozen=True)
class Outcome:
    dead_letter_queue: str
    source_queue: str
    waiting: int
    moved: int
    failed: int
    method: str


class RedriveError(Exception):
    """The redrive cannot be set up (unknown queue, no or several sources)."""


# -- finding the queues --


def resolve_queue(sqs: SQSClient, reference: str) -> Queue:
    """A queue by URL, ARN or name."""
    if reference.startswith("arn:"):
        parts = reference.split(":")
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
    elif "://" in reference:
        url = reference
    else:
        try:
            url = sqs.get_queue_url(QueueName=reference)["QueueUrl"]
        except ClientError as error:
            raise RedriveError(f"no queue named {reference!r}") from error
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return Queue(url=url, arn=arn)


def source_of(sqs: SQSClient, dead_letter: Queue) -> Queue:
    """The one queue that sends its failures to ``dead_letter``."""
    urls = [
        url
        for page in sqs.get_paginator("list_dead_letter_source_queues").paginate(
            QueueUrl=dead_letter.url
        )
        for url in page.get("queueUrls", [])
    ]
    if not urls:
        attributes = sqs.get_queue_attributes(QueueUrl=dead_letter.url, AttributeNames=["All"])
        allow = attributes.get("Attributes", {}).get("RedriveAllowPolicy")
        urls = [
            resolve_queue(sqs, arn).url
            for arn in json.loads(allow or "{}").get("sourceQueueArns", [])
        ]
    if len(urls) != 1:
        found = ", ".join(urls) or "none"
        raise RedriveError(
            f"{dead_letter.name}: expected one source queue, found {found}; name it with --to"
        )
    return resolve_queue(sqs, urls[0])


def redrives_under(sqs: SQSClient, prefix: str) -> list[Redrive]:
    """Every dead-letter queue named ``<prefix>...`` that a queue redrives to, with it."""
    queues = [
        resolve_queue(sqs, url)
        for page in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix)
        for url in page.get("QueueUrls", [])
    ]
    by_arn = {queue.arn: queue for queue in queues}
    redrives: list[Redrive] = []
    for queue in queues:
        attributes = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["RedrivePolicy"])
        policy = attributes.get("Attributes", {}).get("RedrivePolicy")
        target = json.loads(policy or "{}").get("deadLetterTargetArn")
        if target in by_arn:
            redrives.append(Redrive(dead_letter=by_arn[target], source=queue))
    return sorted(redrives, key=lambda redrive: redrive.dead_letter.name)


def waiting(sqs: SQSClient, queue: Queue) -> int:
    """Messages in the queue (visible, or in flight with a consumer)."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue.url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    ).get("Attributes", {})
    return int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
        attributes.get("ApproximateNumberOfMessagesNotVisible", 0)
    )


# -- moving --


class NativeMoveUnsupported(Exception):
    """The endpoint does not implement StartMessageMoveTask."""


def move_natively(
    sqs: SQSClient, redrive: Redrive, *, poll_s: float = 2.0, timeout_s: float = 900.0
) -> int:
    """StartMessageMoveTask, waited for; returns the messages it moved."""
    try:
        handle = sqs.start_message_move_task(
            SourceArn=redrive.dead_letter.arn, DestinationArn=redrive.source.arn
        )["TaskHandle"]
    except NotImplementedError as error:  # moto's in-process mock
        raise NativeMoveUnsupported(str(error)) from error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in NATIVE_UNSUPPORTED or status in (404, 500, 501):
            raise NativeMoveUnsupported(str(error)) from error
        raise
    deadline = time.monotonic() + timeout_s
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=redrive.dead_letter.arn, MaxResults=10)
        task = next((t for t in tasks["Results"] if t.get("TaskHandle") == handle), None)
        task = task or (tasks["Results"][0] if tasks["Results"] else {})
        if task.get("Status") in TASK_DONE:
            if task["Status"] != "COMPLETED":
                raise RedriveError(f"move task {task['Status']}: {task.get('FailureReason')}")
            return int(task.get("ApproximateNumberOfMessagesMoved", 0))
        if time.monotonic() > deadline:
            raise RedriveError(f"move task still running after {timeout_s:.0f}s: {handle}")
        time.sleep(poll_s)


def _resend_entry(index: int, message: MessageTypeDef) -> SendMessageBatchRequestEntryTypeDef:
    """The send-batch entry that recreates ``message`` (body, attributes, FIFO group)."""
    entry: SendMessageBatchRequestEntryTypeDef = {
        "Id": str(index),
        "MessageBody": message["Body"],
    }
    attributes = {
        name: {
            key: value
            for key, value in attribute.items()
            if key in ("DataType", "StringValue", "BinaryValue")
        }
        for name, attribute in message.get("MessageAttributes", {}).items()
    }
    if attributes:
        entry["MessageAttributes"] = attributes  # type: ignore[typeddict-item]
    system = message.get("Attributes", {})
    if "MessageGroupId" in system:
        entry["MessageGroupId"] = system["MessageGroupId"]
        entry["MessageDeduplicationId"] = system.get("MessageDeduplicationId", message["MessageId"])
    return entry


def move_by_copy(
    sqs: SQSClient,
    redrive: Redrive,
    limit: int,
    *,
    visibility_timeout_s: int = 60,
    wait_s: int = 1,
) -> tuple[int, int]:
    """Receive, send to the source, delete what was sent; returns (moved, failed).

    Handles at most ``limit`` messages. A failed send leaves its message in the dead-letter
    queue (made visible again); it is counted once and not retried in this run.
    """
    moved = failed = 0
    while moved + failed < limit:
        messages = sqs.receive_message(
            QueueUrl=redrive.dead_letter.url,
            MaxNumberOfMessages=min(BATCH_SIZE, limit - moved - failed),
            WaitTimeSeconds=wait_s,
            VisibilityTimeout=visibility_timeout_s,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"],
        ).get("Messages", [])
        if not messages:
            break
        response = sqs.send_message_batch(
            QueueUrl=redrive.source.url,
            Entries=[_resend_entry(index, message) for index, message in enumerate(messages)],
        )
        sent = [messages[int(entry["Id"])] for entry in response.get("Successful", [])]
        unsent = [messages[int(entry["Id"])] for entry in response.get("Failed", [])]
        for message in unsent:  # stays parked; visible again for the next run
            print(
                f"warning: could not send {message['MessageId']} to {redrive.source.name}",
                file=sys.stderr,
            )
            sqs.change_message_visibility(
                QueueUrl=redrive.dead_letter.url,
                ReceiptHandle=message["ReceiptHandle"],
                VisibilityTimeout=0,
            )
        _delete(sqs, redrive.dead_letter, sent)
        moved += len(sent)
        failed += len(unsent)
        if unsent:
            break  # the source refuses messages: stop rather than spin
    return moved, failed


def _delete(sqs: SQSClient, queue: Queue, messages: Sequence[MessageTypeDef]) -> None:
    if not messages:
        return
    response = sqs.delete_message_batch(
        QueueUrl=queue.url,
        Entries=[
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
            for index, message in enumerate(messages)
        ],
    )
    for failure in response.get("Failed", []):
        # Sent but still parked: the source gets it again on the next redrive (a harmless
        # duplicate for idempotent consumers), never lost.
        print(f"warning: could not delete from {queue.name}: {failure}", file=sys.stderr)


def redrive(
    sqs: SQSClient,
    target: Redrive,
    *,
    dry_run: bool = False,
    method: str = "auto",
    max_messages: int | None = None,
) -> Outcome:
    count = waiting(sqs, target.dead_letter)
    limit = count if max_messages is None else min(count, max_messages)
    moved = failed = 0
    used = "none" if dry_run or limit == 0 else method
    if not dry_run and limit > 0:
        if method in ("auto", "native") and max_messages is None:
            try:
                moved, used = move_natively(sqs, target), "native"
            except NativeMoveUnsupported:
                if method == "native":
                    raise
                used = "copy"
        if used != "native":
            moved, failed = move_by_copy(sqs, target, limit)
            used = "copy"
    return Outcome(
        dead_letter_queue=target.dead_letter.name,
        source_queue=target.source.name,
        waiting=count,
        moved=moved,
        failed=failed,
        method=used,
    )


# -- command line --


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--dlq", action="append", help="dead-letter queue (URL, ARN or name)")
    which.add_argument(
        "--all", action="store_true", help="every dead-letter queue named --prefix..."
    )
    parser.add_argument("--prefix", default="", help="queue name prefix for --all")
    parser.add_argument("--to", help="source queue (URL, ARN or name); only with one --dlq")
    parser.add_argument("--dry-run", action="store_true", help="count, move nothing")
    parser.add_argument("--method", choices=["auto", "native", "copy"], default="auto")
    parser.add_argument("--max", type=int, dest="max_messages", help="move at most N per queue")
    parser.add_argument("--endpoint-url", help="an emulator (default: $AWS_ENDPOINT_URL)")
    parser.add_argument("--region", help="default: the AWS configuration's")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = parser.parse_args(argv)
    if args.to and (not args.dlq or len(args.dlq) != 1):
        parser.error("--to goes with exactly one --dlq")
    if args.max_messages is not None and args.max_messages < 1:
        parser.error("--max must be at least 1")
    return args


def targets(sqs: SQSClient, args: argparse.Namespace) -> list[Redrive]:
    if args.all:
        return redrives_under(sqs, args.prefix)
    found = []
    for reference in args.dlq:
        dead_letter = resolve_queue(sqs, reference)
        source = resolve_queue(sqs, args.to) if args.to else source_of(sqs, dead_letter)
        found.append(Redrive(dead_letter=dead_letter, source=source))
    return found


def print_table(outcomes: Iterable[Outcome], dry_run: bool) -> None:
    rows = list(outcomes)
    width = max([len(o.dead_letter_queue) for o in rows] + [len("dead-letter queue")])
    print(f"{'dead-letter queue':<{width}}  {'waiting':>7}  {'moved':>5}  {'failed':>6}  to")
    for o in rows:
        print(
            f"{o.dead_letter_queue:<{width}}  {o.waiting:>7}  {o.moved:>5}  {o.failed:>6}"
            f"  {o.source_queue} ({o.method})"
        )
    total_waiting = sum(o.waiting for o in rows)
    total_moved = sum(o.moved for o in rows)
    print(
        f"{len(rows)} queues, {total_waiting} waiting, {total_moved} moved"
        + (" (dry run: nothing moved)" if dry_run else "")
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sqs: SQSClient = boto3.client("sqs", endpoint_url=args.endpoint_url, region_name=args.region)
    try:
        outcomes = [
            redrive(
                sqs,
                target,
                dry_run=args.dry_run,
                method=args.method,
                max_messages=args.max_messages,
            )
            for target in targets(sqs, args)
        ]
    except (RedriveError, NativeMoveUnsupported) as error:
        print(f"redrive: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([asdict(outcome) for outcome in outcomes], indent=2))
    else:
        print_table(outcomes, args.dry_run)
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
