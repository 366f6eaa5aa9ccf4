"""Market price arithmetic (pure: no Django)."""

from __future__ import annotations

from decimal import Decimal

from tradewind.markets.rounding import RoundingRule, round_price

HUNDRED = Decimal(100)


def convert_price(
    base_amount: Decimal,
    fx_rate: Decimal,
    adjustment_percent: Decimal,
    currency: str,
    rule: RoundingRule,
) -> Decimal:
    """Base price → market currency, plus the market's adjustment, rounded by its rule.

    The adjustment applies before rounding so a +5% market still lands on a charm price.
    """
    raw = base_amount * fx_rate * (HUNDRED + adjustment_percent) / HUNDRED
    return round_price(raw, currency, rule)
