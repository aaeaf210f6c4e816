"""Checking and storing an uploaded invoice import file.

The format: ``schemas/imports/invoice-import.v1.json``.

``check(document)`` returns the reasons a file is refused - ``[{"field", "rule",
"message"}]``, ``field`` being the path in the file (``lines[0].quantity``) - or nothing.
The schema is compiled ahead of time by ``scripts/contracts/generate.py`` (``make generate``)
into ``shared.contracts.generated.imports_invoice_import_v1``, shipped in every zip (never
compiled at run time). Beyond the schema: every amount in the invoice's currency, and
``total = sum(quantity * unitPrice) + tax``.

``ImportedInvoices.store`` writes the invoice into the invoices table as
``pk=INVOICE#<id>, sk=IMPORT`` (``source=import``, ``gsi1pk=IMPORTED_INVOICE``,
``gsi1sk=<number>``) together with a guard ``pk=IMPORTED_INVOICE#<number>, sk=IMPORT`` in one
transaction, so an invoice number is imported once. The id is derived from the
transaction id: processing the same upload twice stores one invoice. The sort key
``IMPORT`` keeps imported invoices out of the invoices stream publisher (which announces
``sk=INVOICE`` items) and out of ``GET /invoices/{id}`` until the invoices service decides
to serve them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from fastjsonschema import JsonSchemaValueException

from shared.contracts.generated import imports_invoice_import_v1
from shared.json_text import parse_json

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MAX_FILE_BYTES = 1024 * 1024
IMPORT_SK = "IMPORT"
_IDS = uuid.UUID("6d0c6f4e-4e1a-4e59-9d7e-3b1f2a0c9e11")  # namespace of imported invoice ids
_ROOT = "data"

Reason = dict[str, str]

_validate: Callable[[Any], Any] = imports_invoice_import_v1.validate


class DuplicateInvoiceNumber(Exception):
    def __init__(self, number: str) -> None:
        super().__init__(f"invoice number {number} was already imported")
        self.number = number


def parse(raw: bytes) -> tuple[Any, list[Reason]]:
    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large_reason(len(raw))]
    try:
        return parse_json(raw), []
    except (UnicodeDecodeError, ValueError) as error:
        return None, [_reason("", "json", f"not JSON: {error}")]


def check(document: Any) -> list[Reason]:
    try:
        _validate(document)
    except JsonSchemaValueException as error:
        return [_reason(_field_of(error), error.rule or "schema", _message_of(error))]
    return _check_amounts(document)


def _check_amounts(document: Mapping[str, Any]) -> list[Reason]:
    currency = document["currency"]
    reasons = []
    amounts = [("tax", document["tax"]), ("total", document["total"])] + [
        (f"lines[{i}].unitPrice", line["unitPrice"]) for i, line in enumerate(document["lines"])
    ]
    for field, money in amounts:
        if money["currency"] != currency:
            reasons.append(_reason(f"{field}.currency", "currency", f"must be {currency}"))
    expected = (
        sum(line["quantity"] * line["unitPrice"]["amount"] for line in document["lines"])
        + document["tax"]["amount"]
    )
    if document["total"]["amount"] != expected:
        reasons.append(_reason("total.amount", "total", f"must be the lines plus tax ({expected})"))
    return reasons


def too_large_reason(size: int) -> Reason:
    return _reason(
        "",
        "maxSize",
        f"the file is {size} bytes, larger than the limit of {MAX_FILE_BYTES} bytes (1 MB)",
    )


def _reason(field: str, rule: str, message: str) -> Reason:
    return {"field": field, "rule": rule, "message": message}


def _field_of(error: JsonSchemaValueException) -> str:
    path = error.name or _ROOT
    value, definition = error.value, error.definition
    if isinstance(value, dict) and isinstance(definition, dict):
        if error.rule == "required":
            missing = [name for name in definition["required"] if name not in value]
            path = f"{path}.{missing[0]}" if missing else path
        elif error.rule == "additionalProperties":
            extra = sorted(set(value) - set(definition.get("properties", {})))
            path = f"{path}.{extra[0]}" if extra else path
    return re.sub(rf"^{_ROOT}\.?", "", path)


def _message_of(error: JsonSchemaValueException) -> str:
    return re.sub(rf"^{_ROOT}\.?", "", error.message) or error.message


def imported_invoice_id(transaction_id: str) -> str:
    return str(uuid.uuid5(_IDS, transaction_id))


class ImportedInvoices:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def store(self, transaction_id: str, admin_id: str, document: Mapping[str, Any]) -> str:
        """Stores the invoice; returns its id. Idempotent per transaction."""
        invoice_id = imported_invoice_id(transaction_id)
        number = document["number"]
        item = {
            "pk": {"S": f"INVOICE#{invoice_id}"},
            "sk": {"S": IMPORT_SK},
            "gsi1pk": {"S": "IMPORTED_INVOICE"},
            "gsi1sk": {"S": number},
            "id": {"S": invoice_id},
            "source": {"S": "import"},
            "number": {"S": number},
            "issuedAt": {"S": document["issuedAt"]},
            "importTransactionId": {"S": transaction_id},
            "importedBy": {"S": admin_id},
            "document": {"S": json.dumps(document, separators=(",", ":"), sort_keys=True)},
            "total": {"N": str(document["total"]["amount"])},
            "currency": {"S": document["currency"]},
        }
        if "orderId" in document:
            item["orderId"] = {"S": document["orderId"]}
        guard = {
            "pk": {"S": f"IMPORTED_INVOICE#{number}"},
            "sk": {"S": IMPORT_SK},
            "invoiceId": {"S": invoice_id},
        }
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": item,
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": guard,
                            "ConditionExpression": (
                                "attribute_not_exists(pk) OR invoiceId = :mine"
                            ),
                            "ExpressionAttributeValues": {":mine": {"S": invoice_id}},
                        }
                    },
                ]
            )
        except self._client.exceptions.TransactionCanceledException as error:
            reasons = error.response.get("CancellationReasons") or []
            codes = [reason.get("Code") for reason in reasons]
            if codes and codes[0] == "ConditionalCheckFailed":
                return invoice_id  # this transaction's invoice is already stored
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise DuplicateInvoiceNumber(number) from error
            raise
        return invoice_id
