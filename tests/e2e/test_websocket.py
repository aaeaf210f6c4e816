"""Real time over WebSocket, end to end: a `websockets` client against the deployed API.

Connection auth (no token / a bad token refused at the handshake), pushes of the order
saga to the customer's connections only, and the invoice import (processed, invalid,
cancelled, timed out). Prints the push latency (event time -> message received) and how
many connections one push reached.
"""

from __future__ import annotations

import base64
import json
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
import requests
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints
from tests.e2e.saga import create_product, place_order, wait_for_final

pytestmark = pytest.mark.e2e

VALID_IMPORT = {
    "formatVersion": "1",
    "number": "LEGACY-E2E-0001",
    "issuedAt": "2024-11-02T10:15:00Z",
    "currency": "EUR",
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
    "lines": [
        {"description": "Notes", "quantity": 2, "unitPrice": {"amount": 1500, "currency": "EUR"}}
    ],
    "tax": {"amount": 600, "currency": "EUR"},
    "total": {"amount": 3600, "currency": "EUR"},
}


@pytest.fixture(scope="module")
def websocket_url(endpoints: Endpoints) -> str:
    url = endpoints.raw.get("websocket_url")
    if not url:
        pytest.skip("the target has no WebSocket API")
    return str(url)


@contextmanager
def opened(websocket_url: str, user: User) -> Iterator[ClientConnection]:
    with connect(f"{websocket_url}?token={quote(user.id_token)}", open_timeout=15) as ws:
        yield ws


