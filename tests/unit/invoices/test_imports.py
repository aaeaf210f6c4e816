"""Invoice import over WebSocket: URL, upload processing (valid / invalid), cancel, timeout.
Statuses reach the admin's connection as they do deployed: announced by the invoices
table's stream and pushed by realtime (``import_fixtures.Pushes``)."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest

from invoices import import_processor, import_requests, import_sweeper
from invoices.import_files import imported_invoice_id
from tests.unit.helpers import lambda_context, sqs_record
from tests.unit.invoices.import_fixtures import (  # noqa: F401 (fixture)
    IMPORTS_BUCKET,
    INVOICES_TABLE,
    Pushes,
    pushes,
    realtime,
)
from tests.unit.realtime.fixtures import ws_event

ADMIN = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
EXAMPLES = Path(__file__).resolve().parents[3] / "schemas" / "imports" / "examples" / "v1"
VALID = json.loads((EXAMPLES / "valid" / "two-lines.json").read_text())


@pytest.fixture(autouse=True)
def admin_in_cognito(pushes: Pushes) -> None:  # noqa: F811
    pushes.add_user(ADMIN, "admin")


def answer_to(action: str, connection_id: str = "admin-conn", **body: Any) -> dict[str, Any]:
    """The route's proxy response (its ``body`` is the reply, when there is one)."""
    event = ws_event(
        action, connection_id, user_id=ADMIN, groups="admin", body={"action": action, **body}
    )
    return dict(import_requests.handler(event, lambda_context()))


def send(action: str, connection_id: str = "admin-conn", **body: Any) -> dict[str, Any]:
    return dict(json.loads(answer_to(action, connection_id, **body)["body"]))


def upload(transaction_id: str, document: Any) -> dict[str, Any]:
    """PUTs the file and delivers S3's notification through SQS to the processor (the key
    form-encoded with "/" kept, as S3 sends it)."""
    key = f"imports/{transaction_id}.json"
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    boto3.client("s3").put_object(Bucket=IMPORTS_BUCKET, Key=key, Body=body)
    notification = {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": IMPORTS_BUCKET},
                    "object": {"key": quote_plus(key, safe="/"), "size": len(body)},
                },
            }
        ]
    }
    batch = {"Records": [sqs_record(json.dumps(notification))]}
    return dict(import_processor.handler(batch, lambda_context()))


def statuses(api: Pushes, connection_id: str = "admin-conn") -> list[str]:
    return [message["status"] for message in api.posted.get(connection_id, [])]


def transaction_item(transaction_id: str) -> dict[str, Any]:
    return boto3.client("dynamodb").get_item(
        TableName=INVOICES_TABLE,
        Key={"pk": {"S": f"IMPORT#{transaction_id}"}, "sk": {"S": "IMPORT"}},
    )["Item"]


def test_get_import_url_presigns_a_post_and_opens_a_pending_transaction(
    pushes: Pushes,  # noqa: F811, ARG001
) -> None:
    answer = send("getImportUrl")

    assert answer["type"] == "import.url"
    assert answer["method"] == "POST"
    transaction_id = answer["transactionId"]
    key = f"imports/{transaction_id}.json"
    assert answer["key"] == key
    assert IMPORTS_BUCKET in answer["uploadUrl"]
    fields = answer["fields"]
    assert fields["key"] == key
    assert fields["Content-Type"] == "application/json"
    assert "x-amz-signature" in fields
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 1024 * 1024] in conditions
    assert {"key": key} in conditions
    assert {"Content-Type": "application/json"} in conditions
    assert {"bucket": IMPORTS_BUCKET} in conditions
    item = transaction_item(transaction_id)
    assert item["status"] == {"S": "pending"}
    assert item["connectionId"] == {"S": "admin-conn"}
    assert item["adminId"] == {"S": ADMIN}


