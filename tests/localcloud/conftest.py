"""Fixtures for the local cloud's own tests: one moto server per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localcloud.emulator import MotoServer, aws_environment


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def aws_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """Points boto3 in this test at the emulator; returns the endpoint URL."""
    for key, value in aws_environment(moto_server.endpoint_url).items():
        monkeypatch.setenv(key, value)
    return moto_server.endpoint_url
