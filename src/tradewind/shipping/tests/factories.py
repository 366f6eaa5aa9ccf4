"""Builders for shipping zones and methods in tests, with valid defaults a test overrides."""

from decimal import Decimal
from typing import Any

from tradewind.markets.models import Market
from tradewind.shipping.models import ShippingMethod, ShippingZone, TransitTime, WeightBracket


def zone(market: Market, *countries: str, name: str | None = None) -> ShippingZone:
    return ShippingZone.objects.create(
        market=market, name=name or ("/".join(countries) or "Rest"), countries=list(countries)
    )


def method(
    zone: ShippingZone,
    *,
    brackets: tuple[tuple[int, str], ...] = (),
    transit: tuple[tuple[str, int, int], ...] = (),
    **fields: Any,
) -> ShippingMethod:
    values: dict[str, Any] = {
        "name": "Standard",
        "carrier": "DHL",
        "rate_type": "flat",
        "flat_price": Decimal("4.90") if fields.get("rate_type", "flat") == "flat" else None,
        **fields,
    }
    created = ShippingMethod.objects.create(zone=zone, **values)
    for grams, price in brackets:
        WeightBracket.objects.create(method=created, up_to_grams=grams, price=Decimal(price))
    for origin, low, high in transit:
        TransitTime.objects.create(
            method=created, origin_country=origin, min_days=low, max_days=high
        )
    return created
