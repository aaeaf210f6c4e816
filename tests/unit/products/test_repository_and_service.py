"""Repository and service paths the API tests cannot provoke on demand."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from products.domain import ConcurrentWrite, ProductChanges, StaleVersion
from products.repository import DynamoDBProductRepository
from products.service import NewProduct, ProductService
from shared.money import Money

TABLE = "ecommerce-test-products"
MUG = NewProduct(sku="MUG-1", name="Mug", description="", price=Money(1290, "EUR"), stock=1)


@pytest.fixture
def repository(products_table: dict[str, Any]) -> DynamoDBProductRepository:
    return DynamoDBProductRepository(products_table["TableName"], boto3.client("dynamodb"))


def test_a_transaction_conflict_is_a_409_not_a_500(
    products_table: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = boto3.client("dynamodb")
    repository = DynamoDBProductRepository(products_table["TableName"], client)
    conflict = client.exceptions.TransactionCanceledException(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
            "CancellationReasons": [{"Code": "TransactionConflict"}, {"Code": "None"}],
        },
        "TransactWriteItems",
    )

    def transact_write_items(**_: Any) -> None:
        raise conflict

    monkeypatch.setattr(client, "transact_write_items", transact_write_items)

    with pytest.raises(ConcurrentWrite) as error:
        ProductService(repository).create(MUG)
    assert error.value.status_code == 409


def test_delete_retries_when_the_product_changes_meanwhile(
    repository: DynamoDBProductRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = ProductService(repository)
    product = service.create(MUG)
    remove = repository.remove
    attempts: list[int] = []

    def remove_after_a_concurrent_update(stale: Any) -> None:
        attempts.append(stale.version)
        if len(attempts) == 1:  # another admin updates between our read and our delete
            service.update(product.id, stale.version, ProductChanges(stock=9))
        remove(stale)

    monkeypatch.setattr(repository, "remove", remove_after_a_concurrent_update)

    service.delete(product.id)

    assert attempts == [1, 2]
    assert repository.get(product.id) is None


def test_delete_gives_up_after_repeated_conflicts(
    repository: DynamoDBProductRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = ProductService(repository)
    product = service.create(MUG)

    def always_stale(stale: Any) -> None:
        raise StaleVersion(stale.id, stale.version)

    monkeypatch.setattr(repository, "remove", always_stale)

    with pytest.raises(StaleVersion):
        service.delete(product.id)
    assert repository.get(product.id) == product


def test_the_service_uses_its_clock_and_id_factory(repository: DynamoDBProductRepository) -> None:
    service = ProductService(
        repository,
        clock=lambda: "2025-03-14T09:26:53.589Z",
        new_id=lambda: "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d",
    )

    product = service.create(MUG, correlation_id="flow-1")

    assert product.id == "6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d"
    assert product.created_at == "2025-03-14T09:26:53.589Z"
    assert repository.get(product.id) == product
