"""Invoices in DynamoDB (single table: see docs/conventions.md).

- ``pk=INVOICE#<id>, sk=INVOICE``: the invoice (``gsi1pk=CUSTOMER#<customerId>``,
  ``gsi1sk=<issuedAt>#<id>``: a customer's invoices, oldest first);
- ``pk=ORDER#<orderId>, sk=INVOICE``: the order's guard, naming its one invoice;
- ``pk=INVOICE_NUMBERS#<year>#S<series>, sk=COUNTER``: the last number issued in that
  series that year (``series`` two digits, 01..99). ``pk=INVOICE_NUMBERS#<year>`` is the
  single yearly counter of the numbers issued before the series existed; nothing advances
  it any more, and its invoices read back as before.

A new invoice claims the next number of its series, the invoice and the order's guard in
**one transaction**, conditional on the series' counter still holding the value read: two
concurrent claims cannot take the same number, a failed claim takes none (no gaps within
a series), and a second invoice for an order cannot exist. A claim that loses a race on
the counter reads it again and retries. Claims in different series touch different items
(on different partition keys), so they never contend.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from invoices.domain import (
    SERIES_DIGITS,
    Invoice,
    InvoiceLine,
    InvoiceNumber,
    InvoiceStatus,
    Party,
    TaxRate,
)
from shared.money import Money
from shared.tracing import trace_item_attributes, with_trace_update

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

INVOICE_SK = "INVOICE"
COUNTER_SK = "COUNTER"
CLAIM_ATTEMPTS = 12
_CONDITION_FAILED = "ConditionalCheckFailed"

# Operating-system randomness for the retries' jitter: environments restored from one
# SnapStart snapshot share the `random` module's state, and would retry in step.
_JITTER = random.SystemRandom()


def claim_backoff(attempt: int) -> float:
    """Seconds to wait before the next claim: full jitter, up to 10 ms doubling to 320 ms."""
    return _JITTER.uniform(0, 0.01 * 2 ** min(attempt, 5))


Item = Mapping[str, Any]
"""A DynamoDB item in AttributeValue form, as the low-level client and streams carry it."""


class InvoiceAlreadyExists(Exception):
    """The order already has an invoice (its guard exists)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} is already invoiced")
        self.order_id = order_id


class NumberContention(Exception):
    """The counter kept changing under every attempt; the event is retried later."""


def invoice_key(invoice_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"INVOICE#{invoice_id}"}, "sk": {"S": INVOICE_SK}}


def order_guard_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": INVOICE_SK}}


def counter_key(year: int, series: int | None = None) -> dict[str, Any]:
    """The counter of ``series`` in ``year`` (None: the yearly counter of the numbers issued
    before the series existed)."""
    suffix = "" if series is None else f"#S{series:0{SERIES_DIGITS}d}"
    return {"pk": {"S": f"INVOICE_NUMBERS#{year}{suffix}"}, "sk": {"S": COUNTER_SK}}


def is_invoice_item(key: Item) -> bool:
    return str(key.get("pk", {}).get("S", "")).startswith("INVOICE#") and (
        key.get("sk", {}).get("S") == INVOICE_SK
    )


def _optional(value: str | None) -> dict[str, Any]:
    return {"S": value} if value else {"NULL": True}


def _party(party: Party) -> dict[str, Any]:
    return {
        "M": {
            "name": {"S": party.name},
            "address": {"L": [{"S": line} for line in party.address]},
            "email": _optional(party.email),
            "taxId": _optional(party.tax_id),
        }
    }


def _party_from(value: Item) -> Party:
    fields = value["M"]
    return Party(
        name=fields["name"]["S"],
        address=tuple(line["S"] for line in fields["address"]["L"]),
        email=fields.get("email", {}).get("S"),
        tax_id=fields.get("taxId", {}).get("S"),
    )


def _line(line: InvoiceLine) -> dict[str, Any]:
    return {
        "M": {
            "productId": {"S": line.product_id},
            "sku": {"S": line.sku},
            "name": {"S": line.name},
            "quantity": {"N": str(line.quantity)},
            "unitPrice": line.unit_price.to_attribute(),
            "lineTotal": line.line_total.to_attribute(),
        }
    }


def _line_from(value: Item) -> InvoiceLine:
    fields = value["M"]
    return InvoiceLine(
        product_id=fields["productId"]["S"],
        sku=fields["sku"]["S"],
        name=fields["name"]["S"],
        quantity=int(fields["quantity"]["N"]),
        unit_price=Money.from_attribute(fields["unitPrice"]),
        line_total=Money.from_attribute(fields["lineTotal"]),
    )


