"""E-mail to customers (``notifications.email_consumer.handler``, SQS).

Subscribed to ``OrderConfirmed.v1``, ``OrderRejected.v1`` (orders topic) and
``InvoiceGenerated.v1`` (invoices topic); which mail each one sends is decided in
``notifications.messages``; its attachments (the invoice PDF) are read from S3
(``notifications.attachments``) and the mail goes out as one raw MIME message
(``notifications.mailer``). Every message is validated against its contract first; a
violation goes to the DLQ of the queue it came from (``DEAD_LETTER_QUEUES``, see
``shared.events.consumer``) and is not retried. Each event sends at most one mail,
whatever SQS does (``notifications.send_once``: Powertools Idempotency).

Environment: ``SENDER_EMAIL`` (a verified SES identity, optionally ``Name <address>``),
``NOTIFICATIONS_TABLE_NAME``, ``INVOICE_URL_TEMPLATE`` (``$invoiceId``, ``$orderId``),
``SHOP_NAME``, ``SES_CONFIGURATION_SET`` (optional).
"""

from __future__ import annotations

import os
from functools import cache

from notifications.attachments import S3Attachments
from notifications.mailer import SesMailer
from notifications.messages import (
    INVOICE_GENERATED,
    ORDER_CONFIRMED,
    ORDER_REJECTED,
    Settings,
    email_for,
)
from notifications.send_once import SendOnce
from shared import aws
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
from shared.events.envelope import Event
from shared.observability import logger, metrics

TABLE_ENV = "NOTIFICATIONS_TABLE_NAME"
SENDER_ENV = "SENDER_EMAIL"
INVOICE_URL_ENV = "INVOICE_URL_TEMPLATE"
SHOP_NAME_ENV = "SHOP_NAME"
CONFIGURATION_SET_ENV = "SES_CONFIGURATION_SET"
CONSUMER = "email"


@cache
def settings() -> Settings:
    return Settings(
        shop_name=os.environ.get(SHOP_NAME_ENV) or "The shop",
        invoice_url_template=os.environ[INVOICE_URL_ENV],
    )


@cache
def mailer() -> SesMailer:
    return SesMailer(
        aws.client("ses"),
        os.environ[SENDER_ENV],
        configuration_set=os.environ.get(CONFIGURATION_SET_ENV) or None,
    )


@cache
def attachments() -> S3Attachments:
    return S3Attachments(aws.s3())


def send_email(event: Event) -> None:
    email = email_for(event, settings())
    if email is None:
        logger.debug("No e-mail for this event", event_type=event["type"])
        return
    files = [attachments().fetch(stored) for stored in email.attachments]
    message_id = mailer().send(email, files)
    logger.info(
        "E-mail sent",
        event_type=event["type"],
        order_id=email.reference,
        ses_id=message_id,
        attachments=[file.filename for file in files],
    )
    metrics.add_metric(name="EmailsSent", unit="Count", value=1)


# OrderConfirmed sends nothing itself (the confirmation mail waits for the invoice to
# attach): `email_for` decides, per event, which mail (if any) goes out.
HANDLERS: DispatchTable = dict.fromkeys(
    (ORDER_CONFIRMED, ORDER_REJECTED, INVOICE_GENERATED), send_email
)


@cache
def send_once() -> SendOnce:
    return SendOnce(os.environ[TABLE_ENV], CONSUMER, client=aws.dynamodb())


@cache
def consumer() -> EventConsumer:
    return EventConsumer(dispatch(HANDLERS), deduplicator=send_once())


handler = consumer_handler(consumer)
