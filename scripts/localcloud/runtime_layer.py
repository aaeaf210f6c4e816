"""The local stand-in for Lambda's /var/runtime: only what the Python runtime provides.

Workers run with `python -S` (no site-packages), so a handler sees its own zip first
and then exactly what the managed runtime ships: the runtime interface client and the
AWS SDK. A dependency missing from the zip fails locally as it would in Lambda.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

RUNTIME_MODULES = (
    # the runtime interface client and its native part
    "awslambdaric",
    "runtime_client",
    "simplejson",
    "snapshot_restore_py",
    # the AWS SDK the python3.x runtimes include
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "six",
    "urllib3",
)


def _module_path(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{name} is not installed in {sys.prefix}")
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def build_runtime_layer(target: Path | None = None) -> Path:
    """A directory of symlinks to the runtime's modules in this interpreter's environment."""
    environment = hashlib.sha256(sys.prefix.encode()).hexdigest()[:12]
    layer = target or Path(tempfile.gettempdir()) / f"localcloud-runtime-{environment}"
    layer.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_MODULES:
        source = _module_path(name)
        link = layer / source.name
        if link.is_symlink() and link.resolve() == source.resolve():
            continue
        staging = layer / f".{source.name}.{os.getpid()}"
        staging.unlink(missing_ok=True)
        staging.symlink_to(source)
        os.replace(staging, link)
    return layer
