"""Amounts carry their currency and the precision shoppers see for it."""

from decimal import Decimal

import pytest

from tradewind.core.money import (
    Money,
    currency_decimals,
    format_money,
    is_currency,
    minor_unit,
    money,
)


@pytest.mark.parametrize(
    ("currency", "decimals"),
    [("EUR", 2), ("usd", 2), ("JPY", 0), ("KRW", 0), ("IDR", 0), ("HUF", 0), ("KWD", 3)],
)
def test_currency_decimals(currency: str, decimals: int) -> None:
    assert currency_decimals(currency) == decimals
    assert minor_unit(currency) == Decimal(1).scaleb(-decimals)


def test_money_rounds_half_up_to_the_minor_unit() -> None:
    assert money("19.995", "EUR") == Money(Decimal("20.00"), "EUR")
    assert money("1234.5", "JPY") == Money(Decimal(1235), "JPY")
    assert money(Decimal("149000.40"), "IDR").amount.as_tuple().exponent == 0


def test_is_currency() -> None:
    assert is_currency("eur")
    assert not is_currency("XYZ")


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "shown"),
    [
        ("1234.99", "EUR", "de_DE", "1.234,99\xa0€"),
        ("1234.5", "JPY", "ja", "￥1,235"),
        ("149000", "IDR", "id", "Rp149.000"),
        ("24.99", "USD", "en-US", "$24.99"),
    ],
)
def test_format_money_for_the_shoppers_locale(
    amount: str, currency: str, locale: str, shown: str
) -> None:
    assert format_money(Money(Decimal(amount), currency), locale) == shown
