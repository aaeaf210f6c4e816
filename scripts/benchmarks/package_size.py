"""Size of every function package, zipped and unzipped, with its biggest parts."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

TOP_PARTS = 6


def part_of(name: str) -> str:
    """Groups an archive entry: a top-level package, or two levels for the big ones."""
    parts = name.split("/")
    if parts[0] in {"aws_lambda_powertools", "pydantic", "fontTools"} and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0].removesuffix(".pyc").removesuffix(".py")


def measure(zips: dict[str, Path]) -> dict[str, Any]:
    results = {}
    for package, archive in sorted(zips.items()):
        with zipfile.ZipFile(archive) as opened:
            entries = opened.infolist()
        compressed: Counter[str] = Counter()
        for entry in entries:
            compressed[part_of(entry.filename)] += entry.compress_size
        results[package] = {
            "zip": str(archive),
            "zipped_bytes": archive.stat().st_size,
            "unzipped_bytes": sum(entry.file_size for entry in entries),
            "files": len(entries),
            "sources": sum(entry.filename.endswith(".py") for entry in entries),
            "byte_code_files": sum(entry.filename.endswith(".pyc") for entry in entries),
            "biggest_parts_zipped_bytes": dict(compressed.most_common(TOP_PARTS)),
        }
    return results
