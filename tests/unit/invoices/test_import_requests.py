"""The invoice import's WebSocket actions are for admins only, re-checked against Cognito
(moved from realtime's route tests when import moved under invoices), and end with the
connection's token."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3

from invoices import import_requests
from tests.unit.helpers import lambda_context
from tests.unit.invoices.import_fixtures import (  # noqa: F401 (fixture)
    Pushes,
    pushes,
    realtime,
)
from tests.unit.realtime.fixtures import ws_event

USER = "0c5d2e7a-91b4-4f3e-8a6d-2b7c9e1f4a30"


def call(event: dict[str, Any]) -> dict[str, Any]:
    return dict(import_requests.handler(event, lambda_context()))


def reply(event: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(call(event)["body"]))


def test_a_customer_cannot_open_an_import(pushes: Pushes) -> None:  # noqa: F811, ARG001
    answer = reply(
        ws_event("getImportUrl", "conn-1", user_id=USER, body={"action": "getImportUrl"})
    )
    assert answer == {"type": "error", "message": "forbidden: invoice import is for admins"}


def test_a_demoted_admin_is_forbidden_on_the_open_connection(
    pushes: Pushes,  # noqa: F811
) -> None:
    pushes.add_user(USER, "admin")
    event = ws_event(
        "getImportUrl", "admin-conn", user_id=USER, groups="admin", body={"action": "getImportUrl"}
    )
    assert json.loads(call(event)["body"])["type"] == "import.url"

    boto3.client("cognito-idp").admin_remove_user_from_group(
        UserPoolId=pushes.api.pool_id, Username=USER, GroupName="admin"
    )
    import_requests._groups_cache.clear()  # a new container, or the cache's 30 s later

    answer = json.loads(call(event)["body"])
    assert answer == {"type": "error", "message": "forbidden: invoice import is for admins"}


def test_the_group_check_is_cached_for_a_short_while_only(
    pushes: Pushes,  # noqa: F811
    monkeypatch: Any,
) -> None:
    pushes.add_user(USER, "admin")
    clock = [1000.0]
    monkeypatch.setattr(import_requests.time, "monotonic", lambda: clock[0])
    assert "admin" in import_requests.current_groups(USER)
    boto3.client("cognito-idp").admin_remove_user_from_group(
        UserPoolId=pushes.api.pool_id, Username=USER, GroupName="admin"
    )
    clock[0] += import_requests.GROUPS_CACHE_S - 1
    assert "admin" in import_requests.current_groups(USER)
    clock[0] += 2
    assert "admin" not in import_requests.current_groups(USER)


def test_an_import_action_after_the_token_expired_is_refused(
    pushes: Pushes,  # noqa: F811
) -> None:
    pushes.add_user(USER, "admin")
    past = int(time.time()) - 1
    event = ws_event(
        "getImportUrl",
        "admin-conn",
        user_id=USER,
        groups="admin",
        body={"action": "getImportUrl"},
        token_expires_at=past,
    )
    assert reply(event) == {"type": "error", "message": "session expired"}
    assert pushes.announced == []


def test_an_unrouted_action_is_an_error(pushes: Pushes) -> None:  # noqa: F811, ARG001
    event = ws_event("subscribe", "conn-1", user_id=USER, body={"action": "subscribe"})
    assert reply(event) == {"type": "error", "message": "unknown action 'subscribe'"}
