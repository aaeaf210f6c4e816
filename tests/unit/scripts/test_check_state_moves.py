"""scripts/check_state_moves.py: reading a plan's resource changes (the apply into the
emulator is run by hand: see terraform/README.md, "Refactoring safely")."""

from __future__ import annotations

from typing import Any

from check_state_moves import planned_changes, report


def _change(address: str, actions: list[str], previous: str | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {"address": address, "mode": "managed", "change": {"actions": actions}}
    if previous is not None:
        change["previous_address"] = previous
    return change


def test_moves_and_in_place_updates_destroy_nothing() -> None:
    plan = {
        "resource_changes": [
            _change(
                "module.c.module.function.aws_lambda_function.this",
                ["no-op"],
                "module.c.aws_lambda_function.this",
            ),
            _change("module.c.module.function.aws_iam_role_policy.this", ["update"]),
            _change("module.orders_api.aws_lambda_function.this", ["no-op"]),
            {"address": "data.aws_region.current", "mode": "data", "change": {"actions": ["read"]}},
        ]
    }

    lines, safe = report(planned_changes(plan))

    assert safe
    assert lines == [
        "no-op: module.c.module.function.aws_lambda_function.this"
        " (moved from module.c.aws_lambda_function.this)",
        "update: module.c.module.function.aws_iam_role_policy.this",
        "1 moved, 1 changed, destroys nothing: True",
    ]


def test_a_replacement_or_a_destroy_fails_the_check() -> None:
    for actions in (["delete", "create"], ["create", "delete"], ["delete"]):
        plan = {"resource_changes": [_change("module.q.aws_sqs_queue.this", actions)]}

        lines, safe = report(planned_changes(plan))

        assert not safe, actions
        assert lines[-1] == "0 moved, 1 changed, destroys nothing: False"


def test_a_plan_without_changes_is_safe() -> None:
    assert report(planned_changes({})) == (["0 moved, 0 changed, destroys nothing: True"], True)
