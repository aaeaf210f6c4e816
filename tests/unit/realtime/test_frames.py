"""The messages the WebSocket API sends match their documented schemas (schemas/websocket):
realtime's pushes and replies, and the invoice import's direct replies (the invoices
service's ``invoices.import_requests``, answering on the same API)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from contracts.layout import CUSTOM_FORMATS

from invoices import import_requests
from realtime import frames
from shared.contracts import validate_event
from shared.events.envelope import build_event
from tests.unit.notifications.conftest import invoice_generated

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "schemas" / "websocket"
IMPORT_EXAMPLES = ROOT / "schemas/events/invoices/InvoiceImportStatusChanged/examples/v1.0/valid"


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
    push = frames.push_for(event)
    assert push is not None
    validator("order-status.v1.json")(push.message)
    assert push.message["status"] == "REJECTED"
    assert push.message["reasons"] == event["data"]["reasons"]


def test_an_invoice_push_matches_its_schema() -> None:
    push = frames.push_for(invoice_generated())
    assert push is not None
    validator("invoice-generated.v1.json")(push.message)


@pytest.mark.parametrize(
    "message",
    [
        frames.import_status(str(uuid.uuid4()), "received"),
        frames.import_status(
            str(uuid.uuid4()), "invalid", reasons=[{"field": "a", "rule": "b", "message": "c"}]
        ),
        frames.import_status(str(uuid.uuid4()), "processed", invoice_id=str(uuid.uuid4())),
    ],
)
def test_import_statuses_match_their_schema(message: dict[str, Any]) -> None:
    validator("import-status.v1.json")(message)


@pytest.mark.parametrize(
    "message",
    [
        import_requests.import_url_frame(
            str(uuid.uuid4()),
            "https://b.s3.amazonaws.com/",
            {"key": "k", "Content-Type": "application/json", "policy": "e30="},
            "k",
            1,
        ),
        frames.error("unknown action 'x'"),
        import_requests.error_frame("forbidden: invoice import is for admins"),
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


@pytest.mark.parametrize("example", sorted(IMPORT_EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_an_import_status_event_is_pushed_to_the_asking_connection_only(example: Path) -> None:
    event = validate_event(json.loads(example.read_text()))
    push = frames.push_for(event)
    assert push is not None
    assert push.connection_id == event["data"]["connectionId"]
    assert push.user_id is None  # not every connection of the admin: the one that asked
    validator("import-status.v1.json")(push.message)
    expected = {
        "type": "import.status",
        "transactionId": event["data"]["transactionId"],
        "status": event["data"]["status"],
    }
    for field in ("reasons", "invoiceId"):
        if field in event["data"]:
            expected[field] = event["data"][field]
    assert push.message == expected
