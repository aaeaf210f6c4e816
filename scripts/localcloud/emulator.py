"""The AWS emulator: moto in server mode (see emulator_server.py) on a free loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

LOCAL_REGION = "us-east-1"
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
RESTORE_STATE_ENV = "LOCALCLOUD_RESTORE_STATE"  # read by localcloud.emulator_server
STATE_REFUSED_EXIT_CODE = 3  # the emulator's exit code when it refuses that state
STATE_ROUTE = "/moto-api/localcloud/state"  # localcloud.emulator_state


class EmulatorStateRefusedError(RuntimeError):
    """The emulator refused a saved state (and exited without serving anything)."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def aws_environment(endpoint_url: str, region: str = LOCAL_REGION) -> dict[str, str]:
    """Environment variables that point boto3 (and Terraform) at the emulator."""
    return {
        **LOCAL_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }


class MotoServer:
    """Runs `moto_server` as a child process; use as a context manager or start()/stop()."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        log_path: Path | None = None,
        restore_from: Path | None = None,
    ) -> None:
        """``restore_from``: a state saved by save_state(), restored before it serves."""
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self.restore_from = restore_from
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = 30.0) -> MotoServer:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        scripts_dir = str(Path(__file__).resolve().parent.parent)
        python_path = os.pathsep.join(filter(None, [scripts_dir, os.environ.get("PYTHONPATH")]))
        env = {
            **os.environ,
            **LOCAL_CREDENTIALS,
            "MOTO_PORT": str(self.port),
            "PYTHONPATH": python_path,
        }
        env.pop(RESTORE_STATE_ENV, None)
        if self.restore_from is not None:
            env[RESTORE_STATE_ENV] = str(self.restore_from)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "localcloud.emulator_server",
                "-H",
                self.host,
                "-p",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process and self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                if code == STATE_REFUSED_EXIT_CODE:
                    raise EmulatorStateRefusedError(
                        f"the emulator refused the saved state {self.restore_from}"
                        + (f"; see {self.log_path}" if self.log_path else "")
                    )
                raise RuntimeError(f"moto_server exited with {code}")
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"moto_server did not answer on {self.endpoint_url} in {timeout}s")

    def reset(self) -> None:
        """Forget every resource (moto's reset API)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def save_state(self, path: Path) -> dict[str, object]:
        """Saves everything the emulator holds to ``path`` (localcloud.emulator_state);
        call it while nothing else changes the emulator. Answers the services saved."""
        request = urllib.request.Request(
            f"{self.endpoint_url}{STATE_ROUTE}",
            data=json.dumps({"save": str(path.resolve())}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            answer: dict[str, object] = json.loads(response.read())
        return answer

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
