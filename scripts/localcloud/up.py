"""`make up`: the whole system on this machine, from the same Terraform and zips as AWS.

Order: emulator -> terraform apply (then a snapshot of the applied stack) -> Lambda
runtime (workers, event-source pollers) -> REST and WebSocket front doors -> demo data ->
`.local/endpoints.json`. When the snapshot matches the stack (localcloud.warm_start), the
first two steps are a warm restart instead: the emulator starts from the snapshot. Runs
until interrupted, then stops everything it started (in reverse order).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from localcloud.emulator import LOCAL_REGION, MotoServer, aws_environment
from localcloud.invoker import LocalInvoker
from localcloud.lambda_invoke_api import LambdaInvokeApi
from localcloud.mailbox import MailboxServer
from localcloud.pollers import EventSourcePollers
from localcloud.rest_gateway import RestGateway
from localcloud.scheduler import Scheduler
from localcloud.seed import seed_demo_data
from localcloud.terraform_runner import CONSOLE_URL_ENV, LocalTerraform, terraform_environment
from localcloud.warm_start import (
    Fingerprint,
    Snapshot,
    discard,
    find_snapshot,
    save_snapshot,
    stack_fingerprint,
    terraform_version,
)
from localcloud.web_console import WebConsole, config_document
from localcloud.websocket_gateway import WebSocketGateway

ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = ROOT / ".local"
ENDPOINTS_FILE = STATE_DIR / "endpoints.json"
TERRAFORM_STATE = STATE_DIR / "terraform.tfstate"
SNAPSHOT_DIR = STATE_DIR / "snapshot"
"""The applied stack saved by a cold start for the next warm one (localcloud.warm_start)."""
TRACE_LOG = STATE_DIR / "traces.jsonl"
"""Every invocation's trace (localcloud.traces), one JSON line each."""
SCHEDULE_CAP_S = float(os.environ.get("LOCALCLOUD_SCHEDULE_CAP_SECONDS", "5"))
"""EventBridge schedules fire at their rate or this often, whichever is sooner, so that
scheduled work (e.g. the import timeout sweep) shows within seconds locally."""


@dataclass
class Ports:
    """Fixed ports make URLs stable across runs; 0 picks a free one."""

    emulator: int = int(os.environ.get("LOCALCLOUD_EMULATOR_PORT", "0"))
    rest: int = int(os.environ.get("LOCALCLOUD_REST_PORT", "0"))
    websocket: int = int(os.environ.get("LOCALCLOUD_WEBSOCKET_PORT", "0"))
    connections: int = int(os.environ.get("LOCALCLOUD_CONNECTIONS_PORT", "0"))
    web: int = int(os.environ.get("LOCALCLOUD_WEB_PORT", "0"))