def invoice_to_item(invoice: Invoice) -> dict[str, Any]:
    item: dict[str, Any] = {
        **invoice_key(invoice.id),
        "gsi1pk": {"S": f"CUSTOMER#{invoice.customer_id}"},
        "gsi1sk": {"S": f"{invoice.issued_at}#{invoice.id}"},
        "id": {"S": invoice.id},
        "number": {"S": str(invoice.number)},
        **_series_attribute(invoice.number),
        "orderId": {"S": invoice.order_id},
        "customerId": {"S": invoice.customer_id},
        "customerEmail": {"S": invoice.customer_email},
        "seller": _party(invoice.seller),
        "billTo": _party(invoice.bill_to),
        "lines": {"L": [_line(line) for line in invoice.lines]},
        "taxRateBasisPoints": {"N": str(invoice.tax_rate.basis_points)},
        "subtotal": invoice.subtotal.to_attribute(),
        "tax": invoice.tax.to_attribute(),
        "total": invoice.total.to_attribute(),
        "issuedAt": {"S": invoice.issued_at},
        "status": {"S": invoice.status.value},
        "bucket": {"S": invoice.bucket},
        "key": {"S": invoice.key},
    }
    if invoice.correlation_id:
        item["correlationId"] = {"S": invoice.correlation_id}
    if invoice.causation_id:
        item["causationId"] = {"S": invoice.causation_id}
    return item


def _series_attribute(number: InvoiceNumber) -> dict[str, Any]:
    return {} if number.series is None else {"numberSeries": {"N": str(number.series)}}


def invoice_from_item(item: Item) -> Invoice:
    return Invoice(
        id=item["id"]["S"],
        number=InvoiceNumber.parse(item["number"]["S"], in_series="numberSeries" in item),
        order_id=item["orderId"]["S"],
        customer_id=item["customerId"]["S"],
        customer_email=item["customerEmail"]["S"],
        seller=_party_from(item["seller"]),
        bill_to=_party_from(item["billTo"]),
        lines=tuple(_line_from(line) for line in item["lines"]["L"]),
        tax_rate=TaxRate(int(item["taxRateBasisPoints"]["N"])),
        subtotal=Money.from_attribute(item["subtotal"]),
        tax=Money.from_attribute(item["tax"]),
        total=Money.from_attribute(item["total"]),
        issued_at=item["issuedAt"]["S"],
        status=InvoiceStatus(item["status"]["S"]),
        bucket=item["bucket"]["S"],
        key=item["key"]["S"],
        correlation_id=item.get("correlationId", {}).get("S"),
        causation_id=item.get("causationId", {}).get("S"),
    )


class DynamoDBInvoiceRepository:
    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._table = table_name
        self._client = client
        self._sleep = sleep

    def get(self, invoice_id: str) -> Invoice | None:
        response = self._client.get_item(
            TableName=self._table, Key=invoice_key(invoice_id), ConsistentRead=True
        )
        item = response.get("Item")
        return invoice_from_item(item) if item else None

    def find_by_order(self, order_id: str) -> Invoice | None:
        guard = self._client.get_item(
            TableName=self._table, Key=order_guard_key(order_id), ConsistentRead=True
        ).get("Item")
        return self.get(guard["invoiceId"]["S"]) if guard else None

    def last_number(self, year: int, series: int | None = None) -> int:
        item = self._client.get_item(
            TableName=self._table, Key=counter_key(year, series), ConsistentRead=True
        ).get("Item")
        return int(item["lastNumber"]["N"]) if item else 0

    def add_with_next_number(
        self, year: int, series: int, draft: Callable[[InvoiceNumber], Invoice]
    ) -> Invoice:
        """Stores ``draft(number)`` under the next number of ``series`` in ``year``; raises
        InvoiceAlreadyExists when its order already has an invoice."""
        for attempt in range(CLAIM_ATTEMPTS):
            last = self.last_number(year, series)
            invoice = draft(InvoiceNumber(year, last + 1, series))
            try:
                self._client.transact_write_items(
                    TransactItems=[
                        self._advance_counter(counter_key(year, series), last),
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": {**invoice_to_item(invoice), **trace_item_attributes()},
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": {
                                    **order_guard_key(invoice.order_id),
                                    "invoiceId": {"S": invoice.id},
                                },
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )
                return invoice
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
                if len(reasons) > 2 and reasons[2] == _CONDITION_FAILED:
                    raise InvoiceAlreadyExists(invoice.order_id) from error
                # Another claim moved the counter (or is moving it): read it again.
                self._sleep(claim_backoff(attempt))
        raise NumberContention(
            f"no invoice number of series {series} claimed for {year} in {CLAIM_ATTEMPTS} tries"
        )

    def mark_issued(self, invoice: Invoice) -> Invoice:
        """PENDING -> ISSUED; a no-op when another delivery already did it."""
        client = self._client
        values: dict[str, Any] = {
            ":issued": {"S": InvoiceStatus.ISSUED.value},
            ":pending": {"S": InvoiceStatus.PENDING.value},
        }
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            client.update_item(
                TableName=self._table,
                Key=invoice_key(invoice.id),
                UpdateExpression=with_trace_update("SET #status = :issued", values),
                ConditionExpression="#status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues=values,
            )
        return invoice.issued()

    def _advance_counter(self, key: dict[str, Any], last: int) -> TransactWriteItemTypeDef:
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": key,
            "UpdateExpression": "SET lastNumber = :next",
            "ExpressionAttributeValues": {":next": {"N": str(last + 1)}},
        }
        if last == 0:
            update["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            update["ConditionExpression"] = "lastNumber = :last"
            update["ExpressionAttributeValues"][":last"] = {"N": str(last)}
        return {"Update": update}  # type: ignore[typeddict-item]
