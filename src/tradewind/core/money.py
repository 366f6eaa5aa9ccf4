"""Money helpers: Decimal amounts that always carry their currency (py-moneyed), with
precision and formatting taken from the CLDR data in Babel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision
from moneyed import Money, get_currency
from moneyed.classes import CurrencyDoesNotExist

__all__ = ["Money", "format_money", "is_currency", "minor_unit", "money", "quantize"]


def is_currency(code: str) -> bool:
    try:
        get_currency(code.upper())
    except CurrencyDoesNotExist:
        return False
    return True


def minor_unit(currency: str) -> Decimal:
    """The smallest unit prices are shown in: 0.01 for EUR, 1 for JPY (CLDR data)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def money(amount: Decimal | str | int, currency: str) -> Money:
    return Money(quantize(Decimal(amount), currency), currency)


def format_money(value: Money, locale: str) -> str:
    """Format for a shopper's locale, e.g. ``1.234,99 €`` for de_DE or ``￥1,235`` for ja."""
    return format_currency(value.amount, value.currency.code, locale=locale.replace("-", "_"))
