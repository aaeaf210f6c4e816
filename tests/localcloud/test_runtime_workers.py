"""The local runtime runs deployed zips like Lambda: context, reuse, limits and failures."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from runtime_helpers import DeployFunction, client, unique, zip_package

from localcloud.code_store import CodeNotFoundError, CodeStore, code_sha256
from localcloud.invoker import LocalInvoker

pytest_plugins = ["runtime_fixtures"]

ECHO = {
    "app.py": """
    import os

    def handler(event, context):
        return {
            "event": event,
            "pid": os.getpid(),
            "function_name": context.function_name,
            "function_arn": context.invoked_function_arn,
            "request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "memory": context.memory_limit_in_mb,
            "log_group": context.log_group_name,
            "log_stream": context.log_stream_name,
            "greeting": os.environ.get("GREETING"),
            "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
            "trace": os.environ.get("_X_AMZN_TRACE_ID"),
        }
    """
}


def test_handler_gets_the_event_and_a_lambda_context(
    deploy_function: DeployFunction, invoker: LocalInvoker, endpoint_url: str
) -> None:
    spec = deploy_function(ECHO, timeout=2, memory=256, environment={"GREETING": "hi"})

    result = invoker.invoke(spec.name, {"hello": ["world", 1]})

    assert result.ok, result.error
    body = result.payload
    assert body["event"] == {"hello": ["world", 1]}
    assert body["function_name"] == spec.name
    assert body["function_arn"] == spec.arn
    uuid.UUID(body["request_id"])
    assert 1500 < body["remaining_ms"] <= 2000
    assert body["memory"] == "256"
    assert body["log_group"] == f"/aws/lambda/{spec.name}"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["log_stream"])
    assert body["greeting"] == "hi"
    assert body["endpoint"] == endpoint_url
    assert body["trace"].startswith("Root=1-")


def test_warm_environment_is_reused(deploy_function: DeployFunction, invoker: LocalInvoker) -> None:
    spec = deploy_function(ECHO)

    first = invoker.invoke(spec.name, {})
    second = invoker.invoke(spec.name, {})

    assert first.payload["pid"] == second.payload["pid"]
    assert len(invoker.workers(spec.name)) == 1
    assert first.payload["request_id"] != second.payload["request_id"]


def test_parallel_invocations_use_several_environments_up_to_the_cap(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function(
        {
            "app.py": """
            import os, time

            def handler(event, context):
                time.sleep(0.3)
                return os.getpid()
            """
        },
        reserved_concurrency=3,
    )

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: invoker.invoke(spec.name, {}), range(6)))

    assert all(result.ok for result in results), [r.error for r in results]
    pids = {result.payload for result in results}
    assert len(pids) == 3  # reserved concurrency bounds the environments
    assert len(invoker.workers(spec.name)) == 3


def test_reserved_concurrency_zero_throttles(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function(ECHO, reserved_concurrency=0)

    result = invoker.invoke(spec.name, {})

    assert result.error is not None
    assert result.error["errorType"] == "TooManyRequestsException"


def test_a_handler_that_never_returns_times_out_and_the_next_call_cold_starts(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function(
        {
            "app.py": """
            import os, time

            def handler(event, context):
                while event.get("hang"):
                    time.sleep(0.05)
                return os.getpid()
            """
        },
        timeout=1,
    )
    hung_pid = invoker.invoke(spec.name, {}).payload

    started = time.monotonic()
    result = invoker.invoke(spec.name, {"hang": True})
    elapsed = time.monotonic() - started

    assert result.error is not None
    assert result.error["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result.error["errorMessage"]
    assert 1.0 <= elapsed < 1.8
    after = invoker.invoke(spec.name, {})
    assert after.ok
    assert after.payload != hung_pid


def test_a_raising_handler_reports_lambdas_error_document_and_stays_warm(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function(
        {
            "app.py": """
            import os

            class OutOfStock(Exception):
                pass

            def handler(event, context):
                if event.get("fail"):
                    raise OutOfStock("sku-1 is gone")
                return os.getpid()
            """
        }
    )
    pid = invoker.invoke(spec.name, {}).payload

    result = invoker.invoke(spec.name, {"fail": True})

    assert result.payload is None
    assert result.error is not None
    assert result.error["errorType"] == "OutOfStock"
    assert result.error["errorMessage"] == "sku-1 is gone"
    assert any("raise OutOfStock" in line for line in result.error["stackTrace"])
    assert invoker.invoke(spec.name, {}).payload == pid


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("import sys; sys.exit(3)", "Runtime exited with error: exit status 3"),
        (
            "import signal; os.kill(os.getpid(), signal.SIGSEGV)",
            "Runtime exited with error: signal: segmentation fault",
        ),
    ],
    ids=["sys-exit", "segfault"],
)
def test_a_dying_runtime_is_reported_and_replaced(
    deploy_function: DeployFunction, invoker: LocalInvoker, body: str, reason: str
) -> None:
    spec = deploy_function(
        {
            "app.py": f"""
            import os

            def handler(event, context):
                if event.get("die"):
                    {body}
                return os.getpid()
            """
        }
    )
    pid = invoker.invoke(spec.name, {}).payload

    result = invoker.invoke(spec.name, {"die": True})

    assert result.error is not None
    assert result.error["errorType"] == "Runtime.ExitError"
    assert reason in result.error["errorMessage"]
    replacement = invoker.invoke(spec.name, {})
    assert replacement.ok
    assert replacement.payload != pid


def test_an_import_error_is_an_init_error_and_init_is_retried(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function({"app.py": "import not_shipped_in_the_zip\n\ndef handler(e, c): ..."})

    first = invoker.invoke(spec.name, {})
    second = invoker.invoke(spec.name, {})

    for result in (first, second):
        assert result.error is not None
        assert result.error["errorType"] == "Runtime.ImportModuleError"
        assert "No module named 'not_shipped_in_the_zip'" in result.error["errorMessage"]
    assert invoker.workers(spec.name) == []


def test_only_the_zip_and_the_runtimes_own_packages_are_importable(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function(
        {
            "app.py": """
            import importlib.util, os, sys

            def handler(event, context):
                return {
                    name: importlib.util.find_spec(name) is not None
                    for name in ("boto3", "botocore", "pydantic", "moto", "helper")
                } | {"first_path": sys.path[0], "task_root": os.environ["LAMBDA_TASK_ROOT"]}
            """,
            "helper.py": "",
        }
    )

    result = invoker.invoke(spec.name, {})

    assert result.ok, result.error
    found = result.payload
    assert found["boto3"]
    assert found["botocore"]
    assert found["helper"]
    assert not found["pydantic"]  # must be shipped in the zip, as in Lambda
    assert not found["moto"]
    assert found["first_path"] == found["task_root"]


def test_a_process_that_exits_during_init_is_an_exit_error(
    deploy_function: DeployFunction, invoker: LocalInvoker
) -> None:
    spec = deploy_function({"app.py": "import os\nos._exit(7)\n"})

    result = invoker.invoke(spec.name, {})

    assert result.error is not None
    assert result.error["errorType"] == "Runtime.ExitError"
    assert "exit status 7" in result.error["errorMessage"]


def test_output_goes_to_the_functions_log_group(
    deploy_function: DeployFunction, invoker: LocalInvoker, endpoint_url: str
) -> None:
    spec = deploy_function(
        {
            "app.py": """
            import logging
            logging.getLogger().setLevel(logging.INFO)

            def handler(event, context):
                print("printed", event["marker"])
                logging.info("logged %s", event["marker"])
                return "ok"
            """
        }
    )
    marker = uuid.uuid4().hex
    invoker.invoke(spec.name, {"marker": marker})
    assert invoker.log_shipper is not None
    assert invoker.log_shipper.flush()

    logs = client("logs", endpoint_url)
    streams = logs.describe_log_streams(logGroupName=spec.log_group)["logStreams"]
    assert len(streams) == 1
    events = logs.get_log_events(
        logGroupName=spec.log_group, logStreamName=streams[0]["logStreamName"]
    )["events"]
    messages = [event["message"] for event in events]
    assert f"printed {marker}" in messages
    assert any(f"logged {marker}" in message and "[INFO]" in message for message in messages)
    assert any(message.startswith("START RequestId:") for message in messages)
    assert any(message.startswith("REPORT RequestId:") for message in messages)


def test_a_redeploy_replaces_the_environments(
    deploy_function: DeployFunction, invoker: LocalInvoker, endpoint_url: str, zip_dir: Path
) -> None:
    spec = deploy_function({"app.py": "def handler(event, context):\n    return 'v1'\n"})
    assert invoker.invoke(spec.name, {}).payload == "v1"

    code = zip_package({"app.py": "def handler(event, context):\n    return 'v2'\n"})
    (zip_dir / f"{spec.name}-v2.zip").write_bytes(code)
    client("lambda", endpoint_url).update_function_code(FunctionName=spec.name, ZipFile=code)
    time.sleep(invoker.spec_ttl_s)

    assert invoker.invoke(spec.name, {}).payload == "v2"


def test_unknown_function_is_resource_not_found(invoker: LocalInvoker) -> None:
    result = invoker.invoke(unique("missing"), {})

    assert result.error is not None
    assert result.error["errorType"] == "ResourceNotFoundException"


def test_code_is_found_by_its_sha_and_a_missing_zip_fails_clearly(
    deploy_function: DeployFunction, invoker: LocalInvoker, zip_dir: Path, tmp_path: Path
) -> None:
    spec = deploy_function({"app.py": "def handler(event, context):\n    return 1\n"})
    (zip_dir / f"{spec.name}.zip").rename(tmp_path / "moved.zip")

    result = invoker.invoke(spec.name, {})

    assert result.error is not None
    assert result.error["errorType"] == "LocalRuntime.CodeNotFound"
    assert spec.code_sha256 in result.error["errorMessage"]
    with pytest.raises(CodeNotFoundError, match="no zip with CodeSha256"):
        CodeStore(cache_dir=tmp_path / "cache", zip_dirs=[zip_dir], twin_dirs=[]).task_root(spec)


def test_the_lambda_build_runs_as_its_host_twin(tmp_path: Path) -> None:
    from localcloud.deployment import FunctionSpec

    lambda_dir, host_dir = tmp_path / "lambda", tmp_path / "host"
    lambda_dir.mkdir()
    host_dir.mkdir()
    deployed = zip_package({"app.py": "PLATFORM = 'arm64'\n"})
    (lambda_dir / "products.zip").write_bytes(deployed)
    (host_dir / "products.zip").write_bytes(zip_package({"app.py": "PLATFORM = 'host'\n"}))
    spec = FunctionSpec(
        name="products-api",
        arn="arn:aws:lambda:us-east-1:123456789012:function:products-api",
        handler="app.handler",
        runtime="python3.13",
        environment={},
        timeout_s=3,
        memory_mb=128,
        code_sha256=code_sha256(deployed),
        code_location=None,
        reserved_concurrency=None,
        log_group="/aws/lambda/products-api",
    )
    store = CodeStore(cache_dir=tmp_path / "cache", zip_dirs=[host_dir], twin_dirs=[lambda_dir])

    root = store.task_root(spec)

    assert (root / "app.py").read_text() == "PLATFORM = 'host'\n"
    assert store.task_root(spec) == root


CTRL_C_SCRIPT = """
import signal, sys
from pathlib import Path
from localcloud.code_store import CodeStore
from localcloud.invoker import LocalInvoker

