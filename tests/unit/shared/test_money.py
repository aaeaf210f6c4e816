"""shared.money: the one Money type (moved here from orders', invoices' and notifications'
tests, with their assertions)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shared.money import Money, minor_units


def test_money_rules() -> None:
    with pytest.raises(ValueError, match="negative"):
        Money(-1, "EUR")
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "eur")
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "EURO")
    with pytest.raises(ValueError, match="cannot add"):
        Money(1, "EUR") + Money(1, "USD")


@pytest.mark.parametrize("amount", [1.5, "100", True, Decimal("1")])
def test_an_amount_is_a_whole_number_of_minor_units(amount: Any) -> None:
    with pytest.raises(TypeError, match="whole number"):
        Money(amount, "EUR")


def test_arithmetic_stays_in_minor_units() -> None:
    assert Money(250, "EUR") + Money(1, "EUR") == Money(251, "EUR")
    assert Money(250, "EUR").times(3) == Money(750, "EUR")
    assert Money.zero("JPY") == Money(0, "JPY")
    total = Money.zero("EUR")
    for line in (Money(100, "EUR"), Money(5, "EUR")):
        total += line
    assert total == Money(105, "EUR")


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(123456, "EUR"), "1,234.56 EUR"),
        (Money(5, "EUR"), "0.05 EUR"),
        (Money(1200, "JPY"), "1,200 JPY"),
        (Money(1234, "KWD"), "1.234 KWD"),
        (Money(0, "USD"), "0.00 USD"),
    ],
)
def test_amounts_use_the_currency_minor_units(money: Money, text: str) -> None:
    assert str(money) == text
    assert money.format_amount() == text.split(maxsplit=1)[0]


def test_minor_units_default_to_cents() -> None:
    assert (minor_units("EUR"), minor_units("JPY"), minor_units("BHD")) == (2, 0, 3)


def test_the_json_shape_round_trips() -> None:
    money = Money(123456, "EUR")
    assert money.to_json() == {"amount": 123456, "currency": "EUR"}
    assert Money.from_json(money.to_json()) == money


def test_a_dynamodb_document_reads_back() -> None:
    """The resource API (and TypeDeserializer) gives numbers as Decimal."""
    stored = TypeDeserializer().deserialize(TypeSerializer().serialize(Money(995, "EUR").to_json()))
    assert stored == {"amount": Decimal(995), "currency": "EUR"}
    assert Money.from_json(stored) == Money(995, "EUR")
    with pytest.raises(ValueError, match="whole number"):
        Money.from_json({"amount": Decimal("9.5"), "currency": "EUR"})


def test_the_dynamodb_attribute_round_trips() -> None:
    money = Money(1200, "JPY")
    assert money.to_attribute() == TypeSerializer().serialize(money.to_json())
    assert Money.from_attribute(money.to_attribute()) == money
