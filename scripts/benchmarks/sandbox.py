"""A stand-in for a Lambda execution environment on this machine.

- the task root: a function package's zip (dist/host/<package>.zip) extracted to a
  temporary directory, as Lambda extracts it into /var/task;
- the runtime: a directory of links to the AWS SDK of this virtual environment (boto3 and
  its dependencies), what the managed Python runtime provides next to the code;
- the environment variables Lambda sets, plus the function's own (docs/conventions.md).

A subprocess started with `python -S -E` and ``sys.path = [task root, runtime]`` sees
nothing else, so a dependency missing from a zip fails here as it would in Lambda.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.functions import ACCOUNT, REGION, Function

RUNTIME_DISTRIBUTIONS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)
# Clients are created, never called: nothing listens there.
UNREACHABLE_ENDPOINT = "http://127.0.0.1:9"


@contextmanager
def task_roots(zips: dict[str, Path]) -> Iterator[dict[str, Path]]:
    """Package name -> its zip extracted to a temporary directory (removed afterwards)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-task-"))
    try:
        roots = {}
        for package, archive in sorted(zips.items()):
            root = workdir / package
            with zipfile.ZipFile(archive) as extracted:
                extracted.extractall(root)
            roots[package] = root
        yield roots
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def runtime_directory() -> Iterator[Path]:
    """Links to the top-level modules of the SDK distributions (the Lambda runtime's)."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    try:
        for name in RUNTIME_DISTRIBUTIONS:
            distribution = importlib.metadata.distribution(name)
            for entry in {path.parts[0] for path in distribution.files or []}:
                if entry.endswith(".dist-info") or entry in {"..", "__pycache__"}:
                    continue
                link = workdir / entry
                if not link.exists():
                    link.symlink_to(Path(str(distribution.locate_file(entry))))
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def lambda_environment(function: Function, task_root: Path, *, tracing: bool) -> dict[str, str]:
    """What Lambda sets for ``function`` (minus per-invocation values), plus its own
    variables; ``tracing`` False sets POWERTOOLS_TRACE_DISABLED."""
    name = f"bench-{function.name}"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_ENDPOINT_URL": UNREACHABLE_ENDPOINT,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2025/01/01/[$LATEST]bench",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "LAMBDA_TASK_ROOT": str(task_root),
        "LAMBDA_RUNTIME_DIR": str(task_root),
        "AWS_ACCOUNT_ID": ACCOUNT,
        **function.environment,
    }
    if not tracing:
        environment["POWERTOOLS_TRACE_DISABLED"] = "true"
    return environment


def baseline_environment(task_root: Path) -> dict[str, str]:
    """The environment of the `import boto3; boto3.client(...)` baseline."""
    bare = Function(name="baseline", handler="baseline.handler", memory_mb=128)
    return lambda_environment(bare, task_root, tracing=False)
