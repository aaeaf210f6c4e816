"""The e-mail consumer against moto's SES and S3: one mail per event, whatever SQS does;
the confirmation is one MIME message carrying the invoice PDF read from the bucket."""

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

import notifications.attachments
import notifications.mailer
from notifications.mailer import MessageTooLarge, SesMailer
from notifications.messages import Email, Settings, email_for
from notifications.mime import Attachment
from notifications.send_once import EventInFlight, SendOnce
from tests.unit.helpers import lambda_context
from tests.unit.notifications.conftest import (
    INVOICES_BUCKET,
    PDF_BYTES,
    SENDER,
    TABLE,
    Deliver,
    html_of,
    invoice_generated,
    order_rejected,
    reason,
    sent_mails,
    sent_messages,
    store_invoice_pdf,
    text_of,
)

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"

pytestmark = pytest.mark.usefixtures("mailing")


def test_an_invoice_sends_the_confirmation_through_ses(deliver: Deliver) -> None:
    event = invoice_generated()
    store_invoice_pdf(event)
    assert deliver(event) == {"batchItemFailures": []}

    [message] = sent_messages()
    assert message.source == SENDER
    assert message.destinations == ["ada@example.com"]  # from the To header, once
    [mail] = sent_mails()
    assert mail["From"] == SENDER
    assert mail["To"] == "ada@example.com"
    assert mail["Subject"] == "Order confirmed - invoice INV-2026-000042"
    assert mail["Date"]
    link = f"https://shop.example.com/account/invoices/{event['data']['invoiceId']}"
    text, html = text_of(mail), html_of(mail)
    assert "3,876.00 EUR" in text
    assert "3,876.00 EUR" in html
    assert "view your invoice in your account" in text
    assert f'<a href="{link}">view your invoice in your account</a>' in html
    assert link in text
    assert "Example Shop" in text


def test_the_confirmation_is_text_html_and_the_invoice_pdf_from_the_bucket(
    deliver: Deliver,
) -> None:
    event = invoice_generated()
    store_invoice_pdf(event)
    deliver(event)

    [mail] = sent_mails()
    assert mail.get_content_type() == "multipart/mixed"
    alternative, pdf = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in alternative.iter_parts())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == "INV-2026-000042.pdf"
    assert pdf["Content-Transfer-Encoding"] == "base64"
    stored = boto3.client("s3").get_object(Bucket=INVOICES_BUCKET, Key=event["data"]["key"])
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert pdf.get_content() == stored["Body"].read() == PDF_BYTES


def test_a_raw_message_keeps_to_the_smtp_line_limits(deliver: Deliver) -> None:
    event = invoice_generated()
    store_invoice_pdf(event, bytes(range(256)) * 400)  # 100 KB: many base64 lines
    deliver(event)

    [message] = sent_messages()
    lines = message.raw_data.split("\r\n")
    assert max(map(len, lines)) <= 78  # SES refuses lines over 1,000 characters
    assert "\n" not in message.raw_data.replace("\r\n", "")  # CRLF only


def test_a_missing_invoice_pdf_sends_nothing_and_is_retried(deliver: Deliver) -> None:
    event = invoice_generated()
    with pytest.raises(BatchProcessingError):
        deliver(event)
    assert sent_messages() == []

    store_invoice_pdf(event)  # e.g. a bucket replica caught up: the retry sends
    assert deliver(event) == {"batchItemFailures": []}
    [mail] = sent_mails()
    assert [p.get_filename() for p in mail.iter_attachments()] == ["INV-2026-000042.pdf"]


def test_an_attachment_over_the_limit_is_refused_before_reading_it(
    deliver: Deliver, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = invoice_generated()
    store_invoice_pdf(event)
    monkeypatch.setattr(notifications.attachments, "MAX_ATTACHMENT_BYTES", len(PDF_BYTES) - 1)

    with pytest.raises(BatchProcessingError) as failed:
        deliver(event)
    assert sent_messages() == []
    assert "an e-mail attachment may be at most" in str(failed.value.child_exceptions[0][1])


def test_a_rejection_names_the_products(deliver: Deliver) -> None:
    named = reason(requested=4, available=0, name="Blue mug")
    gone = reason("UNKNOWN_PRODUCT", 1, 0, name="Café crème, 1 kg")
    deliver(order_rejected(named, gone))

    [mail] = sent_mails()
    assert mail["Subject"] == "We could not accept your order"
    assert list(mail.iter_attachments()) == []
    assert mail.get_content_type() == "multipart/alternative"
    text, html = text_of(mail), html_of(mail)
    assert "- you asked for 4 of \u201cBlue mug\u201d, but none is in stock" in text
    assert "- \u201cCafé crème, 1 kg\u201d is no longer sold" in text
    assert "\u201cBlue mug\u201d" in html
    assert "Café crème, 1 kg" in html
    assert named["productId"] not in text
    assert gone["productId"] not in text


def test_a_rejection_from_before_product_names_falls_back_to_the_ids(deliver: Deliver) -> None:
    old = reason(requested=4, available=0)  # OrderRejected v1.0: no productName
    deliver(order_rejected(old))

    [mail] = sent_mails()
    assert f"you asked for 4 of product {old['productId']}, but none is in stock" in text_of(mail)


def test_an_order_confirmation_sends_nothing(deliver: Deliver) -> None:
    example = SCHEMAS / "events/orders/OrderConfirmed/examples/v1.0/valid/confirmed.json"
    assert deliver(json.loads(example.read_text(encoding="utf-8"))) == {"batchItemFailures": []}
    assert sent_messages() == []


def test_a_duplicated_event_sends_one_mail(deliver: Deliver) -> None:
    event = invoice_generated()
    store_invoice_pdf(event)
    deliver(event, event)
    deliver(event)
    assert len(sent_messages()) == 1
    other = invoice_generated()
    store_invoice_pdf(other)
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
    dedup.register_lambda_context(lambda_context())
    event = invoice_generated()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(dedup.run_once, event, slow_send) for _ in range(4)]
    outcomes = [type(f.exception()).__name__ if f.exception() else "sent" for f in futures]

    assert sends == [event["id"]]
    assert sorted(outcomes) == ["EventInFlight"] * 3 + ["sent"]
    dedup.run_once(event, slow_send)  # the retry after the visibility timeout: a duplicate
    assert sends == [event["id"]]


