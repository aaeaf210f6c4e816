from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.contracts import validate_event
from shared.events.envelope import build_event, event_source, event_type, rfc3339

PRODUCT_ID = "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d"
DELETED = {
    "productId": PRODUCT_ID,
    "sku": "MUG-1",
    "version": 3,
    "deletedAt": "2025-03-14T09:26:53.612Z",
}


def test_builds_a_cloudevent_that_passes_its_contract() -> None:
    event = build_event(
        service="products",
        name="ProductDeleted",
        subject=PRODUCT_ID,
        data=DELETED,
        correlation_id="flow-1",
    )

    assert validate_event(event) is event
    assert event["specversion"] == "1.0"
    assert event["type"] == "ecommerce.products.ProductDeleted.v1"
    assert event["source"] == "/ecommerce/products"
    assert event["subject"] == PRODUCT_ID
    assert event["datacontenttype"] == "application/json"
    assert event["correlationid"] == "flow-1"
    assert uuid.UUID(event["id"]).version == 4
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["time"])
    assert "causationid" not in event


def test_ids_are_unique_unless_given_and_a_missing_correlation_id_starts_a_flow() -> None:
    first = build_event(service="products", name="ProductDeleted", subject="x", data={})
    second = build_event(service="products", name="ProductDeleted", subject="x", data={})
    fixed = build_event(
        service="products", name="X", subject="x", data={}, event_id="e-1", causation_id="c-1"
    )

    assert first["id"] != second["id"]
    assert first["correlationid"]
    assert first["correlationid"] != second["correlationid"]
    assert fixed["id"] == "e-1"
    assert fixed["causationid"] == "c-1"


def test_names() -> None:
    assert event_type("orders", "OrderPlaced", 2) == "ecommerce.orders.OrderPlaced.v2"
    assert event_source("orders") == "/ecommerce/orders"


def test_rfc3339_is_utc_with_z() -> None:
    moment = datetime(2025, 3, 14, 10, 26, 53, 612345, tzinfo=timezone(timedelta(hours=1)))
    assert rfc3339(moment) == "2025-03-14T09:26:53.612Z"
    assert rfc3339(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00.000Z"
    with pytest.raises(ValueError, match="naive"):
        rfc3339(datetime(2025, 1, 1))
