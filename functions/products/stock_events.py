"""What the stock saga announces: stream records of reservation items as events.

- INSERT of a RESERVED reservation -> ``StockReserved``;
- INSERT of a FAILED one -> ``StockReservationFailed`` (with the reasons);
- MODIFY from RESERVED to RELEASED -> ``StockReleased``.

CANCELLED tombstones, expiries (REMOVE) and any other change announce nothing. The
subject is the order id; the correlation id is the one of the order event that caused the
change, whose id becomes the ``causationid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from products.domain import SERVICE
from products.repository import correlation_id_of
from products.stock import Reservation, ReservationStatus, StockLine
from products.stock_repository import causation_id_of, reservation_from_item
from shared.events.envelope import Event, build_event

STOCK_RESERVED = "StockReserved"
STOCK_RESERVATION_FAILED = "StockReservationFailed"
STOCK_RELEASED = "StockReleased"


def lines_data(lines: tuple[StockLine, ...]) -> list[dict[str, Any]]:
    return [{"productId": line.product_id, "quantity": line.quantity} for line in lines]


def reservation_event(record: Mapping[str, Any], event_id: str) -> Event | None:
    """The event a reservation item's stream record announces (None when nothing)."""
    change = record["dynamodb"]
    kind = record["eventName"]
    if kind == "INSERT":
        created = reservation_from_item(change["NewImage"])
        if created.status is ReservationStatus.RESERVED:
            data = {
                "orderId": created.order_id,
                "lines": lines_data(created.lines),
                "reservedAt": created.created_at,
            }
            return _event(STOCK_RESERVED, created, data, change, event_id)
        if created.status is ReservationStatus.FAILED:
            data = {
                "orderId": created.order_id,
                "reasons": [
                    {
                        "productId": s.product_id,
                        "code": s.code.value,
                        "requested": s.requested,
                        "available": s.available,
                    }
                    for s in created.shortages
                ],
                "failedAt": created.created_at,
            }
            return _event(STOCK_RESERVATION_FAILED, created, data, change, event_id)
        return None
    if kind == "MODIFY":
        before = reservation_from_item(change["OldImage"])
        after = reservation_from_item(change["NewImage"])
        released = (before.status, after.status) == (
            ReservationStatus.RESERVED,
            ReservationStatus.RELEASED,
        )
        if released and after.released_at:
            data = {
                "orderId": after.order_id,
                "lines": lines_data(after.lines),
                "releasedAt": after.released_at,
            }
            return _event(STOCK_RELEASED, after, data, change, event_id)
        return None
    if kind == "REMOVE":
        return None
    raise ValueError(f"unknown stream event name {kind!r}")


def _event(
    name: str,
    reservation: Reservation,
    data: dict[str, Any],
    change: Mapping[str, Any],
    event_id: str,
) -> Event:
    image = change["NewImage"]
    return build_event(
        service=SERVICE,
        name=name,
        subject=reservation.order_id,
        data=data,
        event_id=event_id,
        correlation_id=correlation_id_of(image) or event_id,
        causation_id=causation_id_of(image),
    )