def test_a_valid_file_is_received_then_processed_and_stored(
    pushes: Pushes,  # noqa: F811
) -> None:
    transaction_id = send("getImportUrl")["transactionId"]

    assert upload(transaction_id, VALID) == {"batchItemFailures": []}

    assert statuses(pushes) == ["received", "processed"]
    invoice_id = imported_invoice_id(transaction_id)
    assert pushes.posted["admin-conn"][1]["invoiceId"] == invoice_id
    stored = boto3.client("dynamodb").get_item(
        TableName=INVOICES_TABLE, Key={"pk": {"S": f"INVOICE#{invoice_id}"}, "sk": {"S": "IMPORT"}}
    )["Item"]
    assert stored["source"] == {"S": "import"}
    assert stored["number"] == {"S": VALID["number"]}
    assert transaction_item(transaction_id)["status"] == {"S": "processed"}


def test_a_redelivered_upload_changes_nothing(pushes: Pushes) -> None:  # noqa: F811
    transaction_id = send("getImportUrl")["transactionId"]
    upload(transaction_id, VALID)
    upload(transaction_id, VALID)
    assert statuses(pushes) == ["received", "processed"]


@pytest.mark.parametrize(
    ("document", "field", "rule"),
    [
        (
            {**VALID, "lines": [{**VALID["lines"][0], "quantity": 0}]},
            "lines[0].quantity",
            "minimum",
        ),
        ({k: v for k, v in VALID.items() if k != "issuedAt"}, "issuedAt", "required"),
        ({**VALID, "total": {"amount": 1, "currency": "EUR"}}, "total.amount", "total"),
        (b"{not json", "", "json"),
        (b"[" * 50_000, "", "json"),
    ],
    ids=["quantity", "missing", "total", "not-json", "nested-too-deeply"],
)
def test_an_invalid_file_is_reported_with_its_field_paths(
    pushes: Pushes,  # noqa: F811
    document: Any,
    field: str,
    rule: str,
) -> None:
    transaction_id = send("getImportUrl")["transactionId"]

    upload(transaction_id, document)

    assert statuses(pushes) == ["received", "invalid"]
    reasons = pushes.posted["admin-conn"][1]["reasons"]
    assert (reasons[0]["field"], reasons[0]["rule"]) == (field, rule)
    assert transaction_item(transaction_id)["status"] == {"S": "invalid"}


def test_an_object_over_the_limit_is_invalid_from_the_event_size_without_being_read(
    pushes: Pushes,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transaction_id = send("getImportUrl")["transactionId"]
    key = f"imports/{transaction_id}.json"
    boto3.client("s3").put_object(Bucket=IMPORTS_BUCKET, Key=key, Body=json.dumps(VALID).encode())
    reads: list[str] = []

    class NoReads:
        def get_object(self, **kwargs: Any) -> Any:
            reads.append(kwargs["Key"])
            raise AssertionError("an oversized object must not be read")

    monkeypatch.setattr(import_processor.aws, "s3", NoReads)
    too_large = {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "bucket": {"name": IMPORTS_BUCKET},
                    "object": {"key": quote_plus(key, safe="/"), "size": 512 * 1024 * 1024},
                },
            }
        ]
    }

    result = import_processor.handler(
        {"Records": [sqs_record(json.dumps(too_large))]}, lambda_context()
    )

    assert result == {"batchItemFailures": []}
    assert reads == []
    assert statuses(pushes) == ["received", "invalid"]
    reason = pushes.posted["admin-conn"][1]["reasons"][0]
    assert (reason["field"], reason["rule"]) == ("", "maxSize")
    assert "536870912 bytes" in reason["message"]
    assert "limit" in reason["message"]
    assert transaction_item(transaction_id)["status"] == {"S": "invalid"}


def test_an_invoice_number_is_imported_once(pushes: Pushes) -> None:  # noqa: F811
    upload(send("getImportUrl")["transactionId"], VALID)
    upload(send("getImportUrl")["transactionId"], VALID)
    assert statuses(pushes) == ["received", "processed", "received", "invalid"]
    assert pushes.posted["admin-conn"][3]["reasons"][0]["rule"] == "unique"


