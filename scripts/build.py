#!/usr/bin/env python3
"""Builds one reproducible zip per function package.

For every package under functions/ (except the shared library, which goes into each
zip) it writes two variants:

- dist/lambda/<package>.zip: manylinux wheels for the Lambda runtime and architecture
  (python3.13 on arm64 by default), what Terraform deploys to AWS;
- dist/host/<package>.zip: the same code with wheels for this machine, what the local
  Lambda runtime executes.

Reproducible: entries sorted, fixed timestamps and permissions, byte code compiled in
unchecked-hash mode (no mtimes inside), so a rebuild gives byte-identical zips and
Terraform plans nothing. Dependencies are the pinned requirements/lambda.txt minus what
the Lambda runtime already provides (boto3 and its dependencies).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import py_compile
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
SHARED_PACKAGE = "shared"
GENERATED_VALIDATORS = FUNCTIONS / SHARED_PACKAGE / "contracts" / "generated"
LOCK_FILE = ROOT / "requirements" / "lambda.txt"
CACHE = ROOT / ".cache" / "build"
DIST = ROOT / "dist"

LAMBDA_PYTHON = (3, 13)
LAMBDA_PLATFORMS = {
    "arm64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64"],
    "x86_64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
}
# Shipped by the Lambda Python runtime itself (and by the local runtime's venv).
PROVIDED_BY_RUNTIME = {
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
}
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
EXCLUDED_DIRS = {"__pycache__", "bin", "tests"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo", ".pyi"}
EXCLUDED_FILES = {"py.typed"}


@dataclass(frozen=True)
class Variant:
    name: str
    pip_platform_args: list[str]
    compile_bytecode: bool


def lambda_variant(architecture: str) -> Variant:
    version = f"{LAMBDA_PYTHON[0]}.{LAMBDA_PYTHON[1]}"
    platform_args = [arg for tag in LAMBDA_PLATFORMS[architecture] for arg in ("--platform", tag)]
    return Variant(
        name="lambda",
        pip_platform_args=[
            *platform_args,
            "--python-version",
            version,
            "--implementation",
            "cp",
            "--only-binary=:all:",
        ],
        # Byte code is only valid for the interpreter version that wrote it.
        compile_bytecode=sys.version_info[:2] == LAMBDA_PYTHON,
    )


HOST_VARIANT = Variant(name="host", pip_platform_args=[], compile_bytecode=True)


def function_packages() -> list[str]:
    return sorted(
        path.name
        for path in FUNCTIONS.iterdir()
        if (path / "__init__.py").is_file() and path.name != SHARED_PACKAGE
    )


def pinned_requirements() -> list[str]:
    """The lock file's `name==version` lines without what the runtime provides."""
    requirements = []
    for line in LOCK_FILE.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name = line.split("==", 1)[0].split("[", 1)[0].strip().lower()
        if name not in PROVIDED_BY_RUNTIME:
            requirements.append(line)
    return requirements


def install_dependencies(variant: Variant, architecture: str) -> Path:
    """pip-installs the pinned wheels once per lock content and platform (cached)."""
    requirements = pinned_requirements()
    key_source = json.dumps([requirements, variant.pip_platform_args, sys.version_info[:2]])
    key = hashlib.sha256(key_source.encode()).hexdigest()[:16]
    target = CACHE / "deps" / f"{variant.name}-{architecture}-{key}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    requirements_file = target.with_suffix(".txt")
    requirements_file.write_text("\n".join(requirements) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            *variant.pip_platform_args,
            "-r",
            str(requirements_file),
        ],
        check=True,
    )
    (target / ".complete").touch()
    return target


def is_shipped(path: Path) -> bool:
    return (
        not any(part in EXCLUDED_DIRS for part in path.parts)
        and path.suffix not in EXCLUDED_SUFFIXES
        and path.name not in EXCLUDED_FILES
        and not path.name.startswith(".")
    )


