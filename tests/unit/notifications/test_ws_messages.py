"""The messages the WebSocket API sends match their documented schemas (schemas/websocket)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from contracts.layout import CUSTOM_FORMATS

from notifications import ws_messages
from shared.contracts import validate_event
from shared.events.envelope import build_event
from tests.unit.notifications.conftest import invoice_generated

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas" / "websocket"


def validator(name: str) -> Any:
    return fastjsonschema.compile(json.loads((SCHEMAS / name).read_text()), formats=CUSTOM_FORMATS)


def order_rejected(**named: str) -> dict[str, Any]:
    """An OrderRejected event; ``productName="..."`` names its product (v1.1)."""
    order_id = str(uuid.uuid4())
    return build_event(
        service="orders",
        name="OrderRejected",
        subject=order_id,
        data={
            "orderId": order_id,
            "customerId": str(uuid.uuid4()),
            "customerEmail": "ada@example.com",
            "reasons": [
                {
                    "productId": str(uuid.uuid4()),
                    "code": "INSUFFICIENT_STOCK",
                    "requested": 3,
                    "available": 1,
                    **named,
                }
            ],
            "rejectedAt": "2026-01-01T10:00:00Z",
        },
    )


@pytest.mark.parametrize("named", [{}, {"productName": "Blue mug"}])
def test_an_order_push_matches_its_schema(named: dict[str, str]) -> None:
    event = validate_event(order_rejected(**named))
    push = ws_messages.push_for(event)
    assert push is not None
    validator("order-status.v1.json")(push[1])
    assert push[1]["status"] == "REJECTED"
    assert push[1]["reasons"] == event["data"]["reasons"]


def test_an_invoice_push_matches_its_schema() -> None:
    push = ws_messages.push_for(invoice_generated())
    assert push is not None
    validator("invoice-generated.v1.json")(push[1])


@pytest.mark.parametrize(
    "message",
    [
        ws_messages.import_status(str(uuid.uuid4()), "received"),
        ws_messages.import_status(
            str(uuid.uuid4()), "invalid", reasons=[{"field": "a", "rule": "b", "message": "c"}]
        ),
        ws_messages.import_status(str(uuid.uuid4()), "processed", invoice_id=str(uuid.uuid4())),
    ],
)
def test_import_statuses_match_their_schema(message: dict[str, Any]) -> None:
    validator("import-status.v1.json")(message)


@pytest.mark.parametrize(
    "message",
    [
        ws_messages.import_url(
            str(uuid.uuid4()),
            "https://b.s3.amazonaws.com/",
            {"key": "k", "Content-Type": "application/json", "policy": "e30="},
            "k",
            1,
        ),
        ws_messages.error("unknown action 'x'"),
        {"type": "pong", "time": "2026-01-01T10:00:00+00:00", "id": 3},
        {"type": "subscribed", "connectionId": "c", "userId": "u"},
    ],
)
def test_replies_match_their_schema(message: dict[str, Any]) -> None:
    validator("replies.v1.json")(message)


def test_a_wrong_status_is_caught_by_the_schema() -> None:
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        validator("import-status.v1.json")(
            {"type": "import.status", "transactionId": str(uuid.uuid4()), "status": "done"}
        )
