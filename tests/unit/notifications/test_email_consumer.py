"""The e-mail consumer against moto's SES: one mail per event, whatever SQS does."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from notifications.mailer import SesMailer
from notifications.messages import Email, Settings, email_for
from notifications.send_once import EventInFlight, SendOnce
from tests.unit.notifications.conftest import (
    SENDER,
    TABLE,
    Deliver,
    invoice_generated,
    order_rejected,
    reason,
    sent_messages,
)

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"

pytestmark = pytest.mark.usefixtures("mailing")


def test_an_invoice_sends_the_confirmation_through_ses(deliver: Deliver) -> None:
    event = invoice_generated()
    assert deliver(event) == {"batchItemFailures": []}

    [message] = sent_messages()
    assert message.source == SENDER
    assert message.destinations["ToAddresses"] == ["ada@example.com"]
    assert message.subject == "Order confirmed - invoice INV-2026-000042"
    assert "3,876.00 EUR" in message.body
    assert f"https://shop.example.com/account/invoices/{event['data']['invoiceId']}" in message.body
    assert "Example Shop" in message.body


def test_a_rejection_sends_the_reasons(deliver: Deliver) -> None:
    event = order_rejected(reason(requested=4, available=0))
    deliver(event)
    [message] = sent_messages()
    assert message.subject == "We could not accept your order"
    assert "you asked for 4 of product" in message.body


def test_an_order_confirmation_sends_nothing(deliver: Deliver) -> None:
    example = SCHEMAS / "events/orders/OrderConfirmed/examples/v1.0/valid/confirmed.json"
    assert deliver(json.loads(example.read_text(encoding="utf-8"))) == {"batchItemFailures": []}
    assert sent_messages() == []


def test_a_duplicated_event_sends_one_mail(deliver: Deliver) -> None:
    event = invoice_generated()
    deliver(event, event)
    deliver(event)
    assert len(sent_messages()) == 1
    other = invoice_generated()
    deliver(other)
    assert len(sent_messages()) == 2


def test_a_failed_send_releases_the_claim_so_the_retry_sends(deliver: Deliver) -> None:
    event = order_rejected(reason())

    def unavailable(*_args: Any, **_kwargs: Any) -> str:
        raise ConnectionError("SES unavailable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SesMailer, "send", unavailable)
        with pytest.raises(BatchProcessingError):
            deliver(event)
    assert sent_messages() == []
    assert deliver(event) == {"batchItemFailures": []}
    assert len(sent_messages()) == 1


def test_a_contract_violation_goes_to_the_dlq(deliver: Deliver, mailing: dict[str, Any]) -> None:
    broken = order_rejected(reason())
    broken["data"]["reasons"] = []
    assert deliver(broken) == {"batchItemFailures": []}
    assert sent_messages() == []
    [parked] = boto3.client("sqs").receive_message(
        QueueUrl=mailing["dlq_url"], MessageAttributeNames=["All"]
    )["Messages"]
    assert parked["MessageAttributes"]["field"]["StringValue"] == "data.reasons"


class AtomicCalls:
    """Each DynamoDB call atomic, as in the real service (moto's backend has no locks)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()
        self.exceptions = client.exceptions

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)

        def call(**kwargs: Any) -> Any:
            with self._lock:
                return method(**kwargs)

        return call


def test_concurrent_deliveries_send_once_and_the_loser_retries_later() -> None:
    sends: list[str] = []

    def slow_send(event: dict[str, Any]) -> None:
        time.sleep(0.2)
        sends.append(event["id"])

    dedup = SendOnce(TABLE, "email", client=AtomicCalls(boto3.client("dynamodb")))
    event = invoice_generated()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(dedup.run_once, event, slow_send) for _ in range(4)]
    outcomes = [type(f.exception()).__name__ if f.exception() else "sent" for f in futures]

    assert sends == [event["id"]]
    assert sorted(outcomes) == ["EventInFlight"] * 3 + ["sent"]
    dedup.run_once(event, slow_send)  # the retry after the visibility timeout: a duplicate
    assert sends == [event["id"]]


def test_a_claim_whose_lambda_died_is_taken_over_after_its_lease() -> None:
    now = [1_000.0]
    dedup = SendOnce(TABLE, "email", clock=lambda: now[0])
    event = invoice_generated()
    sent: list[str] = []

    def send(claimed: dict[str, Any]) -> None:
        sent.append(claimed["id"])

    # A delivery claimed the event, then its Lambda timed out before sending or releasing.
    dedup._claim(event, "token-of-the-dead-invocation")
    with pytest.raises(EventInFlight):
        dedup.run_once(event, send)
    assert sent == []
    now[0] += 121  # past the two-minute lease
    dedup.run_once(event, send)
    assert sent == [event["id"]]


def test_the_sender_and_configuration_set_are_used() -> None:
    class Recorder:
        request: dict[str, Any]

        def send_email(self, **request: Any) -> dict[str, str]:
            self.request = request
            return {"MessageId": "m-1"}

    recorder = Recorder()
    mailer = SesMailer(recorder, "Shop <shop@example.com>", configuration_set="ecommerce-test")
    email = email_for(invoice_generated(), Settings("Shop", "https://x/$invoiceId"))
    assert isinstance(email, Email)
    assert mailer.send(email) == "m-1"
    assert recorder.request["Source"] == "Shop <shop@example.com>"
    assert recorder.request["ConfigurationSetName"] == "ecommerce-test"
    assert set(recorder.request["Message"]["Body"]) == {"Text", "Html"}
