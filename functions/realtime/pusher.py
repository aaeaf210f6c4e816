"""Posting messages to WebSocket connections through API Gateway's ``@connections`` API.

A message goes to many connections concurrently (threads: each post is one HTTPS call).
A connection that is gone (410 ``GoneException``) is forgotten; any other failure is
logged and counted, never raised, so one broken connection cannot block the others or
make SQS redeliver a push the others already received.

Endpoint: ``AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`` when set (the local runtime sets it
to the emulator's ``@connections`` endpoint; boto3 honours it), else
``CONNECTIONS_ENDPOINT_URL`` (``https://<api id>.execute-api.<region>.amazonaws.com/<stage>``,
set by Terraform).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from shared.observability import logger

MAX_PARALLEL_POSTS = 16
ENDPOINT_ENV = "CONNECTIONS_ENDPOINT_URL"
LOCAL_ENDPOINT_ENV = "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"


@dataclass
class PushReport:
    sent: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def management_client() -> Any:
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get(LOCAL_ENDPOINT_ENV) or os.environ[ENDPOINT_ENV]
    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint,
        config=Config(
            connect_timeout=2,
            read_timeout=5,
            retries={"mode": "standard", "max_attempts": 3},
            max_pool_connections=MAX_PARALLEL_POSTS,
        ),
    )


class Pusher:
    def __init__(self, client: Any, forget: Callable[[str], None]) -> None:
        """``forget(connection_id)`` removes a connection found gone."""
        self._client = client
        self._forget = forget

    def push(self, connection_ids: Iterable[str], message: Mapping[str, Any]) -> PushReport:
        ids = list(dict.fromkeys(connection_ids))
        data = json.dumps(message, separators=(",", ":")).encode()
        report = PushReport()
        if not ids:
            return report
        if len(ids) == 1:
            outcomes = [self._post(ids[0], data)]
        else:
            with ThreadPoolExecutor(min(MAX_PARALLEL_POSTS, len(ids))) as pool:
                outcomes = list(pool.map(lambda cid: self._post(cid, data), ids))
        for connection_id, outcome in zip(ids, outcomes, strict=True):
            getattr(report, outcome).append(connection_id)
        return report

    def _post(self, connection_id: str, data: bytes) -> str:
        try:
            self._client.post_to_connection(ConnectionId=connection_id, Data=data)
        except self._client.exceptions.GoneException:
            logger.info("Connection gone: forgotten", connection_id=connection_id)
            try:
                self._forget(connection_id)
            except Exception:
                logger.exception("Could not forget a gone connection")
            return "gone"
        except Exception as error:
            logger.warning("Push failed", connection_id=connection_id, error=str(error))
            return "failed"
        return "sent"
