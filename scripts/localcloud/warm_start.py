"""The warm restart of `make up`: a snapshot of the applied stack, reused while nothing
that decides the stack has changed.

A cold `make up` runs the real `terraform apply` into a new emulator (most of its time is
the AWS provider's fixed waits). Right after that apply, before the runtime starts and
before anything is seeded, the emulator is quiet and holds exactly what Terraform created:
its whole state (localcloud.emulator_state) and Terraform's state file are saved together
under `.local/snapshot/`, with a manifest naming the stack's fingerprint and the ports the
stack was applied with.

The next `make up` computes the fingerprint again. When it matches, the files are whole
(their SHA-256 as in the manifest) and the two ports are free, the emulator starts from
the saved state, Terraform's state is put back beside it, and the run continues exactly as
after a cold apply (runtime, front doors, demo data). Anything else is a cold start, with
one log line saying why, and a new snapshot replaces the old one once it is whole (until
then the old one still describes the stack it was taken of). `--fresh` (`make up
FRESH=1`) always starts cold.

The fingerprint covers everything that decides what the apply creates:
- terraform/stack, terraform/modules and terraform/environments/local (the provider lock
  file included), the Terraform CLI configuration script, and schemas/ (Terraform reads
  the subscriptions from schemas/consumers.json);
- every function zip under dist/ (their bytes);
- the apply's variables other than the two ports: TF_VAR_* in the environment and whether
  a console URL is passed (the ports themselves are reused, see above);
- the versions of Terraform, moto and Python (the saved state is a pickle of moto's
  objects);
- scripts/localcloud (the emulator's repairs and the runtime that reads the stack).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from localcloud.terraform_runner import flat_outputs

_log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT_FORMAT = "localcloud-snapshot/1"
MANIFEST = "manifest.json"
EMULATOR_STATE = "emulator.pickle"
TERRAFORM_STATE = "terraform.tfstate"
_CHUNK = 1 << 20
PORT_WAIT_S = 10.0
"""How long a warm restart waits for its ports (the previous run may still be stopping)."""


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tree_digest(root: Path, paths: Iterable[Path]) -> str:
    """One SHA-256 over the relative names and contents of ``paths`` (sorted)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(_file_digest(path).encode() + b"\n")
    return digest.hexdigest()


def _files_under(directory: Path, skip_dirs: frozenset[str]) -> list[Path]:
    found = []
    for current, subdirectories, files in os.walk(directory):
        subdirectories[:] = [name for name in subdirectories if name not in skip_dirs]
        for name in files:
            if name.endswith((".tfstate", ".tfstate.backup", ".pyc", ".lock.info")):
                continue
            found.append(Path(current) / name)
    return found


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def terraform_version(env: Mapping[str, str] | None = None) -> str:
    """`terraform version -json`'s terraform_version (no providers: those the lock file
    pins are part of the fingerprint already)."""
    printed = subprocess.run(
        ["terraform", "version", "-json"],
        check=True,
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
    ).stdout
    return str(json.loads(printed)["terraform_version"])


@dataclass(frozen=True)
class Fingerprint:
    """A digest per part (to say what changed) and one over them all."""

    parts: Mapping[str, str]

    @property
    def digest(self) -> str:
        return _text_digest(json.dumps(dict(self.parts), sort_keys=True))

    def changed_parts(self, other: Mapping[str, str]) -> list[str]:
        names = set(self.parts) | set(other)
        return sorted(name for name in names if self.parts.get(name) != other.get(name))


def stack_fingerprint(
    *,
    root: Path = ROOT,
    environ: Mapping[str, str],
    console_url_given: bool,
    terraform: str,
) -> Fingerprint:
    """The fingerprint of everything that decides the applied local stack (see above)."""
    skip = frozenset({".terraform", "__pycache__"})
    terraform_dir = root / "terraform"
    terraform_files = [
        *_files_under(terraform_dir / "stack", skip),
        *_files_under(terraform_dir / "modules", skip),
        *_files_under(terraform_dir / "environments" / "local", skip),
        root / "scripts" / "terraform_cli_config.sh",
        # what the Terraform code reads outside terraform/ (file(".../schemas/consumers.json"))
        *_files_under(root / "schemas", skip),
    ]
    zips = sorted((root / "dist").glob("*/*.zip"))
    variables = {name: value for name, value in environ.items() if name.startswith("TF_VAR_")}
    variables["console_url given"] = str(console_url_given)
    versions = {
        "terraform": terraform,
        "moto": version("moto"),
        "python": ".".join(map(str, sys.version_info[:3])),
    }
    return Fingerprint(
        parts={
            "terraform files": _tree_digest(root, [p for p in terraform_files if p.is_file()]),
            "function zips": _tree_digest(root, zips),
            "apply variables": _text_digest(json.dumps(variables, sort_keys=True)),
            "versions": _text_digest(json.dumps(versions, sort_keys=True)),
            "local cloud sources": _tree_digest(
                root, _files_under(root / "scripts" / "localcloud", skip)
            ),
        }
    )


