"""Shipping quotes: which methods deliver an order to a country, at what price, and when
the parcel arrives, counted from the warehouse that allocates it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from babel.core import get_global
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from tradewind.core.money import Money, money
from tradewind.markets.models import Market
from tradewind.shipping.eta import arrival_window
from tradewind.shipping.models import ShippingMethod, ShippingZone, TransitTime
from tradewind.shipping.rates import price_for

__all__ = ["ShippingOption", "get_option", "shipping_options"]


@dataclass(frozen=True)
class ShippingOption:
    method_id: int
    name: str
    carrier: str
    price: Money
    arrives_from: date
    arrives_to: date


@dataclass(frozen=True)
class _Parcel:
    country: str
    weight_grams: int
    subtotal: Money
    origin_country: str
    local_ready_at: datetime
    handling_days: int


def shipping_options(
    market: Market,
    country: str,
    *,
    weight_grams: int,
    subtotal: Money,
    origin_country: str,
    ready_at: datetime,
    handling_days: int = 0,
    timezone: str | None = None,
) -> list[ShippingOption]:
    """The methods that deliver to ``country``, cheapest first, then fastest.

    ``ready_at`` is when the goods are ready at the warehouse in ``origin_country``; its
    dispatch cutoff is read in ``timezone`` (an IANA name), which may be left out where the
    origin country keeps one time. An empty list means the market has no shipping to the
    country, or none that takes this parcel. A country outside the market is refused.
    """
    parcel = _parcel(
        market, country, weight_grams, subtotal, origin_country, ready_at, handling_days, timezone
    )
    methods = _methods_for(market, parcel)
    options = [option for method in methods if (option := _quote(method, parcel))]
    return sorted(
        options, key=lambda o: (o.price.amount, o.arrives_to, o.arrives_from, o.method_id)
    )


def get_option(
    method_id: int,
    market: Market,
    country: str,
    *,
    weight_grams: int,
    subtotal: Money,
    origin_country: str,
    ready_at: datetime,
    handling_days: int = 0,
    timezone: str | None = None,
) -> ShippingOption:
    """The shopper's chosen method, quoted as :func:`shipping_options` would; a method
    that is not on offer for this order is a ``shipping_method`` error."""
    parcel = _parcel(
        market, country, weight_grams, subtotal, origin_country, ready_at, handling_days, timezone
    )
    method = next((m for m in _methods_for(market, parcel) if m.pk == method_id), None)
    if method is None:
        raise ValidationError(
            {"shipping_method": f"This shipping method is not available to {parcel.country}."}
        )
    option = _quote(method, parcel)
    if option is None:
        raise ValidationError(
            {
                "shipping_method": f"{method.name} does not take a parcel of "
                f"{parcel.weight_grams} g; choose another method."
            }
        )
    return option


def _parcel(
    market: Market,
    country: str,
    weight_grams: int,
    subtotal: Money,
    origin_country: str,
    ready_at: datetime,
    handling_days: int,
    timezone: str | None,
) -> _Parcel:
    errors: dict[str, str] = {}
    country = country.strip().upper()
    origin_country = origin_country.strip().upper()
    for name, code in (("country", country), ("origin_country", origin_country)):
        if pycountry.countries.get(alpha_2=code) is None:
            errors[name] = f"'{code}' is not an ISO 3166-1 alpha-2 country code."
    if weight_grams < 0:
        errors["weight_grams"] = "A parcel cannot weigh less than 0 g."
    if handling_days < 0:
        errors["handling_days"] = "Handling cannot take fewer than 0 days."
    if subtotal.currency.code != market.currency:
        errors["subtotal"] = (
            f"Give the subtotal in the market's currency, {market.currency}, "
            f"not {subtotal.currency.code}."
        )
    if ready_at.tzinfo is None or ready_at.utcoffset() is None:
        errors["ready_at"] = "Give the moment with its time zone."
    if errors:
        raise ValidationError(errors)
    if not market.countries.filter(country=country).exists():
        raise ValidationError({"country": f"{market.name} does not sell to {country}."})
    zone = _warehouse_zone(origin_country, ready_at, timezone)
    return _Parcel(
        country=country,
        weight_grams=weight_grams,
        subtotal=subtotal,
        origin_country=origin_country,
        local_ready_at=ready_at.astimezone(zone),
        handling_days=handling_days,
    )


def _warehouse_zone(origin_country: str, ready_at: datetime, timezone: str | None) -> tzinfo:
    if timezone:
        try:
            return ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": f"'{timezone}' is not an IANA time zone."}) from None
    zones = [ZoneInfo(name) for name in get_global("territory_zones").get(origin_country, [])]
    # Germany lists Berlin and Busingen: both keep the same time, so either will do.
    offsets = {ready_at.astimezone(zone).utcoffset() for zone in zones}
    if len(offsets) != 1:
        raise ValidationError(
            {
                "timezone": f"{origin_country} spans several time zones; give the "
                "warehouse's time zone."
            }
        )
    return zones[0]


def _methods_for(market: Market, parcel: _Parcel) -> list[ShippingMethod]:
    """The active methods of the zone that covers the country, with their brackets and
    their transit time from the origin country (four queries, however many methods)."""
    zones = list(ShippingZone.objects.filter(market=market).only("id", "countries"))
    zone = next((z for z in zones if parcel.country in z.countries), None) or next(
        (z for z in zones if not z.countries), None
    )
    if zone is None:
        return []
    from_origin = TransitTime.objects.filter(origin_country=parcel.origin_country)
    return list(
        ShippingMethod.objects.filter(zone=zone, is_active=True).prefetch_related(
            "brackets", Prefetch("transit_times", queryset=from_origin, to_attr="from_origin")
        )
    )


def _quote(method: ShippingMethod, parcel: _Parcel) -> ShippingOption | None:
    card = method.rate_card(list(method.brackets.all()))
    price = price_for(card, weight_grams=parcel.weight_grams, subtotal=parcel.subtotal.amount)
    if price is None:
        return None
    transit: list[TransitTime] = method.from_origin  # type: ignore[attr-defined]
    min_days, max_days = (
        (transit[0].min_days, transit[0].max_days)
        if transit
        else (method.default_min_days, method.default_max_days)
    )
    window = arrival_window(
        parcel.local_ready_at,
        min_days=min_days,
        max_days=max_days,
        handling_days=parcel.handling_days,
        cutoff=method.dispatch_cutoff,
    )
    return ShippingOption(
        method_id=method.pk,
        name=method.name,
        carrier=method.carrier,
        price=money(price, parcel.subtotal.currency.code),
        arrives_from=window.earliest,
        arrives_to=window.latest,
    )
