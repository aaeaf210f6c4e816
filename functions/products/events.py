"""What the catalog announces: DynamoDB stream records of product items as events.

INSERT -> ProductCreated, MODIFY -> ProductUpdated (with the changed field names),
REMOVE -> ProductDeleted; reservation items become the stock saga's events
(``products.stock_events``). SKU guard items and updates that change no catalog field
announce nothing. The event id is derived from the stream record's id, so a retried
record is announced with the same id and consumers can drop the duplicate.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from products.domain import SERVICE, Product
from products.repository import correlation_id_of, is_product_item, product_from_item
from products.stock_events import reservation_event
from products.stock_repository import is_reservation_item
from shared.events.envelope import Event, build_event, rfc3339

PRODUCT_CREATED = "ProductCreated"
PRODUCT_UPDATED = "ProductUpdated"
PRODUCT_DELETED = "ProductDeleted"

_EVENT_IDS = uuid.UUID("5b0f6a52-3c4e-4f0e-9d59-2f5d7c1e8a11")
"""Namespace of the uuid5 event ids derived from stream record ids (never change it)."""


def product_data(product: Product) -> dict[str, Any]:
    return {
        "productId": product.id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "price": product.price.to_json(),
        "stock": product.stock,
        "version": product.version,
        "createdAt": product.created_at,
        "updatedAt": product.updated_at,
    }


def event_id_for(stream_event_id: str) -> str:
    return str(uuid.uuid5(_EVENT_IDS, stream_event_id))


def event_for_record(record: Mapping[str, Any]) -> Event | None:
    """The event a stream record announces (None when it announces nothing)."""
    change = record["dynamodb"]
    if is_reservation_item(change["Keys"]):
        return reservation_event(record, event_id_for(record["eventID"]))
    if not is_product_item(change["Keys"]):
        return None
    event_id = event_id_for(record["eventID"])
    kind = record["eventName"]
    if kind == "INSERT":
        created = product_from_item(change["NewImage"])
        data = product_data(created)
        return _event(PRODUCT_CREATED, created.id, data, event_id, _request_flow(change, event_id))
    if kind == "MODIFY":
        before = product_from_item(change["OldImage"])
        after = product_from_item(change["NewImage"])
        changes = before.changed_fields(after)
        if not changes:
            return None
        data = {**product_data(after), "changes": changes}
        return _event(PRODUCT_UPDATED, after.id, data, event_id, _request_flow(change, event_id))
    if kind == "REMOVE":
        deleted = product_from_item(change["OldImage"])
        data = {
            "productId": deleted.id,
            "sku": deleted.sku,
            "version": deleted.version,
            "deletedAt": _change_time(change),
        }
        # The deleting request left no trace on the (gone) item: the event starts a new flow.
        return _event(PRODUCT_DELETED, deleted.id, data, event_id, event_id)
    raise ValueError(f"unknown stream event name {kind!r}")


def _event(
    name: str,
    product_id: str,
    data: dict[str, Any],
    event_id: str,
    correlation_id: str,
) -> Event:
    return build_event(
        service=SERVICE,
        name=name,
        subject=product_id,
        data=data,
        event_id=event_id,
        correlation_id=correlation_id,
    )


def _request_flow(change: Mapping[str, Any], event_id: str) -> str:
    """The correlation id of the request that wrote the item (stored on it by the API)."""
    return correlation_id_of(change["NewImage"]) or event_id


def _change_time(change: Mapping[str, Any]) -> str:
    """When DynamoDB recorded the change (epoch seconds in the stream record)."""
    approximate = change.get("ApproximateCreationDateTime")
    if isinstance(approximate, int | float):
        return rfc3339(datetime.fromtimestamp(approximate, UTC))
    return rfc3339(datetime.now(UTC))
