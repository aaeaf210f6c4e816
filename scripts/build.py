#!/usr/bin/env python3
"""Builds one reproducible zip per function package.

For every package under functions/ (except the shared library, which goes into each
zip) it writes two variants:

- dist/lambda/<package>.zip: manylinux wheels for the Lambda runtime and architecture
  (python3.13 on arm64 by default), what Terraform deploys to AWS;
- dist/host/<package>.zip: the same code with wheels for this machine, what the local
  Lambda runtime executes.

Reproducible: entries sorted, fixed timestamps and permissions, byte code compiled in
unchecked-hash mode (no mtimes inside) by a fresh interpreter with a fixed hash seed, so a
rebuild gives byte-identical zips and Terraform plans nothing. Dependencies are the pinned
requirements/lambda.txt minus what the Lambda runtime already provides (boto3 and its
dependencies), plus, for a package that has one, its own pinned requirements/<package>.txt
(only the invoices package: its PDF library and font, see PACKAGE_REQUIREMENTS), so the
other packages' zips do not grow.

Small and quick to start (see bench/README.md for the figures):

- our code (the service and the shared library) ships its sources plus byte code in
  ``__pycache__``, so tracebacks show our lines;
- third-party dependencies ship byte code only (``module.pyc`` in place of ``module.py``,
  what Python calls sourceless imports), compiled without column tables: with no source
  to print, a traceback has no use for them, and they are a quarter of the byte code;
- a few parts of the dependencies no function can reach are left out (DROPPED_PARTS).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
SHARED_PACKAGE = "shared"
GENERATED_VALIDATORS = FUNCTIONS / SHARED_PACKAGE / "contracts" / "generated"
GENERATED_REQUEST_VALIDATORS = FUNCTIONS / SHARED_PACKAGE / "rest_generated"
REQUIREMENTS = ROOT / "requirements"
LOCK_FILE = REQUIREMENTS / "lambda.txt"
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
# Packages with extra runtime dependencies of their own: requirements/<package>.in pinned
# to requirements/<package>.txt (compiled with `-c requirements/lambda.txt`), installed on
# top of lambda.txt into that package's zip only.
PACKAGE_REQUIREMENTS = {"invoices"}
# Pinned by a package's lock file but not shipped, with the reason. The lock files keep
# them so that the dev environment (which installs with dependencies) matches.
NOT_SHIPPED = {
    # fpdf2 imports Pillow only to embed raster images, guarded by `try`; an invoice has
    # none, and Pillow's compiled wheel is 6.5 MB.
    "pillow": "images only (fpdf2 runs without it)",
    # A helper that finds font files by family name; the invoices code opens its two TTFs
    # from fontpkg_fira_sans directly.
    "fontpkg": "font lookup helper, unused",
}
# Under these folders, files with these endings are not shipped, with the reason.
DROPPED_ENDINGS = {
    # fontTools' wheels carry Cython's generated C sources and the extension modules built
    # from them (14 MB unzipped): optional speed-ups of code the invoices do not run (curve
    # conversion, variable fonts, feature files). Without them fontTools imports the pure
    # Python modules shipped beside them, as its py3-none-any wheel does.
    "fontTools/": ((".c", ".so"), "fontTools' optional compiled speed-ups"),
}
# Directories of which only the named files are shipped: the font families' other styles.
SHIPPED_ONLY = {
    "fontpkg_fira_sans/files/": {"FiraSans-Regular.ttf", "FiraSans-Bold.ttf"},
}
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
EXCLUDED_DIRS = {"__pycache__", "bin", "tests"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo", ".pyi"}
EXCLUDED_FILES = {"py.typed"}
# Parts of the dependencies that nothing shipped can reach, with the reason. The bench's
# import test (`make bench`, tests/bench) imports every handler from the built zips.
DROPPED_PARTS = {
    # pydantic's copy of its 1.x API; our models are pydantic 2 and only a type defining
    # the 1.x hook `__get_validators__` would make pydantic import it.
    "pydantic/v1/": "pydantic 1 compatibility layer",
    "pydantic/mypy.py": "mypy plugin (type checking only)",
    # Served only by `enable_swagger()` without a `swagger_base_url`, which no function
    # calls (checked by check_dropped_parts_unused).
    "aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui-bundle.min.js": (
        "Swagger UI assets"
    ),
    "aws_lambda_powertools/event_handler/openapi/swagger_ui/swagger-ui.min.css": (
        "Swagger UI assets"
    ),
}
# Source patterns in functions/ that would need a dropped part.
NEEDS_DROPPED_PARTS = ("pydantic.v1", "pydantic import v1", "__get_validators__", "enable_swagger")


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


def pinned_requirements(lock_file: Path = LOCK_FILE) -> list[str]:
    """The lock file's `name==version` lines without what the runtime provides or what is
    not shipped."""
    requirements = []
    for raw_line in lock_file.read_text().splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        name = line.split("==", 1)[0].split("[", 1)[0].strip().lower()
        if name not in PROVIDED_BY_RUNTIME and name not in NOT_SHIPPED:
            requirements.append(line)
    return requirements


def package_lock_file(package: str) -> Path | None:
    """requirements/<package>.txt for a package with its own dependencies."""
    if package not in PACKAGE_REQUIREMENTS:
        return None
    lock_file = REQUIREMENTS / f"{package}.txt"
    if not lock_file.is_file():
        sys.exit(f"error: {lock_file.relative_to(ROOT)} missing (PACKAGE_REQUIREMENTS)")
    return lock_file


def install_dependencies(
    variant: Variant, architecture: str, requirements: list[str] | None = None, label: str = ""
) -> Path:
    """pip-installs the pinned wheels once per lock content and platform (cached). Builds
    running at the same time each install into their own directory; the first to finish
    renames it into place, the others use that one."""
    if requirements is None:
        requirements = pinned_requirements()
    key_source = json.dumps([requirements, variant.pip_platform_args, sys.version_info[:2]])
    key = hashlib.sha256(key_source.encode()).hexdigest()[:16]
    target = CACHE / "deps" / f"{variant.name}-{architecture}-{label}{key}"
    if (target / ".complete").exists():
        return target
    staging = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    requirements_file = staging / "requirements.txt"
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
            str(staging),
            *variant.pip_platform_args,
            "-r",
            str(requirements_file),
        ],
        check=True,
    )
    requirements_file.unlink()
    (staging / ".complete").touch()
    if target.exists() and not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)  # left by an interrupted older build
    try:
        staging.rename(target)
    except OSError:  # another build got there first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def is_shipped(path: Path) -> bool:
    return (
        not any(part in EXCLUDED_DIRS for part in path.parts)
        and path.suffix not in EXCLUDED_SUFFIXES
        and path.name not in EXCLUDED_FILES
        and not path.name.startswith(".")
    )


def is_dropped(name: str) -> bool:
    folder, _, file_name = name.rpartition("/")
    kept = SHIPPED_ONLY.get(folder + "/")
    if kept is not None and file_name not in kept:
        return True
    if any(
        name.startswith(prefix) and name.endswith(endings)
        for prefix, (endings, _) in DROPPED_ENDINGS.items()
    ):
        return True
    return any(
        name.startswith(part) if part.endswith("/") else name == part for part in DROPPED_PARTS
    )


def check_dropped_parts_unused() -> None:
    """Fails the build if our code uses something DROPPED_PARTS leaves out."""
    for path in sorted(FUNCTIONS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in NEEDS_DROPPED_PARTS:
            if pattern in text:
                sys.exit(
                    f"error: {path.relative_to(ROOT)} uses {pattern!r}, which the build leaves "
                    "out of the zips (scripts/build.py DROPPED_PARTS)"
                )


def files_under(base: Path, roots: Iterable[str] | None = None) -> dict[str, Path]:
    """Archive name -> file for what is shipped under ``base`` (only ``roots`` if given)."""
    wanted = None if roots is None else set(roots)
    files: dict[str, Path] = {}
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if wanted is not None and relative.parts[0] not in wanted:
            continue
        name = relative.as_posix()
        if path.is_file() and is_shipped(relative) and not is_dropped(name):
            files[name] = path
    return files


# Runs in a fresh interpreter: a fixed hash seed keeps the byte code identical from build
# to build (set and frozenset constants are ordered by hash), and `-X no_debug_ranges`
# leaves the column tables out when asked. Reads [source, target, display name] lines.
_COMPILER = """
import json, py_compile, sys
for source, target, display_name in json.load(sys.stdin):
    try:
        py_compile.compile(source, cfile=target, dfile=display_name, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        pass  # e.g. a vendored file for another Python: shipped as source only
"""


def compile_bytecode(files: dict[str, Path], *, column_tables: bool) -> dict[str, bytes]:
    """Archive name of a .py -> its unchecked-hash byte code (cached by content)."""
    cache = CACHE / "pyc"
    cache.mkdir(parents=True, exist_ok=True)
    mode = f"{sys.implementation.cache_tag}-{'columns' if column_tables else 'lines'}"
    targets: dict[str, Path] = {}
    jobs = []
    for name, path in files.items():
        if not name.endswith(".py"):
            continue
        # Sourceless modules keep their archive path in tracebacks; with a source next to
        # it, Python replaces the name with the real path on import.
        display_name = name if not column_tables else path.name
        key = hashlib.sha256(f"{mode}\0{display_name}\0".encode() + path.read_bytes())
        target = cache / f"{key.hexdigest()}.pyc"
        targets[name] = target
        if not target.exists() and not target.with_suffix(".failed").exists():
            jobs.append([str(path), str(target), display_name])
    if jobs:
        flags = [] if column_tables else ["-X", "no_debug_ranges"]
        subprocess.run(
            [sys.executable, "-I", *flags, "-c", _COMPILER],
            input=json.dumps(jobs),
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        for _, compiled, _ in jobs:
            if not Path(compiled).exists():
                Path(compiled).with_suffix(".failed").touch()
    return {name: target.read_bytes() for name, target in targets.items() if target.exists()}


def own_code_entries(package: str, compile_bytecode_too: bool) -> dict[str, bytes]:
    """Our code: sources, plus byte code in __pycache__ (tracebacks keep our lines)."""
    files = files_under(FUNCTIONS, [package, SHARED_PACKAGE])
    entries = {name: path.read_bytes() for name, path in files.items()}
    if compile_bytecode_too:
        tag = sys.implementation.cache_tag
        for name, bytecode in compile_bytecode(files, column_tables=True).items():
            folder, _, module = name.rpartition("/")
            prefix = f"{folder}/" if folder else ""
            entries[f"{prefix}__pycache__/{module[:-3]}.{tag}.pyc"] = bytecode
    return entries


def dependency_entries(dependencies: Path, compile_bytecode_too: bool) -> dict[str, bytes]:
    """Third-party code: byte code only where it compiles (``x.pyc`` in place of ``x.py``),
    everything else as is."""
    files = files_under(dependencies)
    entries = {name: path.read_bytes() for name, path in files.items()}
    if compile_bytecode_too:
        for name, bytecode in compile_bytecode(files, column_tables=False).items():
            del entries[name]
            entries[name + "c"] = bytecode
    return entries


def write_zip(destination: Path, entries: dict[str, bytes]) -> None:
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


def _entries_digest(entries: dict[str, bytes]) -> str:
    """What a zip written by write_zip would be made of: its entries, the zip writer's own
    code and the deflate library (which together decide every byte)."""
    digest = hashlib.sha256(inspect.getsource(write_zip).encode())
    digest.update(zlib.ZLIB_RUNTIME_VERSION.encode())
    for name in sorted(entries):
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(entries[name]).digest())
    return digest.hexdigest()


def write_zip_if_changed(destination: Path, entries: dict[str, bytes]) -> bool:
    """write_zip, unless ``destination`` still is the zip it wrote last time from the same
    entries (recorded under .cache/build/zips): deflating every package again at level 9
    was most of a no-op `make build`, which `make up` runs first. Returns whether it wrote."""
    record = CACHE / "zips" / f"{hashlib.sha256(str(destination).encode()).hexdigest()}.json"
    inputs = _entries_digest(entries)
    if destination.is_file() and record.is_file():
        saved = json.loads(record.read_text())
        current = hashlib.sha256(destination.read_bytes()).hexdigest()
        if saved == {"inputs": inputs, "sha256": current}:
            return False
    write_zip(destination, entries)
    record.parent.mkdir(parents=True, exist_ok=True)
    written = hashlib.sha256(destination.read_bytes()).hexdigest()
    record.write_text(json.dumps({"inputs": inputs, "sha256": written}))
    return True


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


def build(architecture: str, variants: list[str], output: Path = DIST) -> list[Artifact]:
    for generated in (GENERATED_VALIDATORS, GENERATED_REQUEST_VALIDATORS):
        if not (generated / "__init__.py").is_file():
            sys.exit(f"error: {generated.name} validators missing; run `make generate` first")
    check_dropped_parts_unused()
    chosen = [v for v in (lambda_variant(architecture), HOST_VARIANT) if v.name in variants]
    artifacts = []
    for variant in chosen:
        dependencies = install_dependencies(variant, architecture)
        third_party = dependency_entries(dependencies, variant.compile_bytecode)
        for package in function_packages():
            destination = output / variant.name / f"{package}.zip"
            own_code = own_code_entries(package, variant.compile_bytecode)
            extra: dict[str, bytes] = {}
            lock_file = package_lock_file(package)
            if lock_file is not None:
                extra_dependencies = install_dependencies(
                    variant, architecture, pinned_requirements(lock_file), f"{package}-"
                )
                extra = dependency_entries(extra_dependencies, variant.compile_bytecode)
                clashes = sorted(name for name in extra if name in third_party)
                if clashes:
                    sys.exit(f"error: {lock_file.name} ships files lambda.txt does: {clashes[:3]}")
            write_zip_if_changed(destination, {**third_party, **extra, **own_code})
            artifacts.append(describe(package, variant.name, destination))
    return artifacts


def report(artifacts: list[Artifact], output: Path = DIST) -> None:
    print(f"{'package':<16}{'variant':<8}{'zipped':>10}{'unzipped':>11}  sha256")
    for a in artifacts:
        print(
            f"{a.package:<16}{a.variant:<8}{a.zipped_bytes / 1e6:>8.2f}MB"
            f"{a.unzipped_bytes / 1e6:>9.2f}MB  {a.sha256}"
        )
    manifest = {
        f"{a.variant}/{a.package}": {
            "path": a.path.relative_to(ROOT).as_posix()
            if a.path.is_relative_to(ROOT)
            else str(a.path),
            "zipped_bytes": a.zipped_bytes,
            "unzipped_bytes": a.unzipped_bytes,
            "sha256": a.sha256,
            "code_sha256": a.code_sha256,
        }
        for a in artifacts
    }
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architecture", choices=sorted(LAMBDA_PLATFORMS), default="arm64")
    parser.add_argument(
        "--variant", action="append", choices=["lambda", "host"], help="default: both"
    )
    parser.add_argument(
        "--output", type=Path, default=DIST, help="where the zips go (default: dist/)"
    )
    args = parser.parse_args()
    if sys.version_info[:2] != LAMBDA_PYTHON:
        print(
            f"note: building with Python {sys.version_info[0]}.{sys.version_info[1]}: "
            "the Lambda zips ship sources only (byte code needs 3.13)",
            file=sys.stderr,
        )
    output = args.output.resolve()
    report(build(args.architecture, args.variant or ["lambda", "host"], output), output)


if __name__ == "__main__":
    main()
