"""Function output: echoed to the console and shipped to CloudWatch Logs in the emulator.

Shipping runs on one background thread that batches PutLogEvents per log stream, so a
slow or failing emulator never delays an invocation.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from collections import defaultdict
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

_log = logging.getLogger(__name__)

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_000_000
EVENT_OVERHEAD_BYTES = 26


class ConsoleEcho:
    """Writes function output lines prefixed with the function name."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()

    def write(self, function_name: str, message: str) -> None:
        text = "".join(f"[{function_name}] {line}\n" for line in message.splitlines() or [""])
        with self._lock:
            self._stream.write(text)
            self._stream.flush()


class LogShipper:
    """Sends log events to CloudWatch Logs (`logs` boto3 client) in the background."""

    def __init__(self, logs_client: Any, flush_interval_s: float = 0.3) -> None:
        self._logs = logs_client
        self._flush_interval_s = flush_interval_s
        self._events: queue.SimpleQueue[tuple[str, str, int, str] | None] = queue.SimpleQueue()
        self._known_groups: set[str] = set()
        self._known_streams: set[tuple[str, str]] = set()
        self._pending = 0
        self._settled = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="log-shipper", daemon=True)
        self._thread.start()

    def emit(self, group: str, stream: str, message: str, timestamp_ms: int | None = None) -> None:
        stamp = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
        with self._settled:
            self._pending += 1
        if message:  # CloudWatch Logs refuses empty events; Lambda drops empty lines too
            self._events.put((group, stream, stamp, message))

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Waits until everything emitted so far has been sent (or given up on)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout_s)

    def close(self, timeout_s: float = 5.0) -> None:
        self._events.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        closing = False
        while not closing:
            batch: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
            item = self._events.get()
            deadline = time.monotonic() + self._flush_interval_s
            while item is not None:
                group, stream, stamp, message = item
                batch[(group, stream)].append({"timestamp": stamp, "message": message})
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item = self._events.get(timeout=remaining)
                except queue.Empty:
                    break
            closing = item is None
            for (group, stream), events in batch.items():
                self._send(group, stream, events)
            with self._settled:
                self._pending -= sum(len(events) for events in batch.values())
                self._settled.notify_all()

    def _send(self, group: str, stream: str, events: list[dict[str, Any]]) -> None:
        try:
            self._ensure_stream(group, stream)
            for chunk in _chunks(events):
                self._logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=chunk)
        except (BotoCoreError, ClientError) as error:
            _log.warning("dropped %d log events for %s %s: %s", len(events), group, stream, error)

    def _ensure_stream(self, group: str, stream: str) -> None:
        if (group, stream) in self._known_streams:
            return
        if group not in self._known_groups:
            _create_ignoring_existing(self._logs.create_log_group, logGroupName=group)
            self._known_groups.add(group)
        _create_ignoring_existing(
            self._logs.create_log_stream, logGroupName=group, logStreamName=stream
        )
        self._known_streams.add((group, stream))


def _create_ignoring_existing(create: Any, **kwargs: str) -> None:
    try:
        create(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise


def _chunks(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for event in events:
        event_size = len(event["message"].encode()) + EVENT_OVERHEAD_BYTES
        if len(chunks[-1]) >= MAX_BATCH_EVENTS or size + event_size > MAX_BATCH_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(event)
        size += event_size
    return [chunk for chunk in chunks if chunk]
