"""Fixtures for the local Lambda runtime's tests: tiny handler packages deployed to moto.

A pytest plugin: test modules load it with `pytest_plugins = ["runtime_fixtures"]` and
import helpers from `runtime_helpers`, never from here (so pytest can rewrite its asserts).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from runtime_helpers import (
    LAMBDA_ROLE,
    CreateMapping,
    DeployFunction,
    client,
    unique,
    zip_package,
)

from localcloud.code_store import CodeStore
from localcloud.deployment import FunctionSpec
from localcloud.emulator import MotoServer
from localcloud.invoker import LocalInvoker
from localcloud.pollers import EventSourcePollers


@pytest.fixture(scope="module")
def endpoint_url(moto_server: MotoServer) -> str:
    """The session's emulator (conftest.py): moto without its own Lambda dispatch."""
    return moto_server.endpoint_url


@pytest.fixture(scope="module")
def zip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plays dist/host/: where the runtime finds the zips it was told about by hash."""
    return tmp_path_factory.mktemp("host-zips")


@pytest.fixture(scope="module")
def invoker(
    endpoint_url: str, zip_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalInvoker]:
    store = CodeStore(
        cache_dir=tmp_path_factory.mktemp("code-cache"), zip_dirs=[zip_dir], twin_dirs=[]
    )
    with LocalInvoker(endpoint_url, code_store=store, echo=False, spec_ttl_s=0.3) as local:
        yield local


@pytest.fixture(scope="module")
def deploy_function(endpoint_url: str, zip_dir: Path, invoker: LocalInvoker) -> DeployFunction:
    """Creates a function in the emulator through the Lambda API, as Terraform does."""
    lambda_client = client("lambda", endpoint_url)
    iam = client("iam", endpoint_url)
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(
            RoleName=LAMBDA_ROLE.rsplit("/", 1)[1],
            AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
        )

    def deploy(
        files: dict[str, str],
        *,
        name: str | None = None,
        handler: str = "app.handler",
        timeout: int = 3,
        memory: int = 128,
        environment: dict[str, str] | None = None,
        reserved_concurrency: int | None = None,
    ) -> FunctionSpec:
        function_name = name or unique("fn")
        code = zip_package(files)
        (zip_dir / f"{function_name}.zip").write_bytes(code)
        lambda_client.create_function(
            FunctionName=function_name,
            Runtime="python3.13",
            Role=LAMBDA_ROLE,
            Handler=handler,
            Code={"ZipFile": code},
            Timeout=timeout,
            MemorySize=memory,
            Environment={"Variables": environment or {}},
        )
        if reserved_concurrency is not None:
            lambda_client.put_function_concurrency(
                FunctionName=function_name, ReservedConcurrentExecutions=reserved_concurrency
            )
        return invoker.deployment.function(function_name)

    return deploy


@pytest.fixture(scope="module")
def pollers(invoker: LocalInvoker) -> Iterator[EventSourcePollers]:
    with EventSourcePollers(invoker.deployment, invoker, rescan_interval_s=0.3) as running:
        yield running


@pytest.fixture
def create_mapping(endpoint_url: str, pollers: EventSourcePollers) -> Iterator[CreateMapping]:
    """Creates an event source mapping (deleted after the test) and starts polling it."""
    lambda_client = client("lambda", endpoint_url)
    created: list[str] = []

    def create(**spec: Any) -> str:
        mapping_uuid: str = lambda_client.create_event_source_mapping(**spec)["UUID"]
        created.append(mapping_uuid)
        pollers.rescan()
        return mapping_uuid

    yield create
    for mapping_uuid in created:
        lambda_client.delete_event_source_mapping(UUID=mapping_uuid)
    pollers.rescan()
