"""Fixtures for every suite.

Tests run with fake credentials, no profile or shared config and no endpoint override,
so nothing they do can reach a real AWS account (an un-mocked call fails on the fake key).
Exceptions: the end-to-end and browser suites, which target a deployed stack (maybe real
AWS, with the caller's credentials), and tests that already point boto3 at an emulator through
``AWS_ENDPOINT_URL`` (the local cloud's own tests). Unit tests are always isolated.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Read when the Powertools singletons are created, i.e. when a handler module is imported
# (at collection time). Plain defaults: they carry no credentials.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "tests")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Ecommerce")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "INFO")

FAKE_REGION = "us-east-1"  # the local cloud's region too
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": FAKE_REGION,
    "AWS_REGION": FAKE_REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
REAL_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


def _suite(item: pytest.Item) -> str:
    parts = Path(str(item.path)).parts
    return parts[parts.index("tests") + 1] if "tests" in parts[:-1] else ""


@pytest.fixture(autouse=True)
def _fake_aws_credentials(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    suite = _suite(request.node)
    if suite in ("e2e", "browser") or request.node.get_closest_marker("e2e") is not None:
        return
    if suite != "unit" and os.environ.get("AWS_ENDPOINT_URL"):
        return
    for name in REAL_AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
