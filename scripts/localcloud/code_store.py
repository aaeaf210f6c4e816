"""Finds a deployed function's zip and unpacks it once per code hash.

moto keeps the uploaded zip but offers no way to download it: GetFunction's
Code.Location points at a fictitious `awslambda-<region>-tasks.s3...amazonaws.com`
URL. So the zip is located by its CodeSha256 (base64 SHA-256 of the zip bytes, as
Lambda reports it) among the host-platform builds (dist/host/*.zip). If the Lambda
build (dist/lambda/<pkg>.zip) was deployed instead, its host-platform twin of the
same name runs. A Location on the emulator itself (LocalStack serves one) is
downloaded directly.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import tempfile
import threading
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path

from localcloud.deployment import FunctionSpec

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".local" / "lambda-code"
HOST_ZIPS = PROJECT_ROOT / "dist" / "host"
LAMBDA_ZIPS = PROJECT_ROOT / "dist" / "lambda"
_COMPLETE_MARKER = ".unpacked"


class CodeNotFoundError(FileNotFoundError):
    """No zip we can run matches the deployed function's CodeSha256."""


def code_sha256(data: bytes) -> str:
    """Lambda's CodeSha256: the base64 (not hex) SHA-256 of the zip bytes."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


class CodeStore:
    """Maps a function's CodeSha256 to an unpacked task root (the Lambda /var/task)."""

    def __init__(
        self,
        cache_dir: Path = DEFAULT_CACHE_DIR,
        zip_dirs: Sequence[Path] = (HOST_ZIPS,),
        twin_dirs: Sequence[Path] = (LAMBDA_ZIPS,),
        endpoint_url: str | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.zip_dirs = list(zip_dirs)
        self.twin_dirs = list(twin_dirs)
        self.endpoint_url = endpoint_url
        self._lock = threading.Lock()
        self._hashes: dict[tuple[Path, int, int], str] = {}

    def task_root(self, spec: FunctionSpec) -> Path:
        """The unpacked code of `spec`, unpacking it on first use."""
        target = self.cache_dir / _dir_name(spec.code_sha256)
        if (target / _COMPLETE_MARKER).exists():
            return target
        with self._lock:
            if not (target / _COMPLETE_MARKER).exists():
                self._unpack(self._zip_bytes(spec), target)
        return target

    def _zip_bytes(self, spec: FunctionSpec) -> bytes:
        if spec.code_location and self._is_on_emulator(spec.code_location):
            with urllib.request.urlopen(spec.code_location, timeout=30) as response:
                data: bytes = response.read()
            if code_sha256(data) == spec.code_sha256:
                return data
        return self._find_zip(spec).read_bytes()

    def _is_on_emulator(self, location: str) -> bool:
        host = urllib.parse.urlsplit(location).hostname or ""
        emulator = urllib.parse.urlsplit(self.endpoint_url or "").hostname
        return host in ("localhost", "127.0.0.1", emulator)

    def _find_zip(self, spec: FunctionSpec) -> Path:
        host_zips = _zips_in(self.zip_dirs)
        for path in host_zips:
            if self._hash(path) == spec.code_sha256:
                return path
        for twin in _zips_in(self.twin_dirs):
            if self._hash(twin) == spec.code_sha256:
                for path in host_zips:
                    if path.name == twin.name:
                        return path
        searched = ", ".join(str(d) for d in [*self.zip_dirs, *self.twin_dirs]) or "nowhere"
        raise CodeNotFoundError(
            f"function {spec.name}: no zip with CodeSha256 {spec.code_sha256} in {searched}"
            f" ({len(host_zips)} host zips compared). Rebuild (make build) and redeploy"
            " so the deployed code and dist/ agree."
        )

    def _hash(self, path: Path) -> str:
        stat = path.stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self._hashes:
            self._hashes[key] = code_sha256(path.read_bytes())
        return self._hashes[key]

    def _unpack(self, data: bytes, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=target.parent))
        try:
            with tempfile.TemporaryFile() as archive:
                archive.write(data)
                archive.seek(0)
                with zipfile.ZipFile(archive) as zipped:
                    _extract_with_modes(zipped, staging)
            (staging / _COMPLETE_MARKER).touch()
            shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _zips_in(directories: Sequence[Path]) -> list[Path]:
    return sorted(path for directory in directories for path in directory.glob("*.zip"))


def _dir_name(sha256_b64: str) -> str:
    return base64.b64decode(sha256_b64).hex() if sha256_b64 else "unknown"


def _extract_with_modes(zipped: zipfile.ZipFile, target: Path) -> None:
    """Extracts keeping the Unix permission bits (executables in wheels stay executable)."""
    for info in zipped.infolist():
        path = Path(zipped.extract(info, target))
        mode = (info.external_attr >> 16) & 0o777
        if mode and not info.is_dir():
            path.chmod(mode | 0o400)
