"""One consumer down: the others go on, its messages wait in its DLQ, nothing is lost.

The invoices generator is broken for a while (its table name replaced through the Lambda
API, so every invocation fails) while orders flow. Orders are still confirmed and
rejected, rejections are still mailed, the catalogue still answers; each OrderConfirmed
fails maxReceiveCount times and lands in the generator's DLQ. Once the function is
repaired, `scripts/redrive.py` sends the parked messages back, and every confirmed order
ends with exactly one invoice and one e-mail.

The queue's visibility timeout (six times the function's timeout: 180 s) would make
maxReceiveCount failures take 15 minutes; the test lowers it for its duration (and
restores it), as an operator drilling a failure would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import ROOT, Endpoints
from tests.e2e.mailbox import sent_emails
from tests.e2e.saga import create_product, eventually, place_order, wait_for_final

pytestmark = pytest.mark.e2e

GENERATOR = "invoices-generator"
FAILING_VISIBILITY_TIMEOUT_S = 1
CONFIG_REFRESH_S = 4  # the local runtime re-reads a function's configuration every 2 s
CONFIRMED_ORDERS = 3


@dataclass(frozen=True)
class ConsumerQueue:
    url: str
    dlq_url: str
    visibility_timeout_s: int
    max_receive_count: int


def generator_queue(aws: Callable[[str], Any], function_name: str) -> ConsumerQueue:
    lambda_client, sqs = aws("lambda"), aws("sqs")
    function_arn = lambda_client.get_function(FunctionName=function_name)["Configuration"][
        "FunctionArn"
    ]
    [mapping] = lambda_client.list_event_source_mappings(FunctionName=function_arn)[
        "EventSourceMappings"
    ]
    url = sqs.get_queue_url(QueueName=mapping["EventSourceArn"].rsplit(":", 1)[-1])["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    dlq_name = redrive["deadLetterTargetArn"].rsplit(":", 1)[-1]
    return ConsumerQueue(
        url=url,
        dlq_url=sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"],
        visibility_timeout_s=int(attributes["VisibilityTimeout"]),
        max_receive_count=int(redrive["maxReceiveCount"]),
    )


def set_environment(
    aws: Callable[[str], Any], function_name: str, variables: dict[str, str]
) -> None:
    lambda_client = aws("lambda")
    lambda_client.update_function_configuration(
        FunctionName=function_name, Environment={"Variables": variables}
    )
    lambda_client.get_waiter("function_updated_v2").wait(
        FunctionName=function_name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )
    time.sleep(CONFIG_REFRESH_S)


@pytest.fixture
def broken_generator(
    aws: Callable[[str], Any], endpoints: Endpoints
) -> Iterator[tuple[ConsumerQueue, Callable[[], None]]]:
    """Breaks the invoices generator; yields its queue and a `repair` function. Whatever
    happens, the function and the queue are restored at the end."""
    name = endpoints.raw["function_names"][GENERATOR]
    sqs = aws("sqs")
    queue = generator_queue(aws, name)
    original = aws("lambda").get_function_configuration(FunctionName=name)["Environment"][
        "Variables"
    ]
    broken = {**original, "INVOICES_TABLE_NAME": f"missing-{uuid.uuid4().hex[:8]}"}
    repaired = False

    def repair() -> None:
        nonlocal repaired
        if not repaired:
            set_environment(aws, name, original)
            repaired = True

    sqs.set_queue_attributes(
        QueueUrl=queue.url,
        Attributes={"VisibilityTimeout": str(FAILING_VISIBILITY_TIMEOUT_S)},
    )
    try:
        set_environment(aws, name, broken)
        yield queue, repair
    finally:
        repair()
        sqs.set_queue_attributes(
            QueueUrl=queue.url, Attributes={"VisibilityTimeout": str(queue.visibility_timeout_s)}
        )


def parked_order_ids(aws: Callable[[str], Any], dlq_url: str) -> set[str]:
    """The order ids of the OrderConfirmed events in the DLQ (looked at, left in place)."""
    sqs = aws("sqs")
    seen: dict[str, str] = {}
    receipts: list[str] = []
    try:
        while batch := sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=30, WaitTimeSeconds=0
        ).get("Messages", []):
            for message in batch:
                receipts.append(message["ReceiptHandle"])
                try:
                    event = json.loads(message["Body"])
                    seen[message["MessageId"]] = str(event["data"]["orderId"])
                except (ValueError, KeyError, TypeError):
                    continue
    finally:
        for receipt in receipts:
            sqs.change_message_visibility(
                QueueUrl=dlq_url, ReceiptHandle=receipt, VisibilityTimeout=0
            )
    return set(seen.values())


def invoices_of(api: Api, user: User, order_id: str) -> list[dict[str, Any]]:
    response = api.request("GET", "/invoices", user, params={"orderId": order_id})
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def mail_counts(endpoints: Endpoints, order_ids: set[str]) -> dict[str, int] | None:
    """E-mails sent about each order (one read of the mailbox); None without a mailbox."""
    mailbox = sent_emails(endpoints)
    if mailbox is None:
        return None
    return {order_id: sum(order_id in mail.body for mail in mailbox) for order_id in order_ids}


def wait_for_mails(endpoints: Endpoints, order_ids: set[str]) -> dict[str, int] | None:
    """The counts once every order has at least one e-mail (or after a minute)."""
    deadline = time.monotonic() + 60
    while True:
        counts = mail_counts(endpoints, order_ids)
        if counts is None or min(counts.values()) >= 1 or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def run_redrive(endpoints: Endpoints, *args: str) -> list[dict[str, Any]]:
    environment = {**os.environ, "AWS_DEFAULT_REGION": endpoints.region}
    if endpoints.aws_endpoint_url:
        environment["AWS_ENDPOINT_URL"] = endpoints.aws_endpoint_url
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "redrive.py"), "--json", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return list(json.loads(completed.stdout))


def test_a_failing_consumer_isolates_its_failures_and_a_redrive_recovers_them(
    *,
    api: Api,
    admin: User,
    customer: User,
    endpoints: Endpoints,
    aws: Callable[[str], Any],
    broken_generator: tuple[ConsumerQueue, Callable[[], None]],
) -> None:
    queue, repair = broken_generator
    started = time.monotonic()
    product = create_product(api, admin, stock=CONFIRMED_ORDERS)
    confirmed = [place_order(api, customer, [(product["id"], 1)]) for _ in range(CONFIRMED_ORDERS)]
    rejected = place_order(api, customer, [(product["id"], 1)])

    # The rest of the system goes on.
    for order in confirmed:
        assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    assert wait_for_final(api, customer, rejected["id"]) == "REJECTED"
    assert api.request("GET", f"/products/{product['id']}", customer).status_code == 200
    assert wait_for_mails(endpoints, {rejected["id"]}) in (None, {rejected["id"]: 1})

    # The generator's messages fail maxReceiveCount times, then wait in its DLQ.
    wanted = {order["id"] for order in confirmed}
    eventually(lambda: wanted <= parked_order_ids(aws, queue.dlq_url), timeout=120, interval=1)
    parked_after = time.monotonic() - started
    assert all(invoices_of(api, customer, order_id) == [] for order_id in wanted)

    dry_run = run_redrive(endpoints, "--dlq", queue.dlq_url, "--dry-run")
    assert dry_run[0]["waiting"] >= CONFIRMED_ORDERS
    assert dry_run[0]["moved"] == 0
    assert wanted <= parked_order_ids(aws, queue.dlq_url)

    repair()
    [outcome] = run_redrive(endpoints, "--dlq", queue.dlq_url)
    assert outcome["moved"] >= CONFIRMED_ORDERS
    assert outcome["failed"] == 0

    invoiced = {
        order_id: eventually(partial(invoices_of, api, customer, order_id), 60)
        for order_id in wanted
    }
    wait_for_mails(endpoints, wanted)
    time.sleep(2)  # anything duplicated would show by now
    assert {order_id: len(invoices) for order_id, invoices in invoiced.items()} == dict.fromkeys(
        wanted, 1
    )
    assert all(len(invoices_of(api, customer, order_id)) == 1 for order_id in wanted)
    mails = mail_counts(endpoints, wanted)
    assert mails in (None, dict.fromkeys(wanted, 1)), mails
    lost = len(wanted) - sum(1 for invoices in invoiced.values() if invoices)
    print(
        f"\nfailure isolation: {len(wanted)} confirmed + 1 rejected order while the generator "
        f"failed; parked in its DLQ after {parked_after:.1f} s (maxReceiveCount "
        f"{queue.max_receive_count}, visibility {FAILING_VISIBILITY_TIMEOUT_S} s instead of "
        f"{queue.visibility_timeout_s} s); redriven: {outcome['moved']} ({outcome['method']}); "
        f"messages lost: {lost}; total {time.monotonic() - started:.1f} s"
    )
    assert lost == 0
