"""What a variant costs in each market: an override if set, else a converted base price."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tradewind.catalog.models import Product, Variant
from tradewind.core.money import Money
from tradewind.markets.models import Market
from tradewind.markets.services import MissingFxRate
from tradewind.markets.tests.factories import fx_rate, market
from tradewind.pricing.models import PriceOverride
from tradewind.pricing.services import prices_in_market

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def _ecb_rates() -> None:
    for currency, rate in {
        "USD": "1.0880",
        "GBP": "0.84000",
        "JPY": "161.69",
        # The dirham is pegged at 3.6725 per dollar; the ECB does not quote it.
        "AED": "3.9957",
    }.items():
        fx_rate(currency, rate)


def variant(sku: str = "TEE-M", price: str = "20.00", **fields: Any) -> Variant:
    product, _ = Product.objects.get_or_create(handle="tee", defaults={"name": "Tee"})
    return Variant.objects.create(product=product, sku=sku, price_amount=D(price), **fields)


def price_in(target: Market, item: Variant, **kwargs: Any):
    return prices_in_market([item], target, **kwargs)[item.pk]


@pytest.mark.parametrize(
    ("currency", "expected"),
    [
        ("USD", "21.99"),  # 20 x 1.0880 = 21.76
        ("GBP", "16.99"),  # 20 x 0.84 = 16.80
        ("JPY", "3240"),  # 20 x 161.69 = 3233.8, up to tens of yen
        ("AED", "79.92"),  # 20 x 3.9957 = 79.914, no charm rule for AED
    ],
)
def test_base_price_converts_into_each_market(currency: str, expected: str) -> None:
    target = market(code=currency.lower(), currency=currency)

    result = price_in(target, variant())

    assert result.price == Money(D(expected), currency)
    assert result.source == "converted"


def test_a_market_in_the_base_currency_keeps_the_price_as_typed() -> None:
    # Charm rounding is for converted prices; a price the brand chose by hand stands.
    result = price_in(market(code="eu", currency="EUR"), variant(compare_at_amount=D("25.00")))

    assert (result.price, result.source) == (Money(D("20.00"), "EUR"), "base")
    assert result.compare_at == Money(D("25.00"), "EUR")


def test_an_adjusted_market_in_the_base_currency_is_rounded() -> None:
    # 20 EUR + 5% = 21.00, then up to the euro's .99 ending.
    target = market(code="ie", currency="EUR", price_adjustment_percent=D("5"))

    result = price_in(target, variant())

    assert (result.price, result.source) == (Money(D("21.99"), "EUR"), "converted")


def test_the_rate_used_is_reported() -> None:
    result = price_in(market(currency="GBP"), variant())

    assert result.fx_rate == D("0.84")


def test_price_in_another_currency_converts_through_the_cross_rate() -> None:
    # 10 USD x (0.84 / 1.088) = 7.7206 GBP
    item = variant(price="10.00", price_currency="USD")

    result = price_in(market(currency="GBP"), item)

    assert result.price == Money(D("7.99"), "GBP")


def test_market_adjustment_is_applied() -> None:
    target = market(currency="USD", price_adjustment_percent=D(10))

    # 21.76 x 1.10 = 23.936
    assert price_in(target, variant()).price == Money(D("23.99"), "USD")


def test_market_rounding_rule_wins_over_the_currency_default() -> None:
    target = market(currency="JPY", rounding_increment=D(100), price_ending=D(80))

    # 3233.8 -> next n x 100 + 80
    assert price_in(target, variant()).price == Money(D(3280), "JPY")


def test_compare_at_price_is_converted_too() -> None:
    item = variant(compare_at_amount=D("30.00"))

    result = price_in(market(currency="USD"), item)

    # 30 x 1.0880 = 32.64
    assert result.compare_at == Money(D("32.99"), "USD")


def test_fixed_override_wins_and_is_not_charm_rounded() -> None:
    target, item = market(currency="USD"), variant(compare_at_amount=D("30.00"))
    PriceOverride.objects.create(
        variant=item, market=target, amount=D("19.50"), compare_at_amount=D("25.00")
    )

    result = price_in(target, item)

    assert result.price == Money(D("19.50"), "USD")
    assert result.compare_at == Money(D("25.00"), "USD")
    assert (result.source, result.fx_rate) == ("override", None)


def test_override_in_one_market_leaves_others_converted() -> None:
    us, uk, item = market(currency="USD"), market(code="uk", currency="GBP"), variant()
    PriceOverride.objects.create(variant=item, market=us, amount=D("19.50"))

    assert price_in(uk, item).price == Money(D("16.99"), "GBP")


def test_rate_dated_tomorrow_is_not_used_today() -> None:
    now = timezone.now()
    fx_rate("USD", "1.0000", now - timedelta(hours=1))
    fx_rate("USD", "2.0000", now + timedelta(days=1))
    target, item = market(currency="USD"), variant()

    assert price_in(target, item).price == Money(D("20.99"), "USD")
    later = price_in(target, item, at=now + timedelta(days=1, minutes=1))
    assert later.price == Money(D("40.99"), "USD")


def test_missing_rate_raises_with_a_clear_message() -> None:
    target = market(code="ch", currency="CHF")

    with pytest.raises(MissingFxRate, match="No FX rate for CHF on or before"):
        price_in(target, variant())


def test_an_override_needs_no_rate() -> None:
    target, item = market(code="ch", currency="CHF"), variant()
    PriceOverride.objects.create(variant=item, market=target, amount=D("24.90"))

    assert price_in(target, item).price == Money(D("24.90"), "CHF")


@pytest.mark.parametrize("count", [1, 30])
def test_pricing_many_variants_costs_three_queries(count: int, django_assert_num_queries) -> None:
    target = market(currency="USD")
    items = [variant(sku=f"SKU-{n}") for n in range(count)]
    PriceOverride.objects.create(variant=items[0], market=target, amount=D("9.00"))

    # The variants, the rates in force, the overrides.
    with django_assert_num_queries(3):
        prices = prices_in_market(Variant.objects.all(), target)

    assert len(prices) == count
    assert prices[items[0].pk].source == "override"


def test_override_amount_must_fit_the_market_currency() -> None:
    override = PriceOverride(variant=variant(), market=market(currency="JPY"), amount=D("1999.5"))

    with pytest.raises(ValidationError) as raised:
        override.full_clean()

    assert raised.value.message_dict["amount"] == ["JPY prices have no unit smaller than 1."]


def test_compare_at_below_the_price_is_refused() -> None:
    override = PriceOverride(
        variant=variant(), market=market(), amount=D("20"), compare_at_amount=D("19")
    )

    with pytest.raises(ValidationError) as raised:
        override.full_clean()

    assert "must not be below the price" in raised.value.message_dict["compare_at_amount"][0]


def test_a_missing_amount_is_a_field_error_not_a_crash() -> None:
    override = PriceOverride(variant=variant(), market=market(), compare_at_amount=D("19"))

    with pytest.raises(ValidationError) as raised:
        override.full_clean()

    assert list(raised.value.message_dict) == ["amount"]
