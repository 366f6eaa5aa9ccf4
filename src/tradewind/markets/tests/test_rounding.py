"""Converted prices round up to local-looking prices and never below the converted value."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.markets.rounding import RoundingError, RoundingRule, round_price, rule_for

D = Decimal


@pytest.mark.parametrize(
    ("amount", "rule", "expected"),
    [
        ("23.41", RoundingRule(D(1), D("0.99")), "23.99"),
        ("23.99", RoundingRule(D(1), D("0.99")), "23.99"),
        ("24.00", RoundingRule(D(1), D("0.99")), "24.99"),
        ("0.10", RoundingRule(D(1), D("0.99")), "0.99"),
        ("41.20", RoundingRule(D(1), D("0.95")), "41.95"),
        ("41.96", RoundingRule(D(1), D("0.95")), "42.95"),
        ("12.01", RoundingRule(D(5), D("4.99")), "14.99"),
        ("15.00", RoundingRule(D(5), D("4.99")), "19.99"),
    ],
)
def test_charm_endings_in_eur(amount: str, rule: RoundingRule, expected: str) -> None:
    assert round_price(D(amount), "EUR", rule) == D(expected)


def test_yen_prices_are_whole_yen() -> None:
    price = round_price(D("1234.01"), "JPY", RoundingRule(D(1)))

    assert price == D(1235)
    assert price.as_tuple().exponent == 0


def test_yen_to_the_hundred() -> None:
    rule = RoundingRule(D(100))

    assert round_price(D("2901"), "JPY", rule) == D(3000)
    assert round_price(D("3000"), "JPY", rule) == D(3000)


def test_yen_charm_ending_of_80_within_hundreds() -> None:
    assert round_price(D("2901"), "JPY", RoundingRule(D(100), D(80))) == D(2980)


def test_won_default_rounds_up_to_hundreds() -> None:
    assert round_price(D("45210.4"), "KRW", rule_for("KRW")) == D(45300)


def test_rupiah_default_rounds_up_to_thousands_without_decimals() -> None:
    price = round_price(D("148120.55"), "IDR", rule_for("IDR"))

    assert price == D(149000)
    assert price.as_tuple().exponent == 0


def test_currency_without_a_default_rule_rounds_to_its_minor_unit() -> None:
    # Kuwaiti dinar: three decimals, no charm rule configured.
    assert round_price(D("12.34512"), "KWD", rule_for("KWD")) == D("12.346")


def test_market_rule_overrides_the_currency_default() -> None:
    assert rule_for("EUR", D(5), D("4.95")) == RoundingRule(D(5), D("4.95"))
    assert rule_for("JPY", None, D(8)) == RoundingRule(D(10), D(8))
    assert rule_for("EUR", D("0.05"), None) == RoundingRule(D("0.05"), D(0))


@pytest.mark.parametrize(
    ("increment", "ending"),
    [(D(1), D(1)), (D(1), D("1.5")), (D(0), D(0)), (D(-1), D(0)), (D(1), D("-0.01"))],
)
def test_impossible_rules_are_refused(increment: Decimal, ending: Decimal) -> None:
    with pytest.raises(RoundingError):
        RoundingRule(increment, ending)


def test_rule_finer_than_the_currency_is_refused() -> None:
    with pytest.raises(RoundingError, match="smallest JPY unit"):
        round_price(D(1000), "JPY", RoundingRule(D("0.5")))


def test_negative_amount_is_refused() -> None:
    with pytest.raises(RoundingError):
        round_price(D("-1"), "EUR", RoundingRule(D(1)))


CURRENCY_RULES = st.sampled_from(
    [
        ("EUR", RoundingRule(D(1), D("0.99"))),
        ("EUR", RoundingRule(D(5), D("4.95"))),
        ("USD", RoundingRule(D("0.05"))),
        ("GBP", RoundingRule(D(10), D(9))),
        ("JPY", RoundingRule(D(10))),
        ("JPY", RoundingRule(D(100), D(80))),
        ("KRW", RoundingRule(D(100))),
        ("IDR", RoundingRule(D(1000))),
        ("KWD", RoundingRule(D("0.001"))),
    ]
)


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False),
    currency_rule=CURRENCY_RULES,
)
def test_rounding_properties(amount: Decimal, currency_rule: tuple[str, RoundingRule]) -> None:
    currency, rule = currency_rule
    price = round_price(amount, currency, rule)

    assert price >= amount
    assert price - amount < rule.increment
    assert (price - rule.ending) % rule.increment == 0
