"""Use cases for markets and exchange rates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path
from urllib.request import urlopen

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from tradewind.markets import fx
from tradewind.markets.models import FX_BASE, FxRate, Market


class MissingFxRate(LookupError):
    """No exchange rate is known for a currency at the asked moment."""

    def __init__(self, currency: str, at: datetime) -> None:
        self.currency = currency
        self.at = at
        super().__init__(
            f"No FX rate for {currency} on or before {at:%Y-%m-%d %H:%M} UTC; "
            f"add one under Markets & currencies > FX rates or run 'tradewind fx import'."
        )


@dataclass(frozen=True)
class FxTable:
    """The rates in force at one moment, per euro, for converting many prices at once."""

    at: datetime
    per_euro: dict[str, Decimal] = field(default_factory=dict)

    def rate(self, source: str, target: str) -> Decimal:
        for currency in (source, target):
            if currency != FX_BASE and currency not in self.per_euro:
                raise MissingFxRate(currency, self.at)
        return fx.cross_rate(source, target, self.per_euro, FX_BASE)


def fx_table(at: datetime | None = None) -> FxTable:
    """Latest rate per currency effective at ``at`` (now by default), in one query."""
    moment = at or timezone.now()
    latest = (
        FxRate.objects.filter(currency=OuterRef("currency"), effective_at__lte=moment)
        .order_by("-effective_at")
        .values("effective_at")[:1]
    )
    rows = FxRate.objects.filter(effective_at=Subquery(latest)).values_list("currency", "rate")
    return FxTable(moment, dict(rows))


def missing_rate_message(currency: str, at: datetime | None = None) -> str | None:
    """Why prices cannot be converted into ``currency`` now, or None if they can."""
    try:
        fx_table(at).rate(settings.TRADEWIND_BASE_CURRENCY, currency.upper())
    except MissingFxRate as exc:
        return str(exc)
    return None


def market_by_code(code: str) -> Market | None:
    return Market.objects.filter(code=code, is_active=True).first()


def market_for_country(country: str) -> Market | None:
    return Market.objects.filter(countries__country=country.upper(), is_active=True).first()


@dataclass(frozen=True)
class FxImportResult:
    created: int
    updated: int
    days: int
    currencies: int


def read_rates_source(source: str) -> bytes:
    """Bytes of an ECB file from a path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urlopen(source, timeout=30) as response:
            data: bytes = response.read()
            return data
    return Path(source).read_bytes()


def import_ecb_rates(content: bytes, *, rate_time: time = time(14, 0)) -> FxImportResult:
    """Store every rate of an ECB reference-rate file, all or nothing.

    The ECB fixes its reference rates at about 14:00 CET each working day; a rate
    becomes effective at ``rate_time`` UTC on its day, which is conservative (never
    before it was published). Re-importing the same file updates rates in place.
    """
    quoted = fx.parse_ecb_xml(content)
    created = updated = 0
    with transaction.atomic():
        for q in quoted:
            effective = datetime.combine(q.day, rate_time, tzinfo=UTC)
            _, was_created = FxRate.objects.update_or_create(
                currency=q.currency,
                effective_at=effective,
                defaults={"rate": q.rate, "source": FxRate.Source.ECB},
            )
            created += was_created
            updated += not was_created
    return FxImportResult(
        created=created,
        updated=updated,
        days=len({q.day for q in quoted}),
        currencies=len({q.currency for q in quoted}),
    )


def set_rate(currency: str, rate: Decimal, effective_at: datetime, note: str = "") -> FxRate:
    fx_rate = FxRate(currency=currency.upper(), rate=rate, effective_at=effective_at, note=note)
    fx_rate.full_clean()
    fx_rate.save()
    return fx_rate


def markets_missing_rates(markets: Iterable[Market]) -> dict[str, str]:
    table = fx_table()
    problems = {}
    for market in markets:
        try:
            table.rate(settings.TRADEWIND_BASE_CURRENCY, market.currency)
        except MissingFxRate as exc:
            problems[market.code] = str(exc)
    return problems
