"""localcloud.terraform_runner: the apply `make up` runs, with where its time went, and the
figures scripts/bench_up.py reads back from its log."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import bench_up
import pytest

from localcloud.terraform_runner import LocalTerraform

FAKE_TERRAFORM = """#!/usr/bin/env bash
# Stands in for terraform: prints what an apply prints, at its own pace.
echo "module.stack.aws_sqs_queue.dlq: Creating..."
echo "Plan: 2 to add, 0 to change, 0 to destroy."
sleep 0.4
echo "module.stack.aws_sqs_queue.dlq: Creation complete after 25s [id=dlq]"
echo "Apply complete! Resources: 2 added, 0 changed, 0 destroyed."
exit "${FAKE_TERRAFORM_EXIT:-0}"
"""


@pytest.fixture
def terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalTerraform:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(FAKE_TERRAFORM)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return LocalTerraform(state_file=tmp_path / "terraform.tfstate", log_file=tmp_path / "tf.log")


def test_apply_reports_planning_and_creating_apart(terraform: LocalTerraform) -> None:
    terraform.state_file.write_text("{}")  # left over from an earlier emulator

    timings = terraform.apply("http://127.0.0.1:5000")

    assert not terraform.state_file.exists()
    assert 0 <= timings.plan_s < timings.total_s
    assert timings.changes_s >= 0.35
    log = terraform.log_file.read_text()
    assert "apply -auto-approve -no-color" in log
    assert "-var=aws_endpoint_url=http://127.0.0.1:5000" in log
    assert "Creation complete after 25s" in log
    assert log.rstrip().endswith("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.")


def test_a_failed_apply_names_its_log(
    terraform: LocalTerraform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_TERRAFORM_EXIT", "1")
    failing = LocalTerraform(state_file=terraform.state_file, log_file=terraform.log_file)

    with pytest.raises(RuntimeError, match=r"terraform apply failed; see .*tf\.log"):
        failing.apply("http://127.0.0.1:5000")


def test_the_bench_reads_the_slowest_resources_of_the_last_apply() -> None:
    log = "\n".join(
        [
            "$ terraform -chdir=x apply -auto-approve -no-color",
            "old.aws_kms_key.this: Creation complete after 1m40s [id=k]",
            "$ terraform -chdir=x apply -auto-approve -no-color",
            "module.stack.module.key.aws_kms_key.this: Creation complete after 13s [id=k]",
            "module.stack.aws_sqs_queue.invoice_imports: Creation complete after 25s [id=q]",
            "module.stack.aws_sns_topic.this: Creation complete after 0s [id=t]",
            "$ terraform -chdir=x output -json -state=s",
            "{}",
        ]
    )

    assert bench_up.slowest_resources(log, count=2) == [
        {"address": "module.stack.aws_sqs_queue.invoice_imports", "seconds": 25},
        {"address": "module.stack.module.key.aws_kms_key.this", "seconds": 13},
    ]
    assert bench_up.seconds("1m5s") == 65
