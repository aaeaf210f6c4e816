"""scripts/build.py: an unchanged package is not deflated again (`make up` starts with a
build), and anything that would change the zip's bytes still rewrites it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import build
import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "CACHE", tmp_path / "cache")


HANDLER = b"def handler(event, context):\n    return 1\n"
ENTRIES = {"pkg/__init__.py": b"", "pkg/handler.py": HANDLER}


def test_an_unchanged_package_is_not_written_again(tmp_path: Path) -> None:
    destination = tmp_path / "dist" / "pkg.zip"
    assert build.write_zip_if_changed(destination, dict(ENTRIES)) is True
    written = destination.stat()

    assert build.write_zip_if_changed(destination, dict(ENTRIES)) is False
    assert destination.stat().st_mtime_ns == written.st_mtime_ns
    assert destination.stat().st_ino == written.st_ino


def test_changed_entries_are_written(tmp_path: Path) -> None:
    destination = tmp_path / "pkg.zip"
    build.write_zip_if_changed(destination, dict(ENTRIES))
    changed = {**ENTRIES, "pkg/handler.py": b"def handler(event, context):\n    return 2\n"}

    assert build.write_zip_if_changed(destination, changed) is True
    with zipfile.ZipFile(destination) as archive:
        assert archive.read("pkg/handler.py").endswith(b"return 2\n")


def test_a_zip_altered_on_disk_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    destination = tmp_path / "pkg.zip"
    build.write_zip_if_changed(destination, dict(ENTRIES))
    reference = destination.read_bytes()
    destination.write_bytes(b"not the zip we wrote")

    assert build.write_zip_if_changed(destination, dict(ENTRIES)) is True
    assert destination.read_bytes() == reference


def test_a_missing_zip_is_written_even_when_recorded(tmp_path: Path) -> None:
    destination = tmp_path / "pkg.zip"
    build.write_zip_if_changed(destination, dict(ENTRIES))
    destination.unlink()

    assert build.write_zip_if_changed(destination, dict(ENTRIES)) is True
    assert destination.is_file()


def test_the_same_entries_elsewhere_are_written_there(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "pkg.zip", tmp_path / "b" / "pkg.zip"
    build.write_zip_if_changed(first, dict(ENTRIES))

    assert build.write_zip_if_changed(second, dict(ENTRIES)) is True
    assert second.read_bytes() == first.read_bytes()
