"""Stock reservations in the products table (single table: see docs/conventions.md).

``pk=RESERVATION#<orderId>, sk=RESERVATION`` is an order's reservation. It is written in
the same transaction as the stock changes it stands for, so it is also the outbox record
the stream publisher turns into ``StockReserved`` / ``StockReservationFailed`` /
``StockReleased``: a stock change and its event can never disagree.

- reserve: put the reservation (``attribute_not_exists(pk)``: once per order) and, per
  take (``products.stock.Take``), decrement the ``stock`` of that stock shard if it holds
  ``stock >= quantity``. A product stored before sharding has its own item decremented
  instead (on condition that it is still unsharded), bumping its ``version``/``updatedAt``
  as before (so ``ProductUpdated`` flows); a shard counts the change in its ``moves``
  (part of the product's version as the API shows it), and a sale of a sharded product
  announces only ``StockReserved``;
- release: move the reservation RESERVED -> RELEASED and put each take back where it came
  from (``products.stock.restock_takes``).

The reservation item records its takes (``takes``: product id, shard, quantity), beside
the ``lines`` its events carry.

Failed conditions come back as the exceptions of ``products.stock``; the service decides
what they mean. Items written here carry the correlation id (``lastCorrelationId``) and
the id (``causationId``) of the event that caused them, for the events they produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from products.repository import DynamoDBProductRepository, Item, product_key, shard_key
from products.stock import (
    ProductsMissing,
    Reservation,
    ReservationChanged,
    ReservationExists,
    ReservationStatus,
    Shortage,
    ShortageCode,
    StockCheckFailed,
    StockLevels,
    StockLine,
    Take,
    Trigger,
    WriteConflict,
)
from shared.tracing import trace_item_attributes, with_trace_update

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

RESERVATION_SK = "RESERVATION"
RESERVATION_PREFIX = "RESERVATION#"
RETENTION = timedelta(days=90)
"""How long a settled reservation (FAILED, RELEASED, CANCELLED) is kept: far beyond SQS's
14-day retention plus a DLQ redrive, so no late duplicate can outlive its record. A
RESERVED one never expires (it may still have to be released)."""

_SETTLED = {ReservationStatus.FAILED, ReservationStatus.RELEASED, ReservationStatus.CANCELLED}
_CONDITION_FAILED = "ConditionalCheckFailed"
_CONFLICT = "TransactionConflict"

_PRODUCT_NAMES = {"#stock": "stock", "#version": "version", "#updated": "updatedAt"}


def reservation_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"{RESERVATION_PREFIX}{order_id}"}, "sk": {"S": RESERVATION_SK}}


def is_reservation_item(item: Item) -> bool:
    return bool(item.get("sk", {}).get("S") == RESERVATION_SK)


def reservation_to_item(reservation: Reservation, trigger: Trigger) -> dict[str, Any]:
    item: dict[str, Any] = {
        **reservation_key(reservation.order_id),
        "orderId": {"S": reservation.order_id},
        "status": {"S": reservation.status.value},
        "lines": {"L": [_line_value(line) for line in reservation.lines]},
        "createdAt": {"S": reservation.created_at},
        "updatedAt": {"S": reservation.released_at or reservation.created_at},
        **_trigger_attributes(trigger),
    }
    if reservation.takes:
        item["takes"] = {"L": [_take_value(take) for take in reservation.takes]}
    if reservation.shortages:
        item["reasons"] = {"L": [_shortage_value(s) for s in reservation.shortages]}
    if reservation.released_at:
        item["releasedAt"] = {"S": reservation.released_at}
    if reservation.status in _SETTLED:
        item["expiresAt"] = {"N": _expiry(reservation.released_at or reservation.created_at)}
    return item


def reservation_from_item(item: Item) -> Reservation:
    return Reservation(
        order_id=item["orderId"]["S"],
        status=ReservationStatus(item["status"]["S"]),
        lines=tuple(
            StockLine(line["M"]["productId"]["S"], int(line["M"]["quantity"]["N"]))
            for line in item.get("lines", {}).get("L", [])
        ),
        created_at=item["createdAt"]["S"],
        shortages=tuple(
            Shortage(
                product_id=reason["M"]["productId"]["S"],
                code=ShortageCode(reason["M"]["code"]["S"]),
                requested=int(reason["M"]["requested"]["N"]),
                available=int(reason["M"]["available"]["N"]),
            )
            for reason in item.get("reasons", {}).get("L", [])
        ),
        released_at=item.get("releasedAt", {}).get("S"),
        takes=tuple(_take_from(take["M"]) for take in item.get("takes", {}).get("L", [])),
    )


def causation_id_of(item: Item) -> str | None:
    value = item.get("causationId", {}).get("S")
    return str(value) if value else None


class DynamoDBStockRepository:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client
        self._products = DynamoDBProductRepository(table_name, client)

    def reservation(self, order_id: str) -> Reservation | None:
        response = self._client.get_item(
            TableName=self._table, Key=reservation_key(order_id), ConsistentRead=True
        )
        item = response.get("Item")
        return reservation_from_item(item) if item else None

    def stock_levels(self, product_ids: Sequence[str]) -> dict[str, StockLevels | None]:
        """Units on hand per product and shard (None: no such product), read consistently."""
        return self._products.stock_levels(product_ids)

    def shard_counts(
        self, product_ids: Sequence[str], *, consistent: bool = False
    ) -> dict[str, int | None]:
        """Stock shards per product (0: unsharded, None: no such product)."""
        return self._products.shard_counts(product_ids, consistent=consistent)

    def reserve(self, reservation: Reservation, trigger: Trigger) -> None:
        """Writes the RESERVED ``reservation`` and takes its units from stock as its
        ``takes`` say, all or nothing. Raises ReservationExists, StockCheckFailed or
        WriteConflict."""
        now = reservation.created_at
        writes: list[TransactWriteItemTypeDef] = [self._put_new(reservation, trigger)]
        writes += [
            self._change_stock(take, -take.quantity, now, trigger) for take in reservation.taken()
        ]
        reasons = self._transact(writes)
        if reasons is None:
            return
        if reasons[0] == _CONDITION_FAILED:
            raise ReservationExists(reservation.order_id)
        if _CONDITION_FAILED in reasons[1:]:
            raise StockCheckFailed(reservation.order_id)
        raise WriteConflict(reservation.order_id)

    def add(self, reservation: Reservation, trigger: Trigger) -> None:
        """Records a reservation that changes no stock (FAILED, CANCELLED), unless the
        order already has one (ReservationExists)."""
        reasons = self._transact([self._put_new(reservation, trigger)])
        if reasons is None:
            return
        if reasons[0] == _CONDITION_FAILED:
            raise ReservationExists(reservation.order_id)
        raise WriteConflict(reservation.order_id)

    def release(self, released: Reservation, restock: Iterable[Take], trigger: Trigger) -> None:
        """Moves the reservation from RESERVED to ``released`` and puts the units of
        ``restock`` back in stock. Raises ReservationChanged (no longer RESERVED),
        ProductsMissing (a stock item is gone or was resharded) or WriteConflict."""
        assert released.released_at is not None
        now = released.released_at
        restocked = list(restock)
        settle_values: dict[str, Any] = {
            ":released": {"S": ReservationStatus.RELEASED.value},
            ":reserved": {"S": ReservationStatus.RESERVED.value},
            ":now": {"S": now},
            ":expires": {"N": _expiry(now)},
            ":correlation": {"S": trigger.correlation_id},
            ":causation": {"S": trigger.event_id},
        }
        settle: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": reservation_key(released.order_id),
                "UpdateExpression": with_trace_update(
                    "SET #status = :released, releasedAt = :now, #updated = :now, "
                    "expiresAt = :expires, lastCorrelationId = :correlation, "
                    "causationId = :causation",
                    settle_values,
                ),
                "ConditionExpression": "#status = :reserved",
                "ExpressionAttributeNames": {"#status": "status", "#updated": "updatedAt"},
                "ExpressionAttributeValues": settle_values,
            }
        }
        writes = [settle] + [
            self._change_stock(take, take.quantity, now, trigger) for take in restocked
        ]
        reasons = self._transact(writes)
        if reasons is None:
            return
        if reasons[0] == _CONDITION_FAILED:
            raise ReservationChanged(released.order_id)
        missing = {
            take.product_id
            for take, reason in zip(restocked, reasons[1:], strict=True)
            if reason == _CONDITION_FAILED
        }
        if missing:
            raise ProductsMissing(sorted(missing))
        raise WriteConflict(released.order_id)

    def _put_new(self, reservation: Reservation, trigger: Trigger) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self._table,
                "Item": reservation_to_item(reservation, trigger),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _change_stock(
        self, take: Take, delta: int, now: str, trigger: Trigger
    ) -> TransactWriteItemTypeDef:
        """Adds ``delta`` to the stock item ``take`` names; a decrement is conditional on
        enough stock. The item must exist (its product may have been deleted); a product's
        own item must still hold its stock (not moved into shards meanwhile), and changing
        it makes a new version of the product."""
        if take.shard is None:
            condition = "attribute_exists(pk) AND attribute_not_exists(stockShards)"
            update = (
                "SET #stock = #stock + :delta, #version = #version + :one, "
                "#updated = :now, lastCorrelationId = :correlation"
            )
            names = _PRODUCT_NAMES
            values: dict[str, Any] = {
                ":delta": {"N": str(delta)},
                ":one": {"N": "1"},
                ":now": {"S": now},
                ":correlation": {"S": trigger.correlation_id},
            }
            update = with_trace_update(update, values)  # the product's item announces it
            key = product_key(take.product_id)
        else:
            condition = "attribute_exists(pk)"
            # counted in the product's version (products.repository): an admin's read
            # before this change is stale after it
            update = "SET #stock = #stock + :delta, #updated = :now ADD #moves :one"
            names = {"#stock": "stock", "#updated": "updatedAt", "#moves": "moves"}
            values = {":delta": {"N": str(delta)}, ":now": {"S": now}, ":one": {"N": "1"}}
            key = shard_key(take.product_id, take.shard)
        if delta < 0:
            condition += " AND #stock >= :needed"
            values[":needed"] = {"N": str(-delta)}
        return {
            "Update": {
                "TableName": self._table,
                "Key": key,
                "UpdateExpression": update,
                "ConditionExpression": condition,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }

    def _transact(self, writes: list[TransactWriteItemTypeDef]) -> list[str] | None:
        """Runs ``writes`` as one transaction: None when it commits, else the cancellation
        reason code of each write ("None" for those that were fine)."""
        try:
            self._client.transact_write_items(TransactItems=writes)
        except self._client.exceptions.TransactionCanceledException as error:
            cancelled = error.response.get("CancellationReasons", [])
            reasons = [reason.get("Code") or "None" for reason in cancelled]
            if len(reasons) != len(writes):
                raise
            if _CONDITION_FAILED not in reasons and _CONFLICT not in reasons:
                raise  # throttling, validation...: let the caller's retry policy see it
            return reasons
        return None


def _line_value(line: StockLine) -> dict[str, Any]:
    return {"M": {"productId": {"S": line.product_id}, "quantity": {"N": str(line.quantity)}}}


def _take_value(take: Take) -> dict[str, Any]:
    shard: dict[str, Any] = {"NULL": True} if take.shard is None else {"N": str(take.shard)}
    return {
        "M": {
            "productId": {"S": take.product_id},
            "shard": shard,
            "quantity": {"N": str(take.quantity)},
        }
    }


def _take_from(value: Item) -> Take:
    shard = value["shard"].get("N")
    return Take(
        value["productId"]["S"], None if shard is None else int(shard), int(value["quantity"]["N"])
    )


def _shortage_value(shortage: Shortage) -> dict[str, Any]:
    return {
        "M": {
            "productId": {"S": shortage.product_id},
            "code": {"S": shortage.code.value},
            "requested": {"N": str(shortage.requested)},
            "available": {"N": str(shortage.available)},
        }
    }


def _trigger_attributes(trigger: Trigger) -> dict[str, Any]:
    return {
        "lastCorrelationId": {"S": trigger.correlation_id},
        "causationId": {"S": trigger.event_id},
        **trace_item_attributes(),
    }


def _expiry(now: str) -> str:
    """``expiresAt`` (epoch seconds) of a reservation settled at ``now`` (RFC 3339)."""
    settled = datetime.fromisoformat(now.replace("Z", "+00:00"))
    return str(int((settled + RETENTION).timestamp()))
