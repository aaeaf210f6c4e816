"""Orders in DynamoDB (item shapes in ``orders.items``).

Every change is conditional on the version read (optimistic concurrency), so a cancel and
a stock result racing for the same order never overwrite each other: the loser re-reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from orders.domain import Order, OrderStatus, StaleOrder
from orders.items import (
    ALL_ORDERS_INDEX,
    ALL_ORDERS_PARTITION,
    CUSTOMER_INDEX,
    customer_partition,
    list_cursor,
    order_from_item,
    order_key,
    order_to_item,
)
from shared.events.deduplication import DuplicateEvent, cancelled_by_marker
from shared.tracing import trace_item_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

MAX_READS_PER_PAGE = 10
"""Queries one page may take when a status filter skips most orders; the page then comes
back short, with a token to continue."""


@dataclass(frozen=True)
class Listing:
    """Which orders to list: one customer's (``customer_id``) or everyone's (None)."""

    customer_id: str | None
    status: OrderStatus | None = None

    def index(self) -> tuple[str, str, str, str]:
        """(index name, partition attribute, partition value, sort attribute)."""
        if self.customer_id is None:
            return ALL_ORDERS_INDEX, "gsi2pk", ALL_ORDERS_PARTITION, "gsi2sk"
        return CUSTOMER_INDEX, "gsi1pk", customer_partition(self.customer_id), "gsi1sk"


class DynamoDBOrderRepository:
    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        self._table = table_name
        self._client = client

    def get(self, order_id: str) -> Order | None:
        response = self._client.get_item(
            TableName=self._table, Key=order_key(order_id), ConsistentRead=True
        )
        item = response.get("Item")
        return order_from_item(item) if item else None

    def add(self, order: Order, correlation_id: str | None = None) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={**order_to_item(order, correlation_id), **trace_item_attributes()},
            ConditionExpression="attribute_not_exists(pk)",
        )

    def replace(
        self,
        current: Order,
        updated: Order,
        correlation_id: str | None = None,
        *,
        marker: TransactWriteItemTypeDef | None = None,
    ) -> None:
        """Stores ``updated`` if the stored order is still at ``current.version`` (else
        StaleOrder). ``marker``, a consumer's deduplication marker, commits in the same
        transaction; DuplicateEvent when it already exists."""
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": {**order_to_item(updated, correlation_id), **trace_item_attributes()},
            "ConditionExpression": "version = :expected",
            "ExpressionAttributeValues": {":expected": {"N": str(current.version)}},
        }
        if marker is None:
            try:
                self._client.put_item(**put)
            except self._client.exceptions.ConditionalCheckFailedException as error:
                raise StaleOrder(current.id) from error
            return
        try:
            order_write = cast("TransactWriteItemTypeDef", {"Put": put})
            self._client.transact_write_items(TransactItems=[order_write, marker])
        except self._client.exceptions.TransactionCanceledException as error:
            if cancelled_by_marker(error.response, 1):
                raise DuplicateEvent() from error
            if cancelled_by_marker(error.response, 0):
                raise StaleOrder(current.id) from error
            raise

    def list_page(
        self, listing: Listing, limit: int, after: str | None = None
    ) -> tuple[list[Order], str | None]:
        """Up to ``limit`` orders, newest first, after the cursor ``after``; returns them
        and the cursor to continue from (None when nothing is left)."""
        index, partition_attribute, partition, sort_attribute = listing.index()
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "KeyConditionExpression": "#partition = :partition",
            "ExpressionAttributeNames": {"#partition": partition_attribute},
            "ExpressionAttributeValues": {":partition": {"S": partition}},
            "ScanIndexForward": False,
        }
        if listing.status is not None:
            query["FilterExpression"] = "#status = :status"
            query["ExpressionAttributeNames"]["#status"] = "status"
            query["ExpressionAttributeValues"][":status"] = {"S": listing.status.value}
        start = self._start_key(after, partition_attribute, partition, sort_attribute)
        orders: list[Order] = []
        for _ in range(MAX_READS_PER_PAGE):
            if start:
                query["ExclusiveStartKey"] = start
            # One more than wanted tells whether a next page exists.
            query["Limit"] = limit + 1 - len(orders)
            response = self._client.query(**query)
            orders += [order_from_item(item) for item in response.get("Items", [])]
            start = response.get("LastEvaluatedKey")
            if len(orders) > limit or not start:
                break
        if len(orders) > limit:
            return orders[:limit], list_cursor(orders[limit - 1])
        if start:  # read budget spent: continue after the last order evaluated
            return orders, str(start[sort_attribute]["S"])
        return orders, None

    @staticmethod
    def _start_key(
        after: str | None, partition_attribute: str, partition: str, sort_attribute: str
    ) -> dict[str, Any] | None:
        if not after:
            return None
        order_id = after.rpartition("#")[2]
        return {
            **order_key(order_id),
            partition_attribute: {"S": partition},
            sort_attribute: {"S": after},
        }
