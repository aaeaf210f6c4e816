"""Times out invoice imports whose upload never came and closes WebSocket connections whose
token has expired (``notifications.ws_import_sweeper.handler``).

Run every minute by an EventBridge schedule: each ``PENDING`` import past its deadline
becomes ``TIMED_OUT`` (a conditional update: an upload arriving at the same moment wins
or loses cleanly) and ``timed_out`` is pushed to the connection that opened it.
Sweeps may overlap (the function has no reserved concurrency: a fresh account's default
quota cannot reserve any): only the sweep whose conditional move wins pushes, so every
import times out and is announced once.

Connections: each connection item whose ``tokenExpiresAt`` has passed is closed through
``@connections`` DELETE (a filtered scan of the table: connection items are few) and
forgotten, so an idle session ends within a minute of its token's expiry; the client
reconnects with a fresh token.

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


def close_expired_connections() -> list[str]:
    store = ConnectionStore(os.environ[TABLE_ENV], aws.dynamodb())
    client = management_client()
    closed = []
    for connection_id in store.expired():
        try:
            client.delete_connection(ConnectionId=connection_id)
        except client.exceptions.GoneException:
            pass  # already closed
        except Exception as error:
            logger.warning("Could not close an expired connection", error=str(error))
            continue
        store.remove(connection_id)
        closed.append(connection_id)
    if closed:
        logger.info("Expired connections closed", connection_ids=closed)
        metrics.add_metric(name="WebSocketSessionsExpired", unit="Count", value=len(closed))
    return closed


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    return {"timedOut": sweep(), "connectionsClosed": close_expired_connections()}