@dataclass
class LocalCloud:
    ports: Ports = field(default_factory=Ports)
    seed: bool = True
    fresh: bool = False
    """Start cold (the real apply) even when a snapshot matches the stack."""
    say: Callable[[str], None] = print
    warm: bool = False
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    _step_seconds: dict[str, float] = field(default_factory=dict)

    def start(self) -> dict[str, Any]:
        """Brings everything up and returns what goes into endpoints.json."""
        started = time.monotonic()
        STATE_DIR.mkdir(exist_ok=True)
        (STATE_DIR / "logs").mkdir(exist_ok=True)
        ENDPOINTS_FILE.unlink(missing_ok=True)
        try:
            endpoints = self._start(started)
        except BaseException:
            self.stop()
            raise
        ENDPOINTS_FILE.write_text(json.dumps(endpoints, indent=2, sort_keys=True) + "\n")
        return endpoints

    def _step(self, label: str) -> contextlib.AbstractContextManager[None]:
        @contextlib.contextmanager
        def timed() -> Iterator[None]:
            began = time.monotonic()
            self.say(f"  {label} ...")
            yield
            self._step_seconds[label] = round(time.monotonic() - began, 1)
            self.say(f"  {label}: done in {self._step_seconds[label]:.1f}s")

        return timed()

    def _start(self, started: float) -> dict[str, Any]:
        with self._step("stack fingerprint"):
            fingerprint = self._fingerprint()
        snapshot = None
        if not self.fresh:
            snapshot = find_snapshot(
                SNAPSHOT_DIR,
                fingerprint,
                emulator_port=self.ports.emulator,
                web_port=self.ports.web,
                say=self.say,
            )
        else:
            self.say("  cold start: asked for (--fresh)")
        warm = self._restore(snapshot) if snapshot is not None else None
        self.warm = warm is not None
        moto, console, outputs = warm or self._apply(fingerprint)
        with self._step("Lambda runtime and front doors"):
            TRACE_LOG.unlink(missing_ok=True)  # this run's invocations only
            invoker = LocalInvoker(
                moto.endpoint_url, outputs.get("region", LOCAL_REGION), trace_log=TRACE_LOG
            )
            self._stack.callback(invoker.shutdown)
            # The emulator runs Cognito's triggers through the runtime's Invoke API.
            invoke_api = LambdaInvokeApi(invoker).start()
            self._stack.callback(invoke_api.stop)
            invoke_api.register_with(moto.endpoint_url)
            # The WebSocket gateway first: every function may post to its @connections
            # endpoint, so its URL is in every worker's environment from the start.
            websocket = WebSocketGateway(
                moto.endpoint_url,
                invoker,
                port=self.ports.websocket,
                connections_port=self.ports.connections,
            )
            ws_endpoints = websocket.start()
            self._stack.callback(websocket.stop)
            invoker.add_environment(
                {"AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": ws_endpoints.connections_url}
            )
            pollers = EventSourcePollers(invoker.deployment, invoker).start()
            self._stack.callback(pollers.stop)
            scheduler = Scheduler(
                invoker.deployment.client("events"), invoker, interval_cap_s=SCHEDULE_CAP_S
            ).start()
            self._stack.callback(scheduler.stop)
            rest = RestGateway(moto.endpoint_url, invoker, port=self.ports.rest)
            rest.start()
            self._stack.callback(rest.stop)
            mailbox = MailboxServer(moto.endpoint_url).start()
            self._stack.callback(mailbox.stop)

        endpoints: dict[str, Any] = {
            "rest_url": rest.base_url_for(),
            "websocket_url": ws_endpoints.websocket_url,
            "connections_url": ws_endpoints.connections_url,
            "region": outputs["region"],
            "aws_endpoint_url": moto.endpoint_url,
            "mailbox_url": mailbox.url,
            "user_pool_id": outputs["user_pool_id"],
            "user_pool_client_id": outputs["user_pool_client_id"],
            "products_topic_arn": outputs["products_topic_arn"],
            "products_table_name": outputs["products_table_name"],
            "websocket_connections_table_name": outputs["websocket_connections_table_name"],
            "function_names": outputs["function_names"],
            "web_url": console.url,
            "trace_log": str(TRACE_LOG),
            "warm_restart": self.warm,
            "pids": {"emulator": moto.pid, "runtime": os.getpid()},
        }
        console.configure(
            config_document(
                rest_url=endpoints["rest_url"],
                websocket_url=endpoints["websocket_url"],
                region=endpoints["region"],
                user_pool_id=endpoints["user_pool_id"],
                user_pool_client_id=endpoints["user_pool_client_id"],
                cognito_endpoint=moto.endpoint_url,
            ),
            extra_connect_urls=[moto.endpoint_url],  # presigned S3 uploads
        )
        console.start()
        if self.seed:
            with self._step("demo data"):
                endpoints["demo_users"] = seed_demo_data(endpoints)
        endpoints["ready_seconds"] = round(time.monotonic() - started, 1)
        endpoints["startup_seconds"] = dict(self._step_seconds)  # read by scripts/bench_up.py
        return endpoints

    def _fingerprint(self) -> Fingerprint:
        return stack_fingerprint(
            environ=os.environ,
            console_url_given=True,  # the local cloud always serves the console
            terraform=terraform_version(terraform_environment()),
        )

    def _restore(self, snapshot: Snapshot) -> tuple[MotoServer, WebConsole, dict[str, Any]] | None:
        """The emulator started from the snapshot, its console on the same port, and the
        stack's outputs; None (after saying why) when the emulator refuses the state."""
        with contextlib.ExitStack() as attempt, self._step("emulator restored from the snapshot"):
            moto = MotoServer(
                port=snapshot.emulator_port,
                log_path=STATE_DIR / "logs" / "moto.log",
                restore_from=snapshot.emulator_state,
            )
            terraform = LocalTerraform(
                state_file=TERRAFORM_STATE, log_file=STATE_DIR / "logs" / "terraform.log"
            )
            pool = attempt.enter_context(ThreadPoolExecutor(max_workers=1))
            # Nothing here runs Terraform; `terraform plan` afterwards (the e2e suite, an
            # operator) needs the working directory initialised, as a cold start leaves it.
            initialised = None if terraform.initialised() else pool.submit(terraform.init)
            try:
                console = WebConsole(port=snapshot.web_port)
                attempt.callback(console.stop)
                console_url = console.bind()
                attempt.callback(moto.stop)
                moto.start(timeout=120)
                if initialised is not None:
                    initialised.result()
            except (RuntimeError, OSError) as refused:  # refused state, port taken, ...
                self.say(f"  cold start: the snapshot could not be restored ({refused})")
                return None
            outputs = snapshot.outputs()
            applied_console = outputs.get("web_url")  # when the environment passes it on
            if applied_console and str(applied_console).rstrip("/") != console_url:
                self.say(f"  cold start: the stack was applied for the console {applied_console}")
                return None
            os.environ.update(aws_environment(moto.endpoint_url))
            os.environ[CONSOLE_URL_ENV] = console_url
            shutil.copyfile(snapshot.terraform_state, TERRAFORM_STATE)
            self._stack.push(attempt.pop_all())
        return moto, console, outputs

    def _apply(self, fingerprint: Fingerprint) -> tuple[MotoServer, WebConsole, dict[str, Any]]:
        """A new emulator, the real `terraform apply` into it, then a new snapshot."""
        moto = MotoServer(port=self.ports.emulator, log_path=STATE_DIR / "logs" / "moto.log")
        os.environ.update(aws_environment(moto.endpoint_url))
        # The console's port is taken before the apply: its URL is the stack's console_url.
        console = WebConsole(port=self.ports.web)
        self._stack.callback(console.stop)
        os.environ[CONSOLE_URL_ENV] = console.bind()  # -var console_url for the apply
        terraform = LocalTerraform(
            state_file=TERRAFORM_STATE, log_file=STATE_DIR / "logs" / "terraform.log"
        )
        # `terraform init` needs no emulator: it runs while the emulator starts.
        with (
            self._step("emulator (moto server) and terraform init"),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="terraform-init") as pool,
        ):
            initialised = pool.submit(terraform.init)
            self._stack.callback(moto.stop)
            moto.start()
            initialised.result()
        with self._step("terraform apply"):
            applied = terraform.apply(moto.endpoint_url)
        self._step_seconds["terraform plan (part of apply)"] = round(applied.plan_s, 1)
        self.say(f"    (planning {applied.plan_s:.1f}s, creating {applied.changes_s:.1f}s)")
        outputs = terraform.outputs()
        # Now, before the runtime starts, nothing else changes the emulator.
        with self._step("snapshot for the next warm restart"):
            try:
                save_snapshot(
                    SNAPSHOT_DIR,
                    fingerprint,
                    save_emulator_state=moto.save_state,
                    terraform_state=TERRAFORM_STATE,
                    emulator_port=moto.port,
                    web_port=urlsplit(console.url).port or 0,  # the port bound, not asked
                )
            except (OSError, ValueError) as error:  # HTTPError is an OSError
                self.say(
                    f"    no snapshot saved ({error}; see the emulator's log): next start cold"
                )
                discard(SNAPSHOT_DIR)
        return moto, console, outputs

    def stop(self) -> None:
        self._stack.close()
        ENDPOINTS_FILE.unlink(missing_ok=True)


