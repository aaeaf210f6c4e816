"""Runs the real `terraform apply` of terraform/environments/local into the emulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ENVIRONMENT = ROOT / "terraform" / "environments" / "local"
CLI_CONFIG_SCRIPT = ROOT / "scripts" / "terraform_cli_config.sh"
CONSOLE_URL_ENV = "LOCALCLOUD_CONSOLE_URL"


def terraform_environment() -> dict[str, str]:
    """The process environment with TF_CLI_CONFIG_FILE written by the project's script."""
    printed = subprocess.run(
        ["bash", str(CLI_CONFIG_SCRIPT)], check=True, capture_output=True, text=True
    ).stdout
    env = dict(os.environ)
    for line in printed.splitlines():
        if line.startswith("export TF_CLI_CONFIG_FILE="):
            env["TF_CLI_CONFIG_FILE"] = line.split("=", 1)[1].strip("'\"")
    env.setdefault("TF_IN_AUTOMATION", "1")
    return env


PLAN_SUMMARY = re.compile(r"^(Plan: |No changes\.)")


@dataclass(frozen=True)
class ApplyTimings:
    """Where an apply's time went: up to its plan summary (provider start-up, validation,
    data sources, the plan), and in total (the rest is creating the resources)."""

    plan_s: float
    total_s: float

    @property
    def changes_s(self) -> float:
        return self.total_s - self.plan_s


class LocalTerraform:
    """init, apply and output for the local environment, with state kept under .local/."""

    def __init__(self, state_file: Path, log_file: Path) -> None:
        self.state_file = state_file
        self.log_file = log_file
        self._env = terraform_environment()

    def _run(self, *args: str, capture: bool = False) -> str:
        command = ["terraform", f"-chdir={LOCAL_ENVIRONMENT}", *args]
        with self.log_file.open("a") as log:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            result = subprocess.run(
                command,
                env=self._env,
                stdout=subprocess.PIPE if capture else log,
                stderr=log,
                text=True,
                check=False,
            )
        if result.returncode != 0:
            raise RuntimeError(f"terraform {args[0]} failed; see {self.log_file}")
        return result.stdout or ""

    def init(self) -> None:
        self._run("init", "-input=false")

    def initialised(self) -> bool:
        """Whether `terraform init` has installed this environment's modules and providers."""
        working = LOCAL_ENVIRONMENT / ".terraform"
        return (working / "modules" / "modules.json").is_file() and (working / "providers").is_dir()

    def apply(self, endpoint_url: str) -> ApplyTimings:
        """A fresh apply into a new emulator; returns how long planning and applying took."""
        self.state_file.unlink(missing_ok=True)  # a new emulator holds nothing yet
        command = ["terraform", f"-chdir={LOCAL_ENVIRONMENT}", "apply", "-auto-approve"]
        command += ["-no-color", *self._stack_arguments(endpoint_url)]
        began = time.monotonic()
        planned: float | None = None
        with self.log_file.open("a") as log:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            with subprocess.Popen(
                command, env=self._env, stdout=subprocess.PIPE, stderr=log, text=True
            ) as process:
                assert process.stdout is not None
                try:
                    for line in process.stdout:  # the same log, noting when the plan is ready
                        log.write(line)
                        if planned is None and PLAN_SUMMARY.match(line):
                            planned = time.monotonic() - began
                            log.flush()
                except BaseException:  # interrupted: stop terraform as subprocess.run would
                    process.kill()
                    raise
        if process.returncode != 0:
            raise RuntimeError(f"terraform apply failed; see {self.log_file}")
        total = time.monotonic() - began
        return ApplyTimings(plan_s=planned if planned is not None else total, total_s=total)

    def planned_changes(self, endpoint_url: str) -> list[str]:
        """What a plan against the running emulator would change, one line per resource
        ("# <address> will be updated in-place"): none, unless the emulator drifts."""
        printed = self._run(
            "plan", "-no-color", "-lock=false", *self._stack_arguments(endpoint_url), capture=True
        )
        lines = (line.strip() for line in printed.splitlines())
        return [line for line in lines if line.startswith("# ") and " will be " in line]

    def _stack_arguments(self, endpoint_url: str) -> list[str]:
        """What apply and plan share: this state, this emulator, many calls at once, and
        the web console's origin when LOCALCLOUD_CONSOLE_URL names one (CORS, e-mail links)."""
        console_url = os.environ.get(CONSOLE_URL_ENV, "").strip()
        return [
            "-input=false",
            # Up to 12 dead-letter queues, then 12 queues, sit ~25 s each in the provider's
            # propagation wait: enough slots that nothing else queues behind them.
            "-parallelism=64",
            f"-state={self.state_file}",
            f"-var=aws_endpoint_url={endpoint_url}",
            *([f"-var=console_url={console_url}"] if console_url else []),
        ]

    def outputs(self) -> dict[str, Any]:
        printed = self._run("output", "-json", f"-state={self.state_file}", capture=True)
        return flat_outputs(json.loads(printed))


def flat_outputs(printed: dict[str, Any]) -> dict[str, Any]:
    """`terraform output -json` of an environment as one mapping: the stack's outputs
    (passed through whole as the output `stack`) beside the environment's own."""
    values = {name: output["value"] for name, output in printed.items()}
    return {**values.pop("stack", {}), **values}
