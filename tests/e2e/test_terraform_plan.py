"""Terraform's view of the running local stack: planning it again changes nothing.

A resource the emulator reads back differently from how Terraform wrote it shows up here
as a change on every plan. Two cases were found this way: moto's spacing in RedrivePolicy
(every queue with a DLQ), and a queue Policy dropped when the failure-isolation test changed
the queue's visibility timeout. This test runs after the tests that change queues and
mappings and then restore them, so it also checks that they did restore them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.emulator import aws_environment
from localcloud.terraform_runner import CONSOLE_URL_ENV, LocalTerraform
from tests.e2e.endpoints import ROOT, Endpoints


def test_planning_the_local_stack_again_changes_nothing(
    endpoints: Endpoints, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if endpoints.target != "local" or endpoints.aws_endpoint_url is None:
        pytest.skip("a deployed environment's state belongs to its operators")
    for name, value in aws_environment(endpoints.aws_endpoint_url).items():
        monkeypatch.setenv(name, value)
    if endpoints.raw.get("web_url"):  # the console the stack was applied with (CORS origin)
        monkeypatch.setenv(CONSOLE_URL_ENV, str(endpoints.raw["web_url"]).rstrip("/"))
    else:
        monkeypatch.delenv(CONSOLE_URL_ENV, raising=False)
    terraform = LocalTerraform(
        state_file=ROOT / ".local" / "terraform.tfstate", log_file=tmp_path / "terraform.log"
    )

    assert terraform.planned_changes(endpoints.aws_endpoint_url) == []
