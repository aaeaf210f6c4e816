"""GET /invoices?orderId= and GET /invoices/{id}: owner or admin, presigned download."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests

import invoices.api
from tests.unit.conftest import ADMIN, CUSTOMER
from tests.unit.helpers import (
    HttpResponse,
    cognito_claims,
    http_response,
    lambda_context,
    rest_event,
)
from tests.unit.invoices.conftest import TABLE, Deliver, order_confirmed, scan_items

pytestmark = pytest.mark.usefixtures("invoicing")


def call(
    path: str, *, user_id: str | None, groups: tuple[str, ...] = CUSTOMER, **request: Any
) -> HttpResponse:
    claims = cognito_claims(groups, user_id=user_id) if user_id else None
    event = rest_event("GET", path, claims=claims, **request)
    return http_response(invoices.api.handler(event, lambda_context()))


@pytest.fixture
def invoice(deliver: Deliver) -> dict[str, Any]:
    """An issued invoice: its customer id, order id and invoice id."""
    event = order_confirmed()
    deliver(event)
    [item] = scan_items("INVOICE#")
    return {
        "customer": event["data"]["customerId"],
        "order": event["data"]["orderId"],
        "id": item["id"]["S"],
    }


def test_the_customer_gets_metadata_and_a_download_url_that_works(invoice: dict[str, Any]) -> None:
    response = call(f"/invoices/{invoice['id']}", user_id=invoice["customer"])

    assert response.status == 200
    body = response.body
    assert body["id"] == invoice["id"]
    assert body["orderId"] == invoice["order"]
    assert body["number"].startswith("INV-")
    assert body["status"] == "ISSUED"
    assert (body["subtotal"], body["tax"], body["total"]) == (
        {"amount": 5160, "currency": "EUR"},
        {"amount": 1032, "currency": "EUR"},
        {"amount": 6192, "currency": "EUR"},
    )
    assert body["taxRateBasisPoints"] == 2000
    assert len(body["lines"]) == 2
    expires = datetime.fromisoformat(body["downloadUrlExpiresAt"].replace("Z", "+00:00"))
    assert timedelta(seconds=290) < expires - datetime.now(UTC) <= timedelta(seconds=300)

    url = body["downloadUrl"]
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"]
    download = requests.get(url, timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")
    assert "attachment" in download.headers.get("Content-Disposition", "")


def test_an_admin_sees_any_invoice(invoice: dict[str, Any]) -> None:
    response = call(f"/invoices/{invoice['id']}", user_id=str(uuid.uuid4()), groups=ADMIN)
    assert response.status == 200


def test_another_customer_gets_404_like_for_a_missing_invoice(invoice: dict[str, Any]) -> None:
    other = call(f"/invoices/{invoice['id']}", user_id=str(uuid.uuid4()))
    missing = call(f"/invoices/{uuid.uuid4()}", user_id=invoice["customer"])
    assert (other.status, missing.status) == (404, 404)
    assert other.body["error"] == "NotFound"


def test_an_invoice_whose_pdf_is_not_stored_yet_is_not_found(invoice: dict[str, Any]) -> None:
    boto3.client("dynamodb").update_item(
        TableName=TABLE,
        Key={"pk": {"S": f"INVOICE#{invoice['id']}"}, "sk": {"S": "INVOICE"}},
        UpdateExpression="SET #s = :pending",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":pending": {"S": "PENDING"}},
    )
    assert call(f"/invoices/{invoice['id']}", user_id=invoice["customer"]).status == 404


def test_listing_by_order_shows_only_what_the_caller_may_see(invoice: dict[str, Any]) -> None:
    query = {"orderId": invoice["order"]}
    mine = call("/invoices", user_id=invoice["customer"], query=query)
    theirs = call("/invoices", user_id=str(uuid.uuid4()), query=query)
    admin = call("/invoices", user_id=str(uuid.uuid4()), groups=ADMIN, query=query)
    unknown = call("/invoices", user_id=invoice["customer"], query={"orderId": str(uuid.uuid4())})

    assert mine.status == 200
    assert [item["id"] for item in mine.body["items"]] == [invoice["id"]]
    assert theirs.body == {"items": []}
    assert len(admin.body["items"]) == 1
    assert unknown.body == {"items": []}


def test_anonymous_callers_get_401() -> None:
    assert call(f"/invoices/{uuid.uuid4()}", user_id=None).status == 401
    assert call("/invoices", user_id=None, query={"orderId": str(uuid.uuid4())}).status == 401


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/invoices/not-a-uuid", None, "path.id"),
        ("/invoices", None, "query.orderId"),
        ("/invoices", {"orderId": "42"}, "query.orderId"),
    ],
)
def test_malformed_requests_get_400(path: str, query: dict[str, str] | None, field: str) -> None:
    response = call(path, user_id=str(uuid.uuid4()), query=query)
    assert response.status == 400
    assert response.body["fields"][0]["field"] == field