def receive(
    ws: ClientConnection, until: Callable[[dict[str, Any]], bool], timeout: float = 30.0
) -> list[tuple[float, dict[str, Any]]]:
    """(receive time, message) pairs up to and including the first one `until` accepts."""
    received: list[tuple[float, dict[str, Any]]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            raw = ws.recv(timeout=max(0.05, deadline - time.monotonic()))
        except TimeoutError:
            break
        message = json.loads(raw)
        received.append((time.time(), message))
        if until(message):
            return received
    raise AssertionError(f"no expected message within {timeout}s; got {received}")


def drain(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    messages = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            messages.append(json.loads(ws.recv(timeout=left)))
        except TimeoutError:
            break
    return messages


def request(ws: ClientConnection, action: str, **body: Any) -> dict[str, Any]:
    ws.send(json.dumps({"action": action, **body}))
    return receive(ws, lambda m: m.get("type") != "order.status", timeout=15)[-1][1]


def lag_ms(received_at: float, message: dict[str, Any]) -> float:
    occurred = datetime.fromisoformat(message["occurredAt"].replace("Z", "+00:00"))
    return (datetime.fromtimestamp(received_at, UTC) - occurred).total_seconds() * 1000


# --- connecting -------------------------------------------------------------------------


def test_no_token_is_refused_at_the_handshake(websocket_url: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(websocket_url, open_timeout=15)
    assert refused.value.response.status_code == 401


def test_a_bad_token_is_refused_at_the_handshake(websocket_url: str, customer: User) -> None:
    header, payload, signature = customer.id_token.split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    for token in ("not-a-token", tampered):
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{websocket_url}?token={quote(token)}", open_timeout=15)
        assert refused.value.response.status_code == 401


def test_ping_pong_and_unknown_actions(websocket_url: str, customer: User) -> None:
    with opened(websocket_url, customer) as ws:
        assert request(ws, "ping", id="p1")["type"] == "pong"
        assert request(ws, "subscribe")["type"] == "subscribed"
        assert request(ws, "dance") == {"type": "error", "message": "unknown action 'dance'"}
        assert request(ws, "getImportUrl")["message"].startswith("forbidden")


# --- pushes -----------------------------------------------------------------------------


def test_the_customer_hears_about_the_order_and_its_invoice_and_nobody_else_does(
    websocket_url: str,
    api: Api,
    admin: User,
    make_user: Callable[..., User],
) -> None:
    buyer, bystander = make_user("customer"), make_user("customer")
    product = create_product(api, admin, stock=5)
    connections = 3
    with (
        opened(websocket_url, buyer) as phone,
        opened(websocket_url, buyer) as laptop,
        opened(websocket_url, buyer) as tablet,
        opened(websocket_url, bystander) as other,
    ):
        order = place_order(api, buyer, [(product["id"], 1)])
        order_id = order["id"]

        def final(message: dict[str, Any]) -> bool:
            return message.get("type") == "invoice.generated" and message["orderId"] == order_id

        pushes = {
            name: receive(ws, final, timeout=60)
            for name, ws in (("phone", phone), ("laptop", laptop), ("tablet", tablet))
        }
        assert wait_for_final(api, buyer, order_id) == "CONFIRMED"
        leaked = drain(other, 2.0)

    lags = []
    for received in pushes.values():
        mine = [(at, m) for at, m in received if m.get("orderId") == order_id]
        statuses = [m["status"] for _, m in mine if m["type"] == "order.status"]
        assert "CONFIRMED" in statuses
        invoice = mine[-1][1]
        assert invoice["type"] == "invoice.generated"
        assert invoice["number"].startswith("INV-")
        lags.extend(lag_ms(at, m) for at, m in mine)
    assert [m for m in leaked if m.get("orderId") == order_id] == []

    lags.sort()
    p95 = lags[min(len(lags) - 1, round(0.95 * (len(lags) - 1)))]
    print(
        f"\npush latency over {len(lags)} pushes to {connections} connections: "
        f"median {statistics.median(lags):.0f} ms, p95 {p95:.0f} ms, max {lags[-1]:.0f} ms"
    )
    assert statistics.median(lags) < 5000


# --- invoice import ---------------------------------------------------------------------


def open_import(ws: ClientConnection) -> dict[str, Any]:
    answer = request(ws, "getImportUrl")
    assert answer["type"] == "import.url", answer
    return answer


def post_file(target: dict[str, Any], body: bytes) -> requests.Response:
    """The presigned POST as a browser form sends it: the fields first, the file last."""
    assert target["method"] == "POST", target
    return requests.post(
        target["uploadUrl"],
        data=target["fields"],
        files={"file": ("invoice.json", body, "application/json")},
        timeout=30,
    )


def upload(target: dict[str, Any], document: dict[str, Any]) -> None:
    response = post_file(target, json.dumps(document).encode())
    assert response.status_code in (200, 204), response.text


def import_statuses(
    ws: ClientConnection, transaction_id: str, final: set[str]
) -> list[dict[str, Any]]:
    received = receive(
        ws,
        lambda m: m.get("transactionId") == transaction_id and m.get("status") in final,
        timeout=60,
    )
    return [m for _, m in received if m.get("transactionId") == transaction_id]


def test_a_valid_import_is_received_then_processed(websocket_url: str, admin: User) -> None:
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        upload(target, {**VALID_IMPORT, "number": f"LEGACY-{uuid.uuid4().hex[:10].upper()}"})
        statuses = import_statuses(ws, target["transactionId"], {"processed", "invalid"})
    assert [m["status"] for m in statuses] == ["received", "processed"]
    assert statuses[-1]["invoiceId"]


def test_an_invalid_import_names_the_fields(websocket_url: str, admin: User) -> None:
    document = {**VALID_IMPORT, "lines": [{**VALID_IMPORT["lines"][0], "quantity": 0}]}
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        upload(target, document)
        statuses = import_statuses(ws, target["transactionId"], {"processed", "invalid"})
    assert [m["status"] for m in statuses] == ["received", "invalid"]
    assert statuses[-1]["reasons"][0]["field"] == "lines[0].quantity"


def test_an_upload_over_1_mb_is_refused_by_the_storage(websocket_url: str, admin: User) -> None:
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        response = post_file(target, b" " * (1024 * 1024 + 1))
        answer = request(ws, "cancelImport", transactionId=target["transactionId"])
    assert response.status_code == 400, response.text
    assert "EntityTooLarge" in response.text
    assert answer["status"] == "cancelled"  # nothing was stored: the import was still pending


def test_an_object_over_1_mb_announced_by_s3_ends_invalid(
    websocket_url: str, admin: User, aws: Callable[[str], Any]
) -> None:
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        policy = json.loads(base64.b64decode(target["fields"]["policy"]))
        bucket = next(
            c["bucket"] for c in policy["conditions"] if isinstance(c, dict) and "bucket" in c
        )
        # An object that bypassed the form (written with the bucket's own credentials).
        aws("s3").put_object(
            Bucket=bucket,
            Key=target["key"],
            Body=b" " * (2 * 1024 * 1024),
            ContentType="application/json",
        )
        statuses = import_statuses(ws, target["transactionId"], {"processed", "invalid"})
    assert [m["status"] for m in statuses] == ["received", "invalid"]
    reason = statuses[-1]["reasons"][0]
    assert (reason["field"], reason["rule"]) == ("", "maxSize")
    assert "2097152 bytes" in reason["message"]


def test_a_cancelled_import_ignores_a_late_upload(websocket_url: str, admin: User) -> None:
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        answer = request(ws, "cancelImport", transactionId=target["transactionId"])
        assert answer["status"] == "cancelled"
        upload(target, VALID_IMPORT)
        statuses = import_statuses(ws, target["transactionId"], {"cancelled", "processed"})
    assert [m["status"] for m in statuses] == ["cancelled"]
    assert "ignored" in statuses[0]["reasons"][0]["message"]


def test_an_import_without_upload_times_out(websocket_url: str, admin: User) -> None:
    with opened(websocket_url, admin) as ws:
        target = open_import(ws)
        started = time.monotonic()
        received = receive(
            ws,
            lambda m: m.get("transactionId") == target["transactionId"],
            timeout=max(60.0, target["expiresAt"] - time.time() + 60),
        )
    assert received[-1][1]["status"] == "timed_out"
    print(f"\ntimed out {time.monotonic() - started:.1f}s after getImportUrl")


# --- sessions end with their token; admin rights are re-checked -------------------------


@pytest.fixture(scope="module")
def connections_table(endpoints: Endpoints) -> str:
    table = endpoints.raw.get("websocket_connections_table_name")
    if not table:
        pytest.skip("the target does not name its connections table")
    return str(table)


def expire_token_of(aws: Callable[[str], Any], table: str, connection_id: str) -> None:
    """What an hour's wait would do: the connection's token expiry is now in the past."""
    aws("dynamodb").update_item(
        TableName=table,
        Key={"pk": {"S": f"CONNECTION#{connection_id}"}, "sk": {"S": "CONNECTION"}},
        UpdateExpression="SET tokenExpiresAt = :past",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )


def wait_closed(ws: ClientConnection, timeout: float) -> list[dict[str, Any]]:
    """Messages received until the server closes the socket (fails if it stays open)."""
    messages = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            messages.append(json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic()))))
        except TimeoutError:
            break
        except ConnectionClosed:
            return messages
    raise AssertionError(f"the connection stayed open {timeout}s; got {messages}")