@dataclass(frozen=True)
class Snapshot:
    """A saved stack that matches this run: where its files are and its ports."""

    directory: Path
    emulator_port: int
    web_port: int

    @property
    def emulator_state(self) -> Path:
        return self.directory / EMULATOR_STATE

    @property
    def terraform_state(self) -> Path:
        return self.directory / TERRAFORM_STATE

    def outputs(self) -> dict[str, Any]:
        """The outputs from the saved state, laid out as the cold path reads `terraform
        output -json` (`flat_outputs`: the stack's outputs beside the environment's own)."""
        state = json.loads(self.terraform_state.read_text())
        return flat_outputs(state.get("outputs", {}))


def port_is_free(port: int, host: str = "127.0.0.1", wait_s: float | None = None) -> bool:
    """Whether a server can listen on ``port`` (as ours do, with SO_REUSEADDR), waiting
    up to ``wait_s`` for a local cloud that is still stopping to let it go."""
    deadline = time.monotonic() + (PORT_WAIT_S if wait_s is None else wait_s)
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
                return True
            except OSError:
                pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def find_snapshot(
    directory: Path,
    fingerprint: Fingerprint,
    *,
    emulator_port: int = 0,
    web_port: int = 0,
    say: Callable[[str], None] = print,
) -> Snapshot | None:
    """The snapshot to restore, or None (after one line saying why: a cold start).

    ``emulator_port`` / ``web_port``: the ports asked for (0: any)."""
    reason = _refusal(directory, fingerprint, emulator_port, web_port)
    if isinstance(reason, Snapshot):
        return reason
    say(f"  cold start: {reason}")
    return None


def _refusal(
    directory: Path, fingerprint: Fingerprint, emulator_port: int, web_port: int
) -> Snapshot | str:
    manifest_file = directory / MANIFEST
    if not manifest_file.is_file():
        return f"no snapshot of an earlier run in {directory}"
    try:
        manifest = json.loads(manifest_file.read_text())
        saved_format = manifest["format"]
        saved_parts = manifest["fingerprint"]
        files = manifest["files"]
        ports = manifest["ports"]
        snapshot = Snapshot(directory, int(ports["emulator"]), int(ports["web"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"the snapshot's manifest is unreadable ({type(error).__name__}: {error})"
    if min(snapshot.emulator_port, snapshot.web_port) <= 0:
        return "the snapshot's manifest names no ports"
    if saved_format != SNAPSHOT_FORMAT:
        return f"the snapshot is of another format ({saved_format}, not {SNAPSHOT_FORMAT})"
    changed = fingerprint.changed_parts(saved_parts)
    if changed:
        return f"the stack changed since the snapshot ({', '.join(changed)})"
    for name, expected in sorted(files.items()):
        path = directory / name
        if not path.is_file() or _file_digest(path) != expected:
            return f"the snapshot's {name} is missing or damaged (its SHA-256 differs)"
    for label, asked, saved in (
        ("emulator", emulator_port, snapshot.emulator_port),
        ("web console", web_port, snapshot.web_port),
    ):
        if asked and asked != saved:
            return f"the {label} port {asked} is asked for; the snapshot's stack uses {saved}"
        if not port_is_free(saved):
            return f"the {label} port {saved} the snapshot's stack uses is taken"
    return snapshot


def discard(directory: Path) -> None:
    """Removes a snapshot and any half-built one."""
    shutil.rmtree(directory, ignore_errors=True)
    shutil.rmtree(_partial(directory), ignore_errors=True)


def _partial(directory: Path) -> Path:
    return directory.with_name(directory.name + ".partial")


def save_snapshot(
    directory: Path,
    fingerprint: Fingerprint,
    *,
    save_emulator_state: Callable[[Path], object],
    terraform_state: Path,
    emulator_port: int,
    web_port: int,
) -> Path:
    """Writes a snapshot: the emulator's state (``save_emulator_state(path)``), a copy of
    Terraform's state, and the manifest last; built beside ``directory`` and renamed into
    place, so a run interrupted half way leaves no snapshot rather than half of one."""
    building = _partial(directory)
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    save_emulator_state(building / EMULATOR_STATE)
    shutil.copyfile(terraform_state, building / TERRAFORM_STATE)
    manifest = {
        "format": SNAPSHOT_FORMAT,
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fingerprint": dict(fingerprint.parts),
        "files": {
            name: _file_digest(building / name) for name in (EMULATOR_STATE, TERRAFORM_STATE)
        },
        "ports": {"emulator": emulator_port, "web": web_port},
    }
    (building / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(directory, ignore_errors=True)
    building.rename(directory)
    return directory
