"""Base price to market price: rate, then the market's adjustment, then its rounding."""

from decimal import Decimal

from tradewind.markets.rounding import RoundingRule
from tradewind.pricing.calc import convert_price

D = Decimal
CHARM = RoundingRule(D(1), D("0.99"))


def test_conversion_applies_the_rate_then_rounds_up_to_the_charm_price() -> None:
    # 20 EUR x 1.0880 = 21.76 USD
    assert convert_price(D(20), D("1.0880"), D(0), "USD", CHARM) == D("21.99")


def test_adjustment_applies_before_rounding() -> None:
    # 21.76 x 1.10 = 23.936; 21.76 x 0.90 = 19.584
    assert convert_price(D(20), D("1.0880"), D(10), "USD", CHARM) == D("23.99")
    assert convert_price(D(20), D("1.0880"), D(-10), "USD", CHARM) == D("19.99")


def test_yen_conversion_lands_on_whole_tens() -> None:
    # 20 EUR x 161.69 = 3233.8 JPY
    assert convert_price(D(20), D("161.69"), D(0), "JPY", RoundingRule(D(10))) == D(3240)


def test_free_stays_free_without_a_charm_ending() -> None:
    assert convert_price(D(0), D("1.0880"), D(5), "USD", RoundingRule(D("0.01"))) == D("0.00")