def _print_endpoints(endpoints: dict[str, Any]) -> None:
    how = "warm restart of the saved stack" if endpoints["warm_restart"] else "cold start"
    print(f"\nThe local cloud is ready in {endpoints['ready_seconds']} s ({how}):")
    print(f"  {'web_url':<18} {endpoints['web_url']}/  (the web console)")
    for key in ("rest_url", "websocket_url", "aws_endpoint_url", "user_pool_id"):
        print(f"  {key:<18} {endpoints[key]}")
    print(f"  {'mailbox_url':<18} {endpoints['mailbox_url']}  (the e-mails and sign-up codes)")
    for user in endpoints.get("demo_users", []):
        groups = ",".join(user["groups"])
        print(f"  demo user          {user['username']} / {user['password']} ({groups})")
    print(f"  (all of it in {ENDPOINTS_FILE.relative_to(ROOT)}; Ctrl-C stops everything)\n")


def run(seed: bool = True, fresh: bool = False) -> None:
    """Foreground: start, print, wait for SIGINT/SIGTERM, stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cloud = LocalCloud(seed=seed, fresh=fresh)
    stop_requested = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True
        raise KeyboardInterrupt

    # Explicitly for SIGINT too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("Starting the local cloud:")
    try:
        _print_endpoints(cloud.start())
        while not stop_requested:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping the local cloud ...", file=sys.stderr)
        cloud.stop()
        print("Stopped.", file=sys.stderr)
