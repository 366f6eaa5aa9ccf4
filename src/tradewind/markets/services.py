"""Use cases for markets and exchange rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path
from urllib.request import urlopen

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
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
    """Latest rate per currency effective at ``at`` (now by default), in one query.

    The ``effective_at__in`` pre-filter (latest moment of each currency) lets the database
    reach the few candidate rows through the time index instead of checking every stored
    rate against its currency's latest; that keeps years of daily rates cheap.
    """
    moment = at or timezone.now()
    in_force = FxRate.objects.filter(effective_at__lte=moment)
    latest_moments = (
        in_force.order_by().values("currency").annotate(latest=Max("effective_at")).values("latest")
    )
    latest_for_currency = (
        in_force.filter(currency=OuterRef("currency"))
        .order_by("-effective_at")
        .values("effective_at")[:1]
    )
    rows = FxRate.objects.filter(
        effective_at__in=latest_moments, effective_at=Subquery(latest_for_currency)
    ).values_list("currency", "rate")
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


# The ECB publishes its reference rates at around 16:00 CET, i.e. 15:00 UTC in winter and
# 14:00 UTC in summer; from 16:00 UTC a day's rate is known all year round, so it is never
# used for a moment before it was published.
ECB_EFFECTIVE_TIME = time(16, 0)
# Rates are stored with ten decimals (FxRate.rate).
RATE_EXPONENT = Decimal("1e-10")


@dataclass(frozen=True)
class FxImportResult:
    created: int
    updated: int
    unchanged: int
    days: int
    currencies: int

    def summary(self) -> str:
        currencies = "currency" if self.currencies == 1 else "currencies"
        days = "day" if self.days == 1 else "days"
        return (
            f"Imported {self.created} new, {self.updated} updated and {self.unchanged} "
            f"unchanged rates for {self.currencies} {currencies} over {self.days} {days}."
        )


def read_rates_source(source: str) -> bytes:
    """Bytes of an ECB file from a path or an http(s) URL (OSError when unreadable)."""
    if source.startswith(("http://", "https://")):
        with urlopen(source, timeout=30) as response:
            data: bytes = response.read()
            return data
    return Path(source).read_bytes()


def import_ecb_rates(content: bytes, *, rate_time: time = ECB_EFFECTIVE_TIME) -> FxImportResult:
    """Store every rate of an ECB reference-rate file, all or nothing.

    A rate becomes effective at ``rate_time`` UTC on its day. Re-importing a file updates
    rates in place, so the ECB's occasional corrections are picked up without duplicates.
    Raises :class:`fx.FxFormatError` for a malformed file, before anything is written.
    """
    quoted = fx.parse_ecb_xml(content)
    incoming = {
        (q.currency, datetime.combine(q.day, rate_time, tzinfo=UTC)): q.rate.quantize(RATE_EXPONENT)
        for q in quoted
    }
    with transaction.atomic():
        existing = _stored_rates(incoming)
        changed = [
            FxRate(pk=pk, rate=incoming[key], source=FxRate.Source.ECB)
            for key, (pk, rate, source) in existing.items()
            if rate != incoming[key] or source != FxRate.Source.ECB
        ]
        FxRate.objects.bulk_create(
            [
                FxRate(currency=currency, effective_at=at, rate=rate, source=FxRate.Source.ECB)
                for (currency, at), rate in incoming.items()
                if (currency, at) not in existing
            ],
            batch_size=1000,
        )
        FxRate.objects.bulk_update(changed, ["rate", "source"], batch_size=500)
    return FxImportResult(
        created=len(incoming) - len(existing),
        updated=len(changed),
        unchanged=len(existing) - len(changed),
        days=len({q.day for q in quoted}),
        currencies=len({q.currency for q in quoted}),
    )


StoredRate = tuple[int, Decimal, str]  # primary key, rate, source


def _stored_rates(
    incoming: dict[tuple[str, datetime], Decimal],
) -> dict[tuple[str, datetime], StoredRate]:
    """The rates already stored for the moments of ``incoming``, locked until commit."""
    if not incoming:
        return {}
    moments = [at for _, at in incoming]
    rows = (
        FxRate.objects.select_for_update()
        .filter(
            currency__in={currency for currency, _ in incoming},
            effective_at__range=(min(moments), max(moments)),
        )
        .values_list("pk", "currency", "effective_at", "rate", "source")
    )
    return {
        (currency, at): (pk, rate, source)
        for pk, currency, at, rate, source in rows
        if (currency, at) in incoming
    }


def set_rate(currency: str, rate: Decimal, effective_at: datetime, note: str = "") -> FxRate:
    fx_rate = FxRate(currency=currency.upper(), rate=rate, effective_at=effective_at, note=note)
    fx_rate.full_clean()
    fx_rate.save()
    return fx_rate


def with_rates_in_force(markets: QuerySet[Market], at: datetime | None = None) -> QuerySet[Market]:
    """Annotate each market with the per-euro rates its prices convert through.

    Adds ``currency_per_euro`` and ``base_per_euro`` (None where no rate is in force),
    read by :func:`base_rate_of`; one query however many markets are listed.
    """
    moment = at or timezone.now()

    def latest(currency: str | OuterRef) -> Subquery:
        rates = FxRate.objects.filter(currency=currency, effective_at__lte=moment)
        return Subquery(rates.order_by("-effective_at").values("rate")[:1])

    return markets.annotate(
        currency_per_euro=latest(OuterRef("currency")),
        base_per_euro=latest(settings.TRADEWIND_BASE_CURRENCY),
    )


def base_rate_of(market: Market) -> Decimal | None:
    """Units of the market currency per unit of the base currency, from the annotations
    of :func:`with_rates_in_force`; None when a rate is missing."""
    per_euro = {
        market.currency: getattr(market, "currency_per_euro", None),
        settings.TRADEWIND_BASE_CURRENCY: getattr(market, "base_per_euro", None),
        FX_BASE: Decimal(1),
    }
    source, target = per_euro[settings.TRADEWIND_BASE_CURRENCY], per_euro[market.currency]
    if source is None or target is None:
        return None
    return target / source
