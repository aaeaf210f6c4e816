"""Processes uploaded invoice import files (``invoices.import_processor.handler``).

S3 announces every object created under ``imports/`` in the imports bucket to an SQS
queue (with a DLQ); each record is one upload of ``imports/<transactionId>.json``:

1. ``PENDING`` -> ``RECEIVED``; an upload for a cancelled or timed-out import is ignored
   and noted on the transaction with the reason (that status is announced again);
2. an object larger than ``import_files.MAX_FILE_BYTES`` (by the event's ``s3.object.size``)
   is ``INVALID`` (rule ``maxSize``) without being read; otherwise
   the file is parsed and checked (``invoices.import_files``): ``INVALID`` with the
   reasons (field paths), or stored in the invoices table and ``PROCESSED``.

Nothing is pushed from here: every status change is a write of the transaction item in the
invoices table, which the table's stream announces (``InvoiceImportStatusChanged``,
``invoices.events``) and realtime pushes to the connection that asked for the upload URL.
A redelivery finds the transaction ``RECEIVED`` (processing resumes; storing is
idempotent) or final (nothing to do). S3's ``s3:TestEvent`` is skipped.

Environment: ``INVOICES_TABLE_NAME``.
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

from invoices import import_files
from invoices.import_transactions import (
    ImportStatus,
    ImportStore,
    ImportTransaction,
    transaction_id_of,
)
from shared import aws
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "INVOICES_TABLE_NAME"

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def imports() -> ImportStore:
    return ImportStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def invoices() -> import_files.ImportedInvoices:
    return import_files.ImportedInvoices(os.environ[TABLE_ENV], aws.dynamodb())


def logged(transaction: ImportTransaction | None) -> None:
    if transaction is not None:
        logger.info(
            "Import status",
            transaction_id=transaction.transaction_id,
            status=transaction.status.value,
            revision=transaction.revision,
        )


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
        logged(moved)
        transaction = moved or imports().get(transaction.transaction_id) or transaction
    if transaction.status in {ImportStatus.CANCELLED, ImportStatus.TIMED_OUT}:
        why = f"the upload arrived after the import was {transaction.status.value}: ignored"
        reason = {"field": "", "rule": transaction.status.value, "message": why}
        logged(imports().note_late_upload(transaction.transaction_id, [reason]))
        return
    if transaction.status is not ImportStatus.RECEIVED:
        return  # already processed or found invalid: a redelivery
    if size is not None and size > import_files.MAX_FILE_BYTES:
        # Refused from the event's object size: the object is never read into memory.
        finish(transaction, None, [import_files.too_large_reason(size)])
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
        document, reasons = import_files.parse(raw or b"")
    if not reasons:
        reasons = import_files.check(document)
    invoice_id = None
    if not reasons:
        try:
            invoice_id = invoices().store(
                transaction.transaction_id, transaction.admin_id, document
            )
        except import_files.DuplicateInvoiceNumber as duplicate:
            reasons = [{"field": "number", "rule": "unique", "message": str(duplicate)}]
    if reasons:
        details = {"reasons": {"S": json.dumps(reasons)}}
        moved = imports().move(
            transaction.transaction_id,
            ImportStatus.INVALID,
            expected=ImportStatus.RECEIVED,
            details=details,
        )
        metrics.add_metric(name="InvoiceImportsInvalid", unit="Count", value=1)
    else:
        assert invoice_id is not None
        moved = imports().move(
            transaction.transaction_id,
            ImportStatus.PROCESSED,
            expected=ImportStatus.RECEIVED,
            details={"invoiceId": {"S": invoice_id}},
        )
        metrics.add_metric(name="InvoiceImportsProcessed", unit="Count", value=1)
    logged(moved)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=process_record, processor=processor, context=context
    )