def test_cancel_then_a_late_upload_is_ignored(pushes: Pushes) -> None:  # noqa: F811
    transaction_id = send("getImportUrl")["transactionId"]

    # No direct reply: the cancel is announced and pushed like every status change.
    assert answer_to("cancelImport", transactionId=transaction_id) == {"statusCode": 200}
    assert pushes.posted["admin-conn"] == [
        {
            "type": "import.status",
            "transactionId": transaction_id,
            "status": "cancelled",
        }
    ]
    upload(transaction_id, VALID)

    assert statuses(pushes) == ["cancelled", "cancelled"]
    assert "ignored" in pushes.posted["admin-conn"][1]["reasons"][0]["message"]
    assert transaction_item(transaction_id)["status"] == {"S": "cancelled"}
    assert send("cancelImport", transactionId=transaction_id)["type"] == "error"


def test_only_the_admin_who_opened_an_import_can_cancel_it(
    pushes: Pushes,  # noqa: F811
) -> None:
    transaction_id = send("getImportUrl")["transactionId"]
    other_admin = str(uuid.uuid4())
    pushes.add_user(other_admin, "admin")
    event = ws_event(
        "cancelImport",
        "other",
        user_id=other_admin,
        groups="admin",
        body={"action": "cancelImport", "transactionId": transaction_id},
    )
    answer = json.loads(import_requests.handler(event, lambda_context())["body"])
    assert answer == {"type": "error", "message": f"no import {transaction_id}"}


def test_an_import_without_upload_times_out(
    pushes: Pushes,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMPORT_TIMEOUT_SECONDS", "0")
    overdue = send("getImportUrl")["transactionId"]
    monkeypatch.setenv("IMPORT_TIMEOUT_SECONDS", "600")
    still_open = send("getImportUrl")["transactionId"]

    result = import_sweeper.handler({"source": "aws.events"}, lambda_context())

    assert result == {"timedOut": [overdue]}
    assert pushes.posted["admin-conn"] == [
        {"type": "import.status", "transactionId": overdue, "status": "timed_out"}
    ]
    assert transaction_item(still_open)["status"] == {"S": "pending"}
    assert import_sweeper.handler({}, lambda_context()) == {"timedOut": []}
    upload(overdue, VALID)
    assert statuses(pushes) == ["timed_out", "timed_out"]


def test_s3_test_events_and_foreign_keys_are_skipped(pushes: Pushes) -> None:  # noqa: F811
    batch = {"Records": [sqs_record(json.dumps({"Event": "s3:TestEvent", "Bucket": "b"}))]}
    assert import_processor.handler(batch, lambda_context()) == {"batchItemFailures": []}
    assert upload(str(uuid.uuid4()), VALID) == {"batchItemFailures": []}
    assert pushes.posted == {}


def test_overlapping_sweeps_time_out_and_push_each_import_once(
    pushes: Pushes,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The sweeper has no reserved concurrency (it would not deploy on a fresh account):
    # two scheduled runs may overlap. Here the second sweep runs entirely between the
    # first one's read of the overdue imports and its moves: both saw the same imports.
    monkeypatch.setenv("IMPORT_TIMEOUT_SECONDS", "0")
    overdue = [send("getImportUrl")["transactionId"] for _ in range(3)]
    store = import_sweeper.imports()
    original_overdue = store.overdue
    overlapping: list[list[str]] = []
    calls = []

    def overdue_then_a_concurrent_sweep(limit: int = 100) -> Any:
        calls.append(limit)
        seen = list(original_overdue(limit))
        if len(calls) == 1:
            overlapping.append(import_sweeper.sweep())
        return iter(seen)

    monkeypatch.setattr(store, "overdue", overdue_then_a_concurrent_sweep)
    first = import_sweeper.sweep()

    assert sorted(overlapping[0]) == sorted(overdue)
    assert first == []
    assert statuses(pushes) == ["timed_out"] * 3
    pushed = [message["transactionId"] for message in pushes.posted["admin-conn"]]
    assert sorted(pushed) == sorted(overdue)