class LambdaTimedOut(BaseException):
    """The runtime ending an invocation: nothing after it runs, not even cleanup."""


def test_a_claim_whose_lambda_died_is_taken_over_after_its_lease() -> None:
    dedup = SendOnce(TABLE, "email")
    dedup.register_lambda_context(lambda_context())
    event = invoice_generated()
    sent: list[str] = []

    def send(claimed: dict[str, Any]) -> None:
        sent.append(claimed["id"])

    def die(_claimed: dict[str, Any]) -> None:
        raise LambdaTimedOut

    # A delivery claimed the event, then its Lambda timed out before sending or releasing.
    with pytest.raises(LambdaTimedOut):
        dedup.run_once(event, die)
    with pytest.raises(EventInFlight):
        dedup.run_once(event, send)
    assert sent == []
    [claim] = idempotency_records()
    boto3.client("dynamodb").update_item(  # the dead invocation's deadline passes
        TableName=TABLE,
        Key={"pk": claim["pk"], "sk": claim["sk"]},
        UpdateExpression="SET in_progress_expiration = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time() * 1000) - 1)}},
    )
    dedup.run_once(event, send)
    assert sent == [event["id"]]


def test_the_claim_is_one_record_kept_past_sqs_retention(deliver: Deliver) -> None:
    event = order_rejected(reason())
    deliver(event)
    [record] = idempotency_records()
    assert record["pk"] == {"S": "IDEMPOTENCY#email"}
    assert record["sk"]["S"].startswith("email#")
    assert record["status"] == {"S": "COMPLETED"}
    kept_days = (int(record["expiresAt"]["N"]) - time.time()) / 86_400
    assert 14.9 < kept_days <= 15  # SQS keeps a message 14 days at most


def idempotency_records() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=TABLE)["Items"]
    return [item for item in items if item["pk"]["S"].startswith("IDEMPOTENCY#")]


class Recorder:
    request: dict[str, Any]

    def send_raw_email(self, **request: Any) -> dict[str, str]:
        self.request = request
        return {"MessageId": "m-1"}


def test_the_sender_and_configuration_set_are_used() -> None:
    recorder = Recorder()
    mailer = SesMailer(recorder, "Shop <shop@example.com>", configuration_set="ecommerce-test")
    email = email_for(invoice_generated(), Settings("Shop", "https://x/$invoiceId"))
    assert isinstance(email, Email)
    assert mailer.send(email, [Attachment("INV-2026-000042.pdf", "application/pdf", b"%PDF")]) == (
        "m-1"
    )
    assert recorder.request["Source"] == "Shop <shop@example.com>"
    assert recorder.request["ConfigurationSetName"] == "ecommerce-test"
    assert "Destinations" not in recorder.request  # SES takes them from the To header
    raw = recorder.request["RawMessage"]["Data"]
    assert isinstance(raw, bytes)
    assert b"From: Shop <shop@example.com>\r\n" in raw
    assert b"To: ada@example.com\r\n" in raw


def test_a_message_over_the_ses_limit_is_refused_before_calling_ses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder()
    email = email_for(invoice_generated(), Settings("Shop", "https://x/$invoiceId"))
    assert isinstance(email, Email)
    monkeypatch.setattr(notifications.mailer, "MAX_RAW_MESSAGE_BYTES", 4096)

    with pytest.raises(MessageTooLarge, match="SES sends at most 4096 bytes"):
        SesMailer(recorder, SENDER).send(
            email, [Attachment("a.pdf", "application/pdf", b"x" * 4096)]
        )
    assert not hasattr(recorder, "request")
