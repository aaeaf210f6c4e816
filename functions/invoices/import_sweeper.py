"""Times out invoice imports whose upload never came (``invoices.import_sweeper.handler``).

Run every minute by an EventBridge schedule: each ``PENDING`` import past its deadline
becomes ``TIMED_OUT`` (a conditional update: an upload arriving at the same moment wins
or loses cleanly). The move is announced like every status change (the invoices table's
stream: ``InvoiceImportStatusChanged``) and realtime pushes ``timed_out`` to the
connection that opened the import. Sweeps may overlap (the function has no reserved
concurrency: a fresh account's default quota cannot reserve any): only the sweep whose
conditional move wins writes, so every import times out and is announced once.

Environment: ``INVOICES_TABLE_NAME``.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

from invoices.import_transactions import ImportStatus, ImportStore
from shared import aws
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "INVOICES_TABLE_NAME"


@cache
def imports() -> ImportStore:
    return ImportStore(os.environ[TABLE_ENV], aws.dynamodb())


def sweep() -> list[str]:
    timed_out = []
    for overdue in list(imports().overdue()):
        moved = imports().move(overdue.transaction_id, ImportStatus.TIMED_OUT)
        if moved is None:
            continue  # an upload or a cancel got there first
        timed_out.append(moved.transaction_id)
    if timed_out:
        logger.info("Imports timed out", transaction_ids=timed_out)
        metrics.add_metric(name="InvoiceImportsTimedOut", unit="Count", value=len(timed_out))
    return timed_out


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    return {"timedOut": sweep()}