# Ctrl-C raises KeyboardInterrupt, as in a terminal, also when the test run was started as
# a background job (whose children inherit SIGINT ignored).
signal.signal(signal.SIGINT, signal.default_int_handler)
endpoint, name, zips, cache = sys.argv[1:5]
store = CodeStore(cache_dir=Path(cache), zip_dirs=[Path(zips)], twin_dirs=[])
invoker = LocalInvoker(endpoint, code_store=store, console=sys.stdout, ship_logs=False)
invoker.invoke(name, {})
"""


def test_ctrl_c_leaves_no_worker_behind(
    deploy_function: DeployFunction, endpoint_url: str, zip_dir: Path, tmp_path: Path
) -> None:

    spec = deploy_function(
        {
            "app.py": """
            import os, time

            def handler(event, context):
                print("worker pid", os.getpid(), flush=True)
                time.sleep(60)
            """
        },
        timeout=60,
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, endpoint_url, spec.name, str(zip_dir), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "scripts")},
    )
    assert parent.stdout is not None
    worker_pid = None
    for line in parent.stdout:
        if "worker pid" in line:
            worker_pid = int(line.split()[-1])
            break
    assert worker_pid is not None

    parent.send_signal(signal.SIGINT)
    parent.communicate(timeout=60)  # drained: a full pipe must not hold the parent up

    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
