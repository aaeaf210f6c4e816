"""Processes uploaded invoice import files (``notifications.ws_import_processor.handler``).

S3 announces every object created under ``imports/`` in the imports bucket to an SQS
queue (with a DLQ); each record is one upload of ``imports/<transactionId>.json``:

1. ``PENDING`` -> ``RECEIVED`` (pushed ``received``); an upload for a cancelled or timed-out
   import is ignored and that status is pushed again, with the reason;
2. an object larger than ``invoice_import.MAX_FILE_BYTES`` (by the event's ``s3.object.size``)
   is ``INVALID`` (rule ``maxSize``) without being read; otherwise
   the file is parsed and checked (``notifications.invoice_import``): ``INVALID`` with the
   reasons (field paths), or stored in the invoices table and ``PROCESSED``.

Statuses are pushed to the connection that asked for the upload URL. A redelivery finds
the transaction ``RECEIVED`` (processing resumes; storing is idempotent) or final
(nothing to do). S3's ``s3:TestEvent`` is skipped.

Environment: ``CONNECTIONS_TABLE_NAME``, ``INVOICES_TABLE_NAME``,
``CONNECTIONS_ENDPOINT_URL`` (see ``notifications.pusher``).
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from notifications import invoice_import, ws_messages
from notifications.connections import ConnectionStore
from notifications.imports import ImportStatus, ImportStore, ImportTransaction, transaction_id_of
from notifications.pusher import Pusher, management_client
from shared import aws
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"
INVOICES_TABLE_ENV = "INVOICES_TABLE_NAME"

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def imports() -> ImportStore:
    return ImportStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def invoices() -> invoice_import.ImportedInvoices:
    return invoice_import.ImportedInvoices(os.environ[INVOICES_TABLE_ENV], aws.dynamodb())


@cache
def pusher() -> Pusher:
    store = ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())
    return Pusher(management_client(), store.remove)


def notify(transaction: ImportTransaction, message: dict[str, Any]) -> None:
    pusher().push([transaction.connection_id], message)
    logger.info("Import status", transaction_id=transaction.transaction_id, **message)


def process_record(record: SQSRecord) -> None:
    notification = json.loads(record.body)
    if notification.get("Event") == "s3:TestEvent":
        return
    for s3_record in notification.get("Records", []):
        if not str(s3_record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        bucket = s3_record["s3"]["bucket"]["name"]
        key = unquote_plus(s3_record["s3"]["object"]["key"])
        size = s3_record["s3"]["object"].get("size")
        process_upload(bucket, key, size if isinstance(size, int) else None)


def process_upload(bucket: str, key: str, size: int | None = None) -> None:
    transaction_id = transaction_id_of(key)
    transaction = imports().get(transaction_id) if transaction_id else None
    if transaction is None:
        logger.warning("Upload without an import transaction: ignored", key=key)
        return
    if transaction.status is ImportStatus.PENDING:
        moved = imports().move(transaction.transaction_id, ImportStatus.RECEIVED)
        if moved is not None:
            notify(moved, ws_messages.import_status(moved.transaction_id, "received"))
        transaction = moved or imports().get(transaction.transaction_id) or transaction
    if transaction.status in {ImportStatus.CANCELLED, ImportStatus.TIMED_OUT}:
        why = f"the upload arrived after the import was {transaction.status.value}: ignored"
        notify(
            transaction,
            ws_messages.import_status(
                transaction.transaction_id,
                transaction.status.value,
                reasons=[{"field": "", "rule": transaction.status.value, "message": why}],
            ),
        )
        return
    if transaction.status is not ImportStatus.RECEIVED:
        return  # already processed or found invalid: a redelivery
    if size is not None and size > invoice_import.MAX_FILE_BYTES:
        # Refused from the event's object size: the object is never read into memory.
        finish(transaction, None, [invoice_import.too_large_reason(size)])
        return
    raw = aws.s3().get_object(Bucket=bucket, Key=key)["Body"].read()
    finish(transaction, raw)


def finish(
    transaction: ImportTransaction, raw: bytes | None, refused: list[Any] | None = None
) -> None:
    if refused:
        document: Any = None
        reasons = refused
    else:
        document, reasons = invoice_import.parse(raw or b"")
    if not reasons:
        reasons = invoice_import.check(document)
    invoice_id = None
    if not reasons:
        try:
            invoice_id = invoices().store(
                transaction.transaction_id, transaction.admin_id, document
            )
        except invoice_import.DuplicateInvoiceNumber as duplicate:
            reasons = [{"field": "number", "rule": "unique", "message": str(duplicate)}]
    if reasons:
        details = {"reasons": {"S": json.dumps(reasons)}}
        moved = imports().move(
            transaction.transaction_id,
            ImportStatus.INVALID,
            expected=ImportStatus.RECEIVED,
            details=details,
        )
        message = ws_messages.import_status(transaction.transaction_id, "invalid", reasons=reasons)
        metrics.add_metric(name="InvoiceImportsInvalid", unit="Count", value=1)
    else:
        assert invoice_id is not None
        moved = imports().move(
            transaction.transaction_id,
            ImportStatus.PROCESSED,
            expected=ImportStatus.RECEIVED,
            details={"invoiceId": {"S": invoice_id}},
        )
        message = ws_messages.import_status(
            transaction.transaction_id, "processed", invoice_id=invoice_id
        )
        metrics.add_metric(name="InvoiceImportsProcessed", unit="Count", value=1)
    if moved is not None:
        notify(moved, message)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=process_record, processor=processor, context=context
    )