def collect_files(package: str, dependencies: Path) -> dict[str, Path]:
    """Archive name -> source file, for the package, the shared library and the deps."""
    files: dict[str, Path] = {}
    for base, roots in ((FUNCTIONS, [package, SHARED_PACKAGE]), (dependencies, None)):
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(base)
            if roots is not None and relative.parts[0] not in roots:
                continue
            if path.is_file() and is_shipped(relative):
                files[relative.as_posix()] = path
    return files


def compiled_bytecode(source: Path, workdir: Path) -> bytes | None:
    """Unchecked-hash .pyc: no timestamp inside, and the runtime skips the source check."""
    target = workdir / "module.pyc"
    try:
        py_compile.compile(
            str(source),
            cfile=str(target),
            dfile=source.name,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError:
        return None  # e.g. a vendored file for another Python; ship the source only
    return target.read_bytes()


def write_zip(destination: Path, files: dict[str, Path], compile_bytecode: bool) -> None:
    entries: dict[str, bytes] = {name: path.read_bytes() for name, path in files.items()}
    if compile_bytecode:
        tag = sys.implementation.cache_tag
        workdir = CACHE / "pyc"
        workdir.mkdir(parents=True, exist_ok=True)
        for name, path in files.items():
            if name.endswith(".py"):
                bytecode = compiled_bytecode(path, workdir)
                if bytecode is not None:
                    folder, _, module = name.rpartition("/")
                    prefix = f"{folder}/" if folder else ""
                    entries[f"{prefix}__pycache__/{module[:-3]}.{tag}.pyc"] = bytecode
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name], compresslevel=9)
    os.replace(temporary, destination)


@dataclass(frozen=True)
class Artifact:
    package: str
    variant: str
    path: Path
    zipped_bytes: int
    unzipped_bytes: int
    sha256: str

    @property
    def code_sha256(self) -> str:
        """What Lambda reports as CodeSha256 (base64 of the digest)."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


def describe(package: str, variant: str, path: Path) -> Artifact:
    with zipfile.ZipFile(path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    return Artifact(
        package=package,
        variant=variant,
        path=path,
        zipped_bytes=path.stat().st_size,
        unzipped_bytes=unzipped,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def build(architecture: str, variants: list[str]) -> list[Artifact]:
    if not (GENERATED_VALIDATORS / "__init__.py").is_file():
        sys.exit("error: generated validators missing; run `make generate` first")
    chosen = [v for v in (lambda_variant(architecture), HOST_VARIANT) if v.name in variants]
    artifacts = []
    for variant in chosen:
        dependencies = install_dependencies(variant, architecture)
        for package in function_packages():
            destination = DIST / variant.name / f"{package}.zip"
            write_zip(destination, collect_files(package, dependencies), variant.compile_bytecode)
            artifacts.append(describe(package, variant.name, destination))
    return artifacts


def report(artifacts: list[Artifact]) -> None:
    print(f"{'package':<16}{'variant':<8}{'zipped':>10}{'unzipped':>11}  sha256")
    for a in artifacts:
        print(
            f"{a.package:<16}{a.variant:<8}{a.zipped_bytes / 1e6:>8.2f}MB"
            f"{a.unzipped_bytes / 1e6:>9.2f}MB  {a.sha256}"
        )
    manifest = {
        f"{a.variant}/{a.package}": {
            "path": a.path.relative_to(ROOT).as_posix(),
            "zipped_bytes": a.zipped_bytes,
            "unzipped_bytes": a.unzipped_bytes,
            "sha256": a.sha256,
            "code_sha256": a.code_sha256,
        }
        for a in artifacts
    }
    (DIST / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architecture", choices=sorted(LAMBDA_PLATFORMS), default="arm64")
    parser.add_argument(
        "--variant", action="append", choices=["lambda", "host"], help="default: both"
    )
    args = parser.parse_args()
    if sys.version_info[:2] != LAMBDA_PYTHON:
        print(
            f"note: building with Python {sys.version_info[0]}.{sys.version_info[1]}: "
            "the Lambda zips ship sources only (byte code needs 3.13)",
            file=sys.stderr,
        )
    report(build(args.architecture, args.variant or ["lambda", "host"]))


if __name__ == "__main__":
    main()
