"""How orders and product projections are stored: the orders table's item shapes.

One table (docs/conventions.md: ``pk``/``sk``, ``gsi1``, TTL ``expiresAt``) holds:

- ``pk=ORDER#<id>, sk=ORDER``: an order. ``gsi1`` lists a customer's orders newest first
  (``gsi1pk=CUSTOMER#<sub>``, ``gsi1sk=<placedAt>#<id>``), ``gsi2`` every order for admins
  (``gsi2pk=ORDER``, ``gsi2sk=<placedAt>#<id>``). ``lastCorrelationId`` is the flow of the
  last write, for the stream publisher.
- ``pk=PRODUCT#<id>, sk=PROJECTION``: what the product events said last (version-guarded).
- ``pk=EVENT#<id>, sk=<consumer>``: consumers' deduplication markers (shared library).
- ``pk=IDEMPOTENCY, sk=<key>``: Powertools idempotency records of ``POST /orders``.

Only order items become events; the other kinds are skipped by the stream publisher.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from orders.domain import (
    CatalogProduct,
    Order,
    OrderLine,
    OrderStatus,
    RejectionReason,
    ShippingAddress,
)
from shared.money import Money

ORDER_SK = "ORDER"
PROJECTION_SK = "PROJECTION"
CUSTOMER_INDEX = "gsi1"
ALL_ORDERS_INDEX = "gsi2"
ALL_ORDERS_PARTITION = "ORDER"
IDEMPOTENCY_PARTITION = "IDEMPOTENCY"

Item = Mapping[str, Any]
"""An item in AttributeValue form, as the low-level client and the stream carry it."""

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def order_key(order_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"ORDER#{order_id}"}, "sk": {"S": ORDER_SK}}


def projection_key(product_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"PRODUCT#{product_id}"}, "sk": {"S": PROJECTION_SK}}


def customer_partition(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def list_cursor(order: Order) -> str:
    return f"{order.placed_at}#{order.id}"


def is_order_item(key: Item) -> bool:
    return bool(key.get("sk", {}).get("S") == ORDER_SK)


def to_item(document: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in document.items()}


def from_item(item: Item) -> dict[str, Any]:
    return {name: _plain(_deserializer.deserialize(value)) for name, value in item.items()}


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; every number stored here is an integer."""
    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- orders ------------------------------------------------------------------------------


def address_document(address: ShippingAddress) -> dict[str, Any]:
    document = {
        "name": address.name,
        "line1": address.line1,
        "postalCode": address.postal_code,
        "city": address.city,
        "country": address.country,
    }
    if address.line2:
        document["line2"] = address.line2
    return document


def line_document(line: OrderLine) -> dict[str, Any]:
    return {
        "productId": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unitPrice": line.unit_price.to_json(),
        "lineTotal": line.line_total.to_json(),
    }


def reason_document(reason: RejectionReason) -> dict[str, Any]:
    return {
        "productId": reason.product_id,
        "code": reason.code,
        "requested": reason.requested,
        "available": reason.available,
    }


def order_document(order: Order) -> dict[str, Any]:
    """The order as JSON (the API's representation, and the stored attributes)."""
    return {
        "id": order.id,
        "customerId": order.customer_id,
        "customerEmail": order.customer_email,
        "status": order.status.value,
        "lines": [line_document(line) for line in order.lines],
        "total": order.total.to_json(),
        "shippingAddress": address_document(order.shipping_address),
        "placedAt": order.placed_at,
        "updatedAt": order.updated_at,
        "confirmedAt": order.confirmed_at,
        "rejectedAt": order.rejected_at,
        "rejectionReasons": [reason_document(r) for r in order.rejection_reasons],
        "cancelledAt": order.cancelled_at,
        "version": order.version,
    }


def order_to_item(order: Order, correlation_id: str | None = None) -> dict[str, Any]:
    cursor = list_cursor(order)
    document = {
        "pk": f"ORDER#{order.id}",
        "sk": ORDER_SK,
        "gsi1pk": customer_partition(order.customer_id),
        "gsi1sk": cursor,
        "gsi2pk": ALL_ORDERS_PARTITION,
        "gsi2sk": cursor,
        **{k: v for k, v in order_document(order).items() if v is not None},
    }
    if correlation_id:
        document["lastCorrelationId"] = correlation_id
    return to_item(document)


def order_from_document(document: Mapping[str, Any]) -> Order:
    address = document["shippingAddress"]
    return Order(
        id=document["id"],
        customer_id=document["customerId"],
        customer_email=document["customerEmail"],
        status=OrderStatus(document["status"]),
        lines=tuple(
            OrderLine(
                product_id=line["productId"],
                sku=line["sku"],
                name=line["name"],
                quantity=int(line["quantity"]),
                unit_price=Money.from_json(line["unitPrice"]),
            )
            for line in document["lines"]
        ),
        shipping_address=ShippingAddress(
            name=address["name"],
            line1=address["line1"],
            line2=address.get("line2"),
            postal_code=address["postalCode"],
            city=address["city"],
            country=address["country"],
        ),
        placed_at=document["placedAt"],
        updated_at=document["updatedAt"],
        version=int(document["version"]),
        confirmed_at=document.get("confirmedAt"),
        rejected_at=document.get("rejectedAt"),
        cancelled_at=document.get("cancelledAt"),
        rejection_reasons=tuple(
            RejectionReason(
                product_id=r["productId"],
                code=r["code"],
                requested=int(r["requested"]),
                available=int(r["available"]),
            )
            for r in document.get("rejectionReasons", [])
        ),
    )


def order_from_item(item: Item) -> Order:
    return order_from_document(from_item(item))


def correlation_id_of(item: Item) -> str | None:
    value = item.get("lastCorrelationId", {}).get("S")
    return str(value) if value else None


# --- product projection ------------------------------------------------------------------


def projection_item(
    product_id: str,
    version: int,
    *,
    sku: str,
    name: str | None = None,
    price: Money | None = None,
    deleted: bool = False,
    changed_at: str,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "pk": f"PRODUCT#{product_id}",
        "sk": PROJECTION_SK,
        "productId": product_id,
        "sku": sku,
        "version": version,
        "deleted": deleted,
        "changedAt": changed_at,
    }
    if name is not None:
        document["name"] = name
    if price is not None:
        document["price"] = price.to_json()
    return to_item(document)


def product_id_of_item(item: Item) -> str:
    """The product a projection item (product or tombstone) is about."""
    return str(from_item(item)["productId"])


def catalog_product_from_item(item: Item) -> CatalogProduct | None:
    """The orderable product an item describes (None for a deletion's tombstone)."""
    document = from_item(item)
    if document.get("deleted"):
        return None
    return CatalogProduct(
        product_id=document["productId"],
        sku=document["sku"],
        name=document["name"],
        price=Money.from_json(document["price"]),
    )
