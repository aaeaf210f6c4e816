"""Closes WebSocket connections whose token has expired (``realtime.session_sweeper.handler``).

Run every minute by an EventBridge schedule: each connection item whose ``tokenExpiresAt``
has passed is closed through ``@connections`` DELETE (a filtered scan of the table:
connection items are few) and forgotten, so an idle session ends within a minute of its
token's expiry; the client reconnects with a fresh token. Sweeps may overlap (no reserved
concurrency): closing a connection twice is harmless (410 Gone is ignored).

Environment: ``CONNECTIONS_TABLE_NAME``, ``CONNECTIONS_ENDPOINT_URL`` (see
``realtime.pusher``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from realtime.connections import ConnectionStore
from realtime.pusher import management_client
from shared import aws
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "CONNECTIONS_TABLE_NAME"


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
    return {"connectionsClosed": close_expired_connections()}
