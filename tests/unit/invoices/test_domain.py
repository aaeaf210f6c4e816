from __future__ import annotations

import json
from collections import Counter

import pytest

from invoices import config
from invoices.domain import (
    InvoiceLine,
    InvoiceNumber,
    MixedCurrencies,
    TaxRate,
    object_key,
    series_of,
    totals,
)
from invoices.formatting import format_date
from shared.money import Money


def line(amount: int, currency: str = "EUR", quantity: int = 1) -> InvoiceLine:
    return InvoiceLine(
        "p", "SKU", "Thing", quantity, Money(amount, currency), Money(amount * quantity, currency)
    )


@pytest.mark.parametrize(
    ("net", "basis_points", "tax"),
    [
        (5160, 2000, 1032),
        (1, 2000, 0),  # 0.2 rounds down
        (3, 1750, 1),  # 0.525 rounds half up
        (2, 2500, 1),  # exactly 0.5 rounds up
        (999, 0, 0),
        (1000, 10000, 1000),
    ],
)
def test_tax_is_rounded_half_up_to_the_minor_unit(net: int, basis_points: int, tax: int) -> None:
    assert TaxRate(basis_points).on(Money(net, "EUR")) == Money(tax, "EUR")


@pytest.mark.parametrize(
    ("basis_points", "text"), [(2000, "20%"), (1950, "19.5%"), (825, "8.25%"), (0, "0%")]
)
def test_tax_rate_reads_as_a_percentage(basis_points: int, text: str) -> None:
    assert TaxRate(basis_points).percent == text


def test_tax_rate_is_bounded() -> None:
    with pytest.raises(ValueError, match="basis points"):
        TaxRate(10001)


def test_prices_are_net_and_tax_is_added() -> None:
    subtotal, tax, total = totals([line(1290, quantity=2), line(650)], TaxRate(2000), "o")
    assert (subtotal, tax, total) == (Money(3230, "EUR"), Money(646, "EUR"), Money(3876, "EUR"))


def test_an_order_in_two_currencies_cannot_be_invoiced() -> None:
    with pytest.raises(MixedCurrencies):
        totals([line(100, "EUR"), line(100, "USD")], TaxRate(2000), "o")


def test_invoice_numbers_are_zero_padded_per_year_and_parse_back() -> None:
    number = InvoiceNumber(2026, 123)
    assert str(number) == "INV-2026-000123"
    assert InvoiceNumber.parse("INV-2026-000123") == number
    assert str(InvoiceNumber(2026, 1_234_567)) == "INV-2026-1234567"
    with pytest.raises(ValueError, match="start at 1"):
        InvoiceNumber(2026, 0)


def test_a_number_in_a_series_shows_its_series_and_parses_back() -> None:
    number = InvoiceNumber(2026, 123, series=3)
    assert str(number) == "INV-2026-03000123"
    assert InvoiceNumber.parse("INV-2026-03000123", in_series=True) == number
    assert str(InvoiceNumber(2026, 1_234_567, series=99)) == "INV-2026-991234567"
    assert InvoiceNumber.parse("INV-2026-991234567", in_series=True) == InvoiceNumber(
        2026, 1_234_567, 99
    )
    assert InvoiceNumber.parse("INV-2026-03000123") == InvoiceNumber(2026, 3_000_123)
    for series in (0, 100):
        with pytest.raises(ValueError, match=r"1\.\.99"):
            InvoiceNumber(2026, 1, series=series)
    with pytest.raises(ValueError, match="not an invoice number"):
        InvoiceNumber.parse("INV-2026-000123", in_series=True)


def test_an_order_always_falls_in_the_same_series_and_all_series_get_orders() -> None:
    order_ids = [f"order-{n}" for n in range(2000)]
    series = [series_of(order_id, 16) for order_id in order_ids]
    assert series == [series_of(order_id, 16) for order_id in order_ids]
    assert set(series) == set(range(1, 17))
    assert min(Counter(series).values()) > 2000 / 16 / 2  # roughly even
    assert {series_of(order_id, 1) for order_id in order_ids} == {1}
    with pytest.raises(ValueError, match="number of series"):
        series_of("o", 0)


def test_pdf_key_is_per_customer() -> None:
    assert object_key("c1", "i1") == "invoices/c1/i1.pdf"


def test_dates_read_as_the_utc_day() -> None:
    assert format_date("2026-03-14T23:59:59.999Z") == "2026-03-14"


def test_seller_comes_from_json_settings() -> None:
    seller = config.seller(
        {"INVOICE_SELLER": json.dumps({"name": " Shop ", "address": ["a", "b"], "taxId": "X1"})}
    )
    assert (seller.name, seller.address, seller.email, seller.tax_id) == (
        "Shop",
        ("a", "b"),
        None,
        "X1",
    )
    with pytest.raises(ValueError, match="name"):
        config.seller({"INVOICE_SELLER": json.dumps({"address": []})})


def test_download_ttl_defaults_to_five_minutes_and_is_bounded() -> None:
    assert config.download_ttl_seconds({}) == 300
    assert config.download_ttl_seconds({"DOWNLOAD_URL_TTL_SECONDS": "60"}) == 60
    with pytest.raises(ValueError, match="DOWNLOAD_URL_TTL_SECONDS"):
        config.download_ttl_seconds({"DOWNLOAD_URL_TTL_SECONDS": "86400"})


def test_number_series_default_to_sixteen_and_are_bounded() -> None:
    assert config.number_series({}) == 16
    assert config.number_series({"INVOICE_NUMBER_SERIES": "4"}) == 4
    for bad in ("0", "100"):
        with pytest.raises(ValueError, match="INVOICE_NUMBER_SERIES"):
            config.number_series({"INVOICE_NUMBER_SERIES": bad})


@pytest.mark.parametrize(
    ("initialization_type", "ahead"),
    [
        ("snap-start", True),
        ("provisioned-concurrency", True),
        ("on-demand", False),
        ("", False),
        (None, False),
    ],
)
def test_only_snapshots_and_provisioned_concurrency_initialise_ahead_of_demand(
    initialization_type: str | None, ahead: bool
) -> None:
    environ = (
        {}
        if initialization_type is None
        else {"AWS_LAMBDA_INITIALIZATION_TYPE": initialization_type}
    )
    assert config.initialised_ahead_of_demand(environ) is ahead
