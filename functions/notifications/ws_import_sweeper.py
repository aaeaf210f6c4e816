"""Times out invoice imports whose upload never came (``notifications.ws_import_sweeper.handler``).

Run every minute by an EventBridge schedule: each ``PENDING`` import past its deadline
becomes ``TIMED_OUT`` (a conditional update: an upload arriving at the same moment wins
or loses cleanly) and ``timed_out`` is pushed to the connection that opened it.
Sweeps may overlap (the function has no reserved concurrency: a fresh account's default
quota cannot reserve any): only the sweep whose conditional move wins pushes, so every
import times out and is announced once.

Environment: ``CONNECTIONS_TABLE_NAME``, ``CONNECTIONS_ENDPOINT_URL``.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

from notifications import ws_messages
from notifications.connections import ConnectionStore
from notifications.imports import ImportStatus, ImportStore
from notifications.pusher import Pusher, management_client
from shared import aws
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"


@cache
def imports() -> ImportStore:
    return ImportStore(os.environ[TABLE_ENV], aws.dynamodb())


@cache
def pusher() -> Pusher:
    store = ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())
    return Pusher(management_client(), store.remove)


def sweep() -> list[str]:
    timed_out = []
    for overdue in list(imports().overdue()):
        moved = imports().move(overdue.transaction_id, ImportStatus.TIMED_OUT)
        if moved is None:
            continue  # an upload or a cancel got there first
        timed_out.append(moved.transaction_id)
        pusher().push(
            [moved.connection_id],
            ws_messages.import_status(moved.transaction_id, ImportStatus.TIMED_OUT.value),
        )
    if timed_out:
        logger.info("Imports timed out", transaction_ids=timed_out)
        metrics.add_metric(name="InvoiceImportsTimedOut", unit="Count", value=len(timed_out))
    return timed_out


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    return {"timedOut": sweep()}
