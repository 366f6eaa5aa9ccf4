"""What a variant costs in a market: a fixed override if the brand set one; the base price
as typed where the market sells in the base currency with no adjustment; else the base
price converted at the rate in force, adjusted and rounded by the market's rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from tradewind.catalog.models import Variant
from tradewind.core.money import Money, money
from tradewind.markets.models import Market
from tradewind.markets.rounding import rule_for
from tradewind.markets.services import FxTable, fx_table
from tradewind.pricing.calc import convert_price
from tradewind.pricing.models import PriceOverride


@dataclass(frozen=True)
class MarketPrice:
    price: Money
    compare_at: Money | None
    source: Literal["override", "base", "converted"]
    fx_rate: Decimal | None  # None when the price did not need converting


def price_variant(
    variant: Variant, market: Market, table: FxTable, override: PriceOverride | None
) -> MarketPrice:
    currency = market.currency
    if override is not None:
        compare = override.compare_at_amount
        return MarketPrice(
            price=money(override.amount, currency),
            compare_at=money(compare, currency) if compare else None,
            source="override",
            fx_rate=None,
        )
    adjust = market.price_adjustment_percent
    compare_at = variant.compare_at_amount
    if variant.price_currency == currency and not adjust:
        # A price the brand typed in the market's own currency is kept as typed: charm
        # rounding is for prices a conversion produced, never for ones chosen by hand.
        return MarketPrice(
            price=money(variant.price_amount, currency),
            compare_at=money(compare_at, currency) if compare_at else None,
            source="base",
            fx_rate=None,
        )
    rate = table.rate(variant.price_currency, currency)
    rule = rule_for(currency, market.rounding_increment, market.price_ending)

    def convert(amount: Decimal) -> Money:
        return Money(convert_price(amount, rate, adjust, currency, rule), currency)

    return MarketPrice(
        price=convert(variant.price_amount),
        compare_at=convert(compare_at) if compare_at else None,
        source="converted",
        fx_rate=rate,
    )


def prices_in_market(
    variants: Iterable[Variant], market: Market, at: datetime | None = None
) -> dict[int, MarketPrice]:
    """Prices of many variants in one market with two queries (rates, overrides).

    Raises MissingFxRate when a needed rate is missing.
    """
    variant_list = list(variants)
    table = fx_table(at)
    overrides = {
        o.variant_id: o
        for o in PriceOverride.objects.filter(
            market=market, variant_id__in=[v.pk for v in variant_list]
        )
    }
    return {v.pk: price_variant(v, market, table, overrides.get(v.pk)) for v in variant_list}
