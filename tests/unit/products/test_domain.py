from __future__ import annotations

import pytest

from products.domain import Product, ProductChanges
from shared.money import Money

CREATED = "2025-03-14T09:26:53.589Z"
LATER = "2025-03-14T10:00:00.000Z"


def mug() -> Product:
    return Product.create(
        product_id="6f1c2b7e-3d4a-4f5b-9c8d-2e1f0a9b8c7d",
        sku="MUG-1",
        name="Mug",
        description="",
        price=Money(1290, "EUR"),
        stock=40,
        now=CREATED,
    )


def test_a_new_product_starts_at_version_1() -> None:
    product = mug()

    assert (product.version, product.created_at, product.updated_at) == (1, CREATED, CREATED)


def test_revise_bumps_the_version_and_names_what_changed() -> None:
    before = mug()

    after = before.revise(ProductChanges(price=Money(990, "EUR"), stock=39, name="Mug"), LATER)

    assert (after.version, after.updated_at, after.created_at) == (2, LATER, CREATED)
    assert after.price == Money(990, "EUR")
    assert before.changed_fields(after) == ["price", "stock"]


def test_a_revision_that_changes_nothing_is_no_revision() -> None:
    before = mug()

    assert before.revise(ProductChanges(stock=40, sku="MUG-1"), LATER) is before
    assert before.revise(ProductChanges(), LATER) is before


def test_a_description_can_be_emptied() -> None:
    described = mug().revise(ProductChanges(description="Blue"), LATER)

    assert described.revise(ProductChanges(description=""), LATER).description == ""


@pytest.mark.parametrize(
    "build",
    [
        lambda: Money(-1, "EUR"),
        lambda: Money(1, "eur"),
        lambda: Money(1, "EURO"),
        lambda: mug().revise(ProductChanges(stock=-1), LATER),
    ],
)
def test_invariants(build: object) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        build()  # type: ignore[operator]
