"""Open WebSocket connections in the connections table.

``pk=CONNECTION#<connection id>, sk=CONNECTION`` with ``gsi1pk=USER#<user id>``,
``gsi1sk=<connectedAt>#<connection id>`` (a user's connections) and ``expiresAt``: API
Gateway closes a connection after two hours at most, so the item expires by TTL then even
if ``$disconnect`` never ran. A push that meets a closed connection (410) deletes it.
``tokenExpiresAt`` is the ``exp`` of the ID token the connection opened with: the
connection ends then (every message checks it; the sweep closes idle ones), and the item's
TTL is never later.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CONNECTION_SK = "CONNECTION"
CONNECTION_LIFETIME_S = 2 * 60 * 60


@dataclass(frozen=True)
class Connection:
    connection_id: str
    user_id: str
    email: str
    groups: frozenset[str]
    connected_at: str
    token_expires_at: int | None = None
    username: str = ""

    @property
    def is_admin(self) -> bool:
        return "admin" in self.groups


def connection_key(connection_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CONNECTION#{connection_id}"}, "sk": {"S": CONNECTION_SK}}


def user_partition(user_id: str) -> str:
    return f"USER#{user_id}"


class ConnectionStore:
    def __init__(
        self, table_name: str, client: DynamoDBClient, clock: Callable[[], float] = time.time
    ) -> None:
        self._table = table_name
        self._client = client
        self._clock = clock

    def add(self, connection: Connection) -> None:
        self._client.put_item(TableName=self._table, Item=self._item(connection))

    def refresh(self, connection: Connection) -> None:
        """Extends the item's lease (``subscribe``): rewrites it with a new expiry."""
        self.add(connection)

    def remove(self, connection_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=connection_key(connection_id))

    def token_expiry(self, connection_id: str) -> int | None:
        """The stored token expiry of a connection (``None``: unknown or no item)."""
        item = self._client.get_item(
            TableName=self._table,
            Key=connection_key(connection_id),
            ProjectionExpression="tokenExpiresAt",
            ConsistentRead=True,
        ).get("Item")
        if not item or "tokenExpiresAt" not in item:
            return None
        return int(item["tokenExpiresAt"]["N"])

    def expired(self) -> list[str]:
        """Ids of connections whose token has expired (a filtered scan of the table)."""
        paginator = self._client.get_paginator("scan")
        pages = paginator.paginate(
            TableName=self._table,
            FilterExpression="sk = :sk AND tokenExpiresAt <= :now",
            ExpressionAttributeValues={
                ":sk": {"S": CONNECTION_SK},
                ":now": {"N": str(int(self._clock()))},
            },
            ProjectionExpression="connectionId",
        )
        return [item["connectionId"]["S"] for page in pages for item in page.get("Items", [])]

    def of_user(self, user_id: str) -> list[str]:
        """The ids of the user's open connections (eventually consistent: the GSI)."""
        return list(self._ids_of_user(user_id))

    def _ids_of_user(self, user_id: str) -> Iterator[str]:
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :user",
            ExpressionAttributeValues={":user": {"S": user_partition(user_id)}},
            ProjectionExpression="connectionId, expiresAt",
        )
        now = self._clock()
        for page in pages:
            for item in page.get("Items", []):
                if int(item["expiresAt"]["N"]) > now:  # TTL deletes lazily
                    yield item["connectionId"]["S"]

    def _item(self, connection: Connection) -> dict[str, Any]:
        item: dict[str, Any] = {
            **connection_key(connection.connection_id),
            "gsi1pk": {"S": user_partition(connection.user_id)},
            "gsi1sk": {"S": f"{connection.connected_at}#{connection.connection_id}"},
            "connectionId": {"S": connection.connection_id},
            "userId": {"S": connection.user_id},
            "email": {"S": connection.email},
            "connectedAt": {"S": connection.connected_at},
            "expiresAt": {"N": str(self._lease_end(connection))},
        }
        if connection.token_expires_at is not None:
            item["tokenExpiresAt"] = {"N": str(connection.token_expires_at)}
        if connection.groups:
            item["groups"] = {"SS": sorted(connection.groups)}
        return item

    def _lease_end(self, connection: Connection) -> int:
        lease = int(self._clock()) + CONNECTION_LIFETIME_S
        if connection.token_expires_at is None:
            return lease
        return min(lease, connection.token_expires_at)
