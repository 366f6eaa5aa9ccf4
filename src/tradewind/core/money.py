"""Money helpers: Decimal amounts that always carry their currency (py-moneyed), with
precision and formatting taken from the CLDR data in Babel."""

from __future__ import annotations

from copy import copy
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import get_currency_precision
from moneyed import Money, get_currency
from moneyed.classes import CurrencyDoesNotExist

__all__ = [
    "Money",
    "currency_decimals",
    "format_money",
    "is_currency",
    "minor_unit",
    "money",
    "quantize",
]

# Currencies priced in whole units although CLDR gives them minor units: no coin below one
# unit circulates (CLDR's cash digits are 0) and shops there never show decimals, e.g.
# 149.000 IDR. The others follow CLDR (JPY and KRW have no decimals there already).
WHOLE_UNIT_CURRENCIES = frozenset({"IDR", "HUF", "TWD"})


def is_currency(code: str) -> bool:
    try:
        get_currency(code.upper())
    except CurrencyDoesNotExist:
        return False
    return True


def currency_decimals(currency: str) -> int:
    """How many decimals prices in ``currency`` carry: 2 for EUR, 0 for JPY and IDR."""
    code = currency.upper()
    if code in WHOLE_UNIT_CURRENCIES:
        return 0
    return int(get_currency_precision(code))


def minor_unit(currency: str) -> Decimal:
    """The smallest unit prices are shown in: 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-currency_decimals(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def money(amount: Decimal | str | int, currency: str) -> Money:
    return Money(quantize(Decimal(amount), currency), currency)


def format_money(value: Money, locale: str) -> str:
    """Format for a shopper's locale, e.g. ``1.234,99 €`` for de_DE or ``￥1,235`` for ja."""
    code = value.currency.code
    parsed = Locale.parse(locale.replace("-", "_"))
    # The locale's pattern, with the decimals of the currency as priced (Babel would
    # otherwise print ``Rp149.000,00``).
    pattern = copy(parsed.currency_formats["standard"])
    digits = currency_decimals(code)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(quantize(value.amount, code), parsed, currency=code, currency_digits=False)