def test_a_demoted_admin_is_forbidden_on_the_connection_opened_before(
    websocket_url: str, make_user: Callable[..., User], endpoints: Endpoints, aws: Any
) -> None:
    admin = make_user("admin")
    with opened(websocket_url, admin) as ws:
        assert request(ws, "ping")["type"] == "pong"
        aws("cognito-idp").admin_remove_user_from_group(
            UserPoolId=endpoints.user_pool_id, Username=admin.username, GroupName="admin"
        )
        answer = request(ws, "getImportUrl")
    assert answer == {"type": "error", "message": "forbidden: invoice import is for admins"}


def test_a_message_after_the_token_expired_ends_the_session(
    websocket_url: str, customer: User, connections_table: str, aws: Any
) -> None:
    with opened(websocket_url, customer) as ws:
        connection_id = request(ws, "subscribe")["connectionId"]
        expire_token_of(aws, connections_table, connection_id)
        ws.send(json.dumps({"action": "ping"}))
        messages = wait_closed(ws, timeout=15)
    assert {"type": "error", "message": "session expired"} in messages


def test_the_sweep_closes_an_idle_session_whose_token_expired(
    websocket_url: str, customer: User, connections_table: str, aws: Any
) -> None:
    with opened(websocket_url, customer) as ws:
        connection_id = request(ws, "subscribe")["connectionId"]
        expire_token_of(aws, connections_table, connection_id)
        wait_closed(ws, timeout=90)  # the sweep runs every minute (locally: more often)
