"""Invoice import transactions: an admin's upload, tracked from URL to outcome.

``getImportUrl`` opens a transaction (``PENDING``, with a deadline); the upload of
``imports/<transactionId>.json`` moves it to ``RECEIVED`` and then ``PROCESSED`` or
``INVALID``; ``cancelImport`` moves a ``PENDING`` one to ``CANCELLED``; the sweeper moves a
``PENDING`` one past its deadline to ``TIMED_OUT``. Every move is a conditional update on
the current status, so a cancel, the sweeper and an upload racing each other cannot both
win. An upload after a cancel or timeout is noted on the item (``reasons``), not processed.

Items live in the invoices table: ``pk=IMPORT#<id>, sk=IMPORT``; while ``PENDING`` it is
also in the table's sparse index ``gsi1`` as ``gsi1pk=IMPORT#PENDING, gsi1sk=<deadline, 12
digits>#<id>``, which the sweeper reads in deadline order. Finished transactions expire by
TTL (``expiresAt``) after a week. Every write after the opening (a move or a late upload's
note) adds one to ``revision``: the table's stream announces each of them as an
``InvoiceImportStatusChanged`` (``invoices.events``), whose id is derived from the
transaction and that revision, and realtime pushes it to the connection that asked
(``connectionId``).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IMPORT_SK = "IMPORT"
PENDING_PARTITION = "IMPORT#PENDING"
KEY_PREFIX = "imports/"
RETENTION_S = 7 * 24 * 60 * 60
IMPORT_KEY_PREFIX = "IMPORT#"


class ImportStatus(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    PROCESSED = "processed"
    INVALID = "invalid"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"


FINAL = frozenset(
    {ImportStatus.PROCESSED, ImportStatus.INVALID, ImportStatus.CANCELLED, ImportStatus.TIMED_OUT}
)


@dataclass(frozen=True)
class ImportTransaction:
    transaction_id: str
    connection_id: str
    admin_id: str
    status: ImportStatus
    deadline: int
    """Epoch seconds: no upload by then means ``TIMED_OUT``."""
    revision: int = 0
    """Writes since the opening: each one is announced."""
    reasons: tuple[dict[str, str], ...] = ()
    invoice_id: str | None = None
    correlation_id: str | None = None

    @property
    def object_key(self) -> str:
        return object_key(self.transaction_id)


def object_key(transaction_id: str) -> str:
    return f"{KEY_PREFIX}{transaction_id}.json"


def transaction_id_of(key: str) -> str | None:
    """The transaction an uploaded object belongs to, or None for any other key."""
    if not key.startswith(KEY_PREFIX) or not key.endswith(".json"):
        return None
    candidate = key.removeprefix(KEY_PREFIX).removesuffix(".json")
    try:
        canonical = str(uuid.UUID(candidate))
    except ValueError:
        return None
    return canonical if canonical == candidate else None


def import_key(transaction_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{IMPORT_KEY_PREFIX}{transaction_id}"}, "sk": {"S": IMPORT_SK}}


def is_import_item(keys: Mapping[str, Any]) -> bool:
    """Whether a stream record's keys are an import transaction's."""
    pk = str(keys.get("pk", {}).get("S", ""))
    sk = keys.get("sk", {}).get("S")
    return sk == IMPORT_SK and pk.startswith(IMPORT_KEY_PREFIX) and pk != PENDING_PARTITION


_NEXT_REVISION = "revision = if_not_exists(revision, :zero) + :one"


def _pending_sort_key(deadline: int, transaction_id: str) -> str:
    return f"{deadline:012d}#{transaction_id}"


class ImportStore:
    def __init__(
        self, table_name: str, client: DynamoDBClient, clock: Callable[[], float] = time.time
    ) -> None:
        self._table = table_name
        self._client = client
        self._clock = clock

    def open(
        self,
        connection_id: str,
        admin_id: str,
        timeout_s: int,
        correlation_id: str | None = None,
    ) -> ImportTransaction:
        transaction_id = str(uuid.uuid4())
        transaction = ImportTransaction(
            transaction_id=transaction_id,
            connection_id=connection_id,
            admin_id=admin_id,
            status=ImportStatus.PENDING,
            deadline=int(self._clock()) + timeout_s,
            correlation_id=correlation_id or transaction_id,
        )
        self._client.put_item(
            TableName=self._table,
            Item={
                **import_key(transaction_id),
                "gsi1pk": {"S": PENDING_PARTITION},
                "gsi1sk": {"S": _pending_sort_key(transaction.deadline, transaction_id)},
                "transactionId": {"S": transaction.transaction_id},
                "connectionId": {"S": connection_id},
                "adminId": {"S": admin_id},
                "status": {"S": transaction.status.value},
                "deadline": {"N": str(transaction.deadline)},
                "createdAt": {"N": str(int(self._clock()))},
                "expiresAt": {"N": str(transaction.deadline + RETENTION_S)},
                "revision": {"N": "0"},
                "correlationId": {"S": str(transaction.correlation_id)},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        return transaction

    def get(self, transaction_id: str) -> ImportTransaction | None:
        item = self._client.get_item(
            TableName=self._table, Key=import_key(transaction_id), ConsistentRead=True
        ).get("Item")
        return transaction_from_item(item) if item else None

    def move(
        self,
        transaction_id: str,
        to: ImportStatus,
        *,
        expected: ImportStatus = ImportStatus.PENDING,
        details: dict[str, Any] | None = None,
    ) -> ImportTransaction | None:
        """Moves the transaction from ``expected`` to ``to``; None when it is not (or no
        longer) in ``expected``. Leaving ``PENDING`` takes it out of the sweeper's index."""
        names = {"#status": "status"}
        values: dict[str, Any] = {":to": {"S": to.value}, ":expected": {"S": expected.value}}
        sets = ["#status = :to", "updatedAt = :now", _NEXT_REVISION]
        values[":now"] = {"N": str(int(self._clock()))}
        values[":zero"], values[":one"] = {"N": "0"}, {"N": "1"}
        for index, (name, value) in enumerate((details or {}).items()):
            names[f"#d{index}"] = name
            values[f":d{index}"] = value
            sets.append(f"#d{index} = :d{index}")
        expression = "SET " + ", ".join(sets)
        if expected is ImportStatus.PENDING:
            expression += " REMOVE gsi1pk, gsi1sk"
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=import_key(transaction_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(pk) AND #status = :expected",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return transaction_from_item(response["Attributes"])

    def note_late_upload(
        self, transaction_id: str, reasons: list[dict[str, str]]
    ) -> ImportTransaction | None:
        """Records an upload that came after a cancel or timeout (announced again, with the
        reason); None when the transaction is not (or no longer) in such a status."""
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=import_key(transaction_id),
                UpdateExpression=f"SET reasons = :reasons, updatedAt = :now, {_NEXT_REVISION}",
                ConditionExpression="attribute_exists(pk) AND #status IN (:cancelled, :timed_out)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":reasons": {"S": json.dumps(reasons)},
                    ":now": {"N": str(int(self._clock()))},
                    ":zero": {"N": "0"},
                    ":one": {"N": "1"},
                    ":cancelled": {"S": ImportStatus.CANCELLED.value},
                    ":timed_out": {"S": ImportStatus.TIMED_OUT.value},
                },
                ReturnValues="ALL_NEW",
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            return None
        return transaction_from_item(response["Attributes"])

    def overdue(self, limit: int = 100) -> Iterator[ImportTransaction]:
        """``PENDING`` transactions whose deadline has passed, oldest deadline first."""
        now = int(self._clock())
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pending AND gsi1sk < :now",
            ExpressionAttributeValues={
                ":pending": {"S": PENDING_PARTITION},
                ":now": {"S": f"{now:012d}$"},  # '$' sorts after '#': includes `now`
            },
            PaginationConfig={"MaxItems": limit},
        )
        for page in pages:
            for item in page.get("Items", []):
                yield transaction_from_item(item)


def transaction_from_item(item: Mapping[str, Any]) -> ImportTransaction:
    """The transaction an item (or a stream image) holds."""
    reasons = item.get("reasons", {}).get("S")
    return ImportTransaction(
        transaction_id=item["transactionId"]["S"],
        connection_id=item["connectionId"]["S"],
        admin_id=item["adminId"]["S"],
        status=ImportStatus(item["status"]["S"]),
        deadline=int(item["deadline"]["N"]),
        revision=int(item.get("revision", {}).get("N", "0")),
        reasons=tuple(json.loads(reasons)) if reasons else (),
        invoice_id=item.get("invoiceId", {}).get("S"),
        correlation_id=item.get("correlationId", {}).get("S"),
    )
