"""Builders for markets and rates in tests, with valid defaults a test overrides."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tradewind.markets.models import FxRate, Market, MarketCountry

DATA = Path(__file__).parent / "data"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def fx_rate(currency: str, rate: str, at: datetime = LONG_AGO) -> FxRate:
    return FxRate.objects.create(currency=currency, rate=Decimal(rate), effective_at=at)


def market(countries: tuple[str, ...] = (), **fields: Any) -> Market:
    code = fields.pop("code", "us")
    values: dict[str, Any] = {
        "name": code.upper(),
        "currency": "USD",
        "default_language": "en",
        "subfolder": "en-us" if code == "us" else code[:2],
        **fields,
    }
    created = Market.objects.create(code=code, **values)
    for country in countries:
        MarketCountry.objects.create(market=created, country=country)
    return created
