"""Proves that a Terraform refactoring moves state instead of recreating resources.

Applies the local environment of a base revision (default `final`) into a fresh emulator,
then plans this checkout's local environment against the same state, and prints what the
plan would do to each resource. Exits 1 if anything would be destroyed or replaced (the
`moved` blocks are incomplete), 0 otherwise; in-place updates are listed for a reader to
explain. Both revisions deploy this checkout's zips (`make build` first), so code changes
never show up as updates.

    make build
    PYTHONPATH=scripts .venv/bin/python scripts/check_state_moves.py --base final

Takes a few minutes (one full apply into moto); nothing is left running.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localcloud.emulator import MotoServer, aws_environment
from localcloud.terraform_runner import terraform_environment

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = Path("terraform") / "environments" / "local"


@dataclass(frozen=True)
class PlannedChange:
    """What a plan does to one resource instance (Terraform's `resource_changes`)."""

    address: str
    previous_address: str | None
    actions: tuple[str, ...]

    @property
    def moved(self) -> bool:
        return self.previous_address is not None and self.previous_address != self.address

    @property
    def destroys(self) -> bool:
        """Deleted or replaced: what a state move must never cause."""
        return "delete" in self.actions

    def describe(self) -> str:
        action = "+".join(self.actions)
        origin = f" (moved from {self.previous_address})" if self.moved else ""
        return f"{action}: {self.address}{origin}"


def planned_changes(plan: Mapping[str, Any]) -> list[PlannedChange]:
    """The resource changes of `terraform show -json <plan>`, data sources left out."""
    return [
        PlannedChange(
            address=change["address"],
            previous_address=change.get("previous_address"),
            actions=tuple(change["change"]["actions"]),
        )
        for change in plan.get("resource_changes", [])
        if change.get("mode") == "managed"
    ]


def report(changes: Iterable[PlannedChange]) -> tuple[list[str], bool]:
    """Lines describing every move and every change; True when nothing is destroyed."""
    changes = list(changes)
    lines = [
        change.describe() for change in changes if change.moved or change.actions != ("no-op",)
    ]
    moved = sum(change.moved for change in changes)
    changed = sum(change.actions != ("no-op",) for change in changes)
    safe = not any(change.destroys for change in changes)
    lines.append(f"{moved} moved, {changed} changed, destroys nothing: {safe}")
    return lines, safe


def export_revision(revision: str, destination: Path) -> Path:
    """The tree of `revision` (git archive), written below destination."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(destination, filter="data")
    return destination


class Terraform:
    """terraform in one checkout's local environment, against one emulator and state."""

    def __init__(self, checkout: Path, endpoint_url: str, state: Path, log: Path) -> None:
        self.directory = checkout / ENVIRONMENT
        self.log = log
        self.env = {**terraform_environment(), **aws_environment(endpoint_url)}
        self.stack_arguments = [
            "-input=false",
            f"-state={state}",
            f"-var=aws_endpoint_url={endpoint_url}",
            f"-var=package_dir={ROOT / 'dist' / 'host'}",
        ]

    def run(self, *arguments: str, log_output: bool = True) -> str:
        command = ["terraform", f"-chdir={self.directory}", *arguments]
        with self.log.open("a") as log:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            result = subprocess.run(
                command, env=self.env, stdout=subprocess.PIPE, stderr=log, text=True, check=False
            )
            if log_output:
                log.write(result.stdout)
        if result.returncode != 0:
            raise RuntimeError(
                f"terraform {arguments[0]} failed in {self.directory}; see {self.log}"
            )
        return result.stdout

    def apply(self) -> None:
        self.run("init", "-input=false", "-no-color")
        self.run("apply", "-auto-approve", "-no-color", "-parallelism=64", *self.stack_arguments)

    def plan(self, plan_file: Path) -> dict[str, Any]:
        self.run("init", "-input=false", "-no-color")
        self.run("plan", "-no-color", "-lock=false", f"-out={plan_file}", *self.stack_arguments)
        return dict(json.loads(self.run("show", "-json", str(plan_file), log_output=False)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="final", help="revision deployed first (default: final)")
    parser.add_argument(
        "--log", type=Path, help="Terraform's and moto's output (default: a temp file)"
    )
    arguments = parser.parse_args(argv)
    if not (ROOT / "dist" / "host").is_dir():
        parser.error("dist/host/ is missing: run `make build` first")

    with tempfile.TemporaryDirectory(prefix="state-moves-") as scratch:
        work = Path(scratch)
        log = arguments.log or work / "terraform.log"
        base = export_revision(arguments.base, work / "base")
        state = work / "terraform.tfstate"
        with MotoServer(log_path=work / "moto.log") as emulator:
            try:
                Terraform(base, emulator.endpoint_url, state, log).apply()
                plan = Terraform(ROOT, emulator.endpoint_url, state, log).plan(work / "plan")
            except RuntimeError:
                if arguments.log is None:
                    sys.stderr.write(log.read_text()[-6000:])
                raise
        lines, safe = report(planned_changes(plan))
    print("\n".join(lines))
    return 0 if safe else 1


if __name__ == "__main__":
    sys.exit(main())
