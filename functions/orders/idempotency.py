"""``POST /orders`` with an ``Idempotency-Key`` header: a retry returns the first order.

Powertools Idempotency keeps one record per (customer, key) in the orders table itself
(``pk=IDEMPOTENCY``, ``sk=orders.place#<sha256>``, expiring after 24 hours through the
table's TTL attribute ``expiresAt``). The record stores the created order, so a retry gets
the same 201 and body. Only successes are stored: a request that failed (400, ...) may be
retried with the same key. Reusing a key with another body is a 422
(``IdempotencyKeyReused``); a retry while the first request still runs is a 409.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from orders.items import IDEMPOTENCY_PARTITION
from shared import aws
from shared.errors import AppError, Conflict

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "ORDERS_TABLE_NAME"
HEADER = "Idempotency-Key"
EXPIRY_SECONDS = 24 * 60 * 60
KEY_PREFIX = "orders.place"

config = IdempotencyConfig(
    event_key_jmespath="[customerId, key]",
    payload_validation_jmespath="body",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=EXPIRY_SECONDS,
    hash_function="sha256",
)


class IdempotencyKeyReused(AppError):
    status_code = 422
    error = "IdempotencyKeyReused"

    def __init__(self) -> None:
        super().__init__(
            f"this {HEADER} was used for a different order; send a new key for a new order"
        )


class RequestInProgress(Conflict):
    """The first request with this key is still running: retry it (same key) shortly."""

    error = "RequestInProgress"
    RETRY_AFTER_SECONDS = 1

    def __init__(self) -> None:
        super().__init__(
            f"a request with this {HEADER} is still being processed; retry later",
            headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)},
        )


def register_lambda_context(context: LambdaContext) -> None:
    """Lets an interrupted first request's lock expire with its invocation, not in 24 h."""
    config.register_lambda_context(context)


@cache
def persistence() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=os.environ[TABLE_ENV],
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=IDEMPOTENCY_PARTITION,
        expiry_attr="expiresAt",
        boto3_client=aws.dynamodb(),
    )


def once_per_key(
    place: Callable[[], dict[str, Any]], *, customer_id: str, key: str, body: dict[str, Any]
) -> dict[str, Any]:
    """``place()``'s result, computed at most once per (customer, key) and ``body``."""
    request = {"customerId": customer_id, "key": key, "body": body}
    try:
        result: dict[str, Any] = _idempotent_call()(request=request, place=place)
    except IdempotencyValidationError as error:
        raise IdempotencyKeyReused() from error
    except IdempotencyAlreadyInProgressError as error:
        raise RequestInProgress() from error
    return result


@cache
def _idempotent_call() -> Callable[..., dict[str, Any]]:
    def call(*, request: dict[str, Any], place: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        del request  # only the idempotency key and the payload check read it
        return place()

    wrapped: Callable[..., dict[str, Any]] = idempotent_function(
        call,
        data_keyword_argument="request",
        persistence_store=persistence(),
        config=config,
        key_prefix=KEY_PREFIX,
    )
    return wrapped
