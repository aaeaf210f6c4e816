"""The warm restart (localcloud.warm_start): the fingerprint decides, a snapshot is used
only whole, and anything else is a cold start with one line saying why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from localcloud import warm_start
from localcloud.warm_start import Fingerprint, find_snapshot, save_snapshot, stack_fingerprint


def _tree(root: Path) -> Path:
    files = {
        "terraform/stack/main.tf": 'resource "aws_sqs_queue" "q" {}\n',
        "terraform/modules/queue/main.tf": 'variable "name" {}\n',
        "terraform/environments/local/main.tf": 'module "stack" {}\n',
        "terraform/environments/local/.terraform.lock.hcl": 'provider "aws" {}\n',
        "scripts/terraform_cli_config.sh": "echo config\n",
        "schemas/consumers.json": '{"consumers": []}\n',
        "scripts/localcloud/up.py": "print('up')\n",
        "dist/lambda/orders.zip": "zip bytes of orders",
        "dist/host/orders.zip": "host zip bytes of orders",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _fingerprint(root: Path, **overrides: object) -> Fingerprint:
    arguments: dict[str, object] = {
        "root": root,
        "environ": {"HOME": "/home/x"},
        "console_url_given": True,
        "terraform": "1.9.8",
    }
    arguments.update(overrides)
    return stack_fingerprint(**arguments)  # type: ignore[arg-type]


def test_an_unchanged_stack_has_the_same_fingerprint(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    first = _fingerprint(root)
    # what does not decide the stack: Terraform's working files, caches, other env vars
    (root / "terraform/environments/local/.terraform").mkdir()
    (root / "terraform/environments/local/.terraform/providers.txt").write_text("x")
    (root / "terraform/environments/local/terraform.tfstate").write_text("{}")
    (root / "scripts/localcloud/__pycache__").mkdir()
    (root / "scripts/localcloud/__pycache__/up.cpython-313.pyc").write_text("x")

    again = _fingerprint(root, environ={"HOME": "/elsewhere", "PATH": "/bin"})

    assert again.digest == first.digest
    assert again.changed_parts(first.parts) == []


@pytest.mark.parametrize(
    ("change", "part"),
    [
        (
            lambda root: (root / "terraform/stack/main.tf").write_text("# edited\n"),
            "terraform files",
        ),
        (
            lambda root: (root / "terraform/modules/queue/extra.tf").write_text("locals {}\n"),
            "terraform files",
        ),
        (
            lambda root: (root / "terraform/environments/local/.terraform.lock.hcl").write_text(
                'provider "aws" { version = "5.101.0" }\n'
            ),
            "terraform files",
        ),
        (
            lambda root: (root / "schemas/consumers.json").write_text('{"consumers": [1]}'),
            "terraform files",
        ),
        (lambda root: (root / "dist/lambda/orders.zip").write_text("rebuilt"), "function zips"),
        (lambda root: (root / "dist/lambda/products.zip").write_text("new"), "function zips"),
        (
            lambda root: (root / "scripts/localcloud/up.py").write_text("changed"),
            "local cloud sources",
        ),
    ],
)
def test_a_changed_file_changes_the_fingerprint_and_is_named(
    tmp_path: Path, change: object, part: str
) -> None:
    root = _tree(tmp_path)
    before = _fingerprint(root)

    change(root)  # type: ignore[operator]
    after = _fingerprint(root)

    assert after.digest != before.digest
    assert after.changed_parts(before.parts) == [part]


def test_apply_variables_and_versions_are_in_the_fingerprint(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    base = _fingerprint(root)

    assert _fingerprint(root, environ={"TF_VAR_environment": "x"}).changed_parts(base.parts) == [
        "apply variables"
    ]
    assert _fingerprint(root, console_url_given=False).changed_parts(base.parts) == [
        "apply variables"
    ]
    assert _fingerprint(root, terraform="1.10.0").changed_parts(base.parts) == ["versions"]


def _save(
    directory: Path,
    fingerprint: Fingerprint,
    tmp_path: Path,
    *,
    web_port: int = 0,
    outputs: dict[str, Any] | None = None,
) -> Path:
    state = tmp_path / "terraform.tfstate"
    state.write_text(json.dumps({"outputs": outputs or {"region": {"value": "us-east-1"}}}))
    return save_snapshot(
        directory,
        fingerprint,
        save_emulator_state=lambda path: path.write_bytes(b"emulator state"),
        terraform_state=state,
        emulator_port=warm_start_free_port(),
        web_port=web_port or warm_start_free_port(),
    )


def warm_start_free_port() -> int:
    from localcloud.emulator import free_port

    return free_port()


def test_a_matching_snapshot_is_used(tmp_path: Path) -> None:
    fingerprint = _fingerprint(_tree(tmp_path / "root"))
    directory = _save(tmp_path / "snapshot", fingerprint, tmp_path)
    said: list[str] = []

    snapshot = find_snapshot(directory, fingerprint, say=said.append)

    assert snapshot is not None
    assert said == []
    assert snapshot.emulator_state.read_bytes() == b"emulator state"
    assert snapshot.outputs() == {"region": "us-east-1"}
    assert not directory.with_name("snapshot.partial").exists()


def test_a_snapshots_outputs_are_read_as_terraform_output_gives_them(tmp_path: Path) -> None:
    """The environments pass the stack's outputs through whole (`output "stack"`): the warm
    path reads them from the saved state exactly as the cold path reads `terraform output`."""
    fingerprint = _fingerprint(_tree(tmp_path / "root"))
    stack = {"region": "us-east-1", "user_pool_id": "us-east-1_abc", "web_url": "http://x"}
    outputs = {
        "stack": {"value": stack, "type": "object"},
        "aws_endpoint_url": {"value": "http://127.0.0.1:1", "type": "string"},
    }
    directory = _save(tmp_path / "snapshot", fingerprint, tmp_path, outputs=outputs)
    snapshot = find_snapshot(directory, fingerprint, say=[].append)
    assert snapshot is not None

    assert snapshot.outputs() == {**stack, "aws_endpoint_url": "http://127.0.0.1:1"}


def test_a_changed_stack_starts_cold_saying_what_changed(tmp_path: Path) -> None:
    root = _tree(tmp_path / "root")
    directory = _save(tmp_path / "snapshot", _fingerprint(root), tmp_path)
    (root / "dist/host/orders.zip").write_text("rebuilt")
    said: list[str] = []

    assert find_snapshot(directory, _fingerprint(root), say=said.append) is None
    assert said == ["  cold start: the stack changed since the snapshot (function zips)"]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (
            lambda d: (d / warm_start.EMULATOR_STATE).write_bytes(b"emulator stat"),
            "the snapshot's emulator.pickle is missing or damaged",
        ),
        (
            lambda d: (d / warm_start.TERRAFORM_STATE).unlink(),
            "the snapshot's terraform.tfstate is missing or damaged",
        ),
        (
            lambda d: (d / warm_start.MANIFEST).write_text("{not json"),
            "the snapshot's manifest is unreadable",
        ),
        (
            lambda d: (d / warm_start.MANIFEST).write_text(
                json.dumps({**json.loads((d / warm_start.MANIFEST).read_text()), "format": "old/0"})
            ),
            "the snapshot is of another format",
        ),
        (
            lambda d: (d / warm_start.MANIFEST).write_text(
                json.dumps(
                    {
                        **json.loads((d / warm_start.MANIFEST).read_text()),
                        "ports": {"emulator": 4566, "web": 0},
                    }
                )
            ),
            "the snapshot's manifest names no ports",
        ),
    ],
)
def test_a_damaged_or_old_snapshot_starts_cold(tmp_path: Path, damage: object, reason: str) -> None:
    fingerprint = _fingerprint(_tree(tmp_path / "root"))
    directory = _save(tmp_path / "snapshot", fingerprint, tmp_path)
    damage(directory)  # type: ignore[operator]
    said: list[str] = []

    assert find_snapshot(directory, fingerprint, say=said.append) is None
    assert len(said) == 1
    assert said[0].startswith(f"  cold start: {reason}")


def test_no_snapshot_or_a_busy_port_starts_cold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    fingerprint = _fingerprint(_tree(tmp_path / "root"))
    said: list[str] = []
    assert find_snapshot(tmp_path / "none", fingerprint, say=said.append) is None
    assert said[0].startswith("  cold start: no snapshot of an earlier run")

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        directory = _save(
            tmp_path / "snapshot", fingerprint, tmp_path, web_port=busy.getsockname()[1]
        )
        said.clear()
        monkeypatch.setattr(warm_start, "PORT_WAIT_S", 0.0)
        assert find_snapshot(directory, fingerprint, say=said.append) is None
        assert "web console port" in said[0]
        assert "is taken" in said[0]

    said.clear()
    assert find_snapshot(directory, fingerprint, web_port=1, say=said.append) is None
    assert "the web console port 1 is asked for" in said[0]


def test_a_new_snapshot_replaces_the_old_one_whole(tmp_path: Path) -> None:
    fingerprint = _fingerprint(_tree(tmp_path / "root"))
    directory = _save(tmp_path / "snapshot", fingerprint, tmp_path)
    (directory / "stale-file").write_text("from an older snapshot")

    def failing_save(_path: Path) -> None:
        raise RuntimeError("the emulator went away")

    with pytest.raises(RuntimeError):
        save_snapshot(
            directory,
            fingerprint,
            save_emulator_state=failing_save,
            terraform_state=tmp_path / "terraform.tfstate",
            emulator_port=1,
            web_port=2,
        )
    assert (directory / "stale-file").exists()  # the old one stands until a new one is whole

    warm_start.discard(directory)
    assert not directory.exists()
    assert not directory.with_name("snapshot.partial").exists()
