"""The emulator process: moto's server with moto's own Lambda dispatch switched off and
DynamoDB requests serialized.

When an SQS queue, a DynamoDB table or a Kinesis stream has an event source mapping,
moto tries to run the function itself on every write (through Docker, which these
machines lack). Without Docker that is worse than useless: moto receives SQS messages
(raising their ApproximateReceiveCount, so they drift towards the DLQ) and, after a
failed "invocation", throws away DynamoDB stream records before anyone reads them.
The local runtime polls the sources exactly as Lambda does, so the emulator must only
store the mappings, never act on them.

Run it as `python -m localcloud.emulator_server -H 127.0.0.1 -p 5000` (moto_server's
arguments).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


class _StoredNeverDispatched(dict[str, Any]):
    """A mapping registry that accepts registrations but offers nothing to dispatch."""

    def __setitem__(self, key: str, value: Any) -> None:
        return None

    def __bool__(self) -> bool:
        return False


def _without_dispatch(init: Callable[..., None]) -> Callable[..., None]:
    def patched(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.lambda_event_source_mappings = _StoredNeverDispatched()

    return patched


def disable_moto_lambda_dispatch() -> None:
    """Patches moto (in this process) so event source mappings never trigger moto itself."""
    from moto.dynamodb.models.table import Table
    from moto.kinesis.models import Stream
    from moto.sqs.models import Queue

    for model in (Queue, Table, Stream):
        model.__init__ = _without_dispatch(model.__init__)  # type: ignore[method-assign]


def serialize_dynamodb_requests() -> None:
    """One DynamoDB request at a time, as the real service's per-item serialization
    guarantees for what this project relies on.

    moto runs requests unsynchronized: concurrent transactions interleave, and a cancelled
    one rolls back by restoring a stale copy of the whole table, losing others' writes
    (stock could be oversold). A single lock makes every request atomic.
    """
    import threading

    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    call_action = DynamoHandler.call_action

    def one_at_a_time(self: Any) -> Any:
        with lock:
            return call_action(self)

    DynamoHandler.call_action = one_at_a_time  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    disable_moto_lambda_dispatch()
    serialize_dynamodb_requests()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
