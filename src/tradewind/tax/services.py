"""Tax use cases: load the shipped rules, quote a consignment, show shoppers the right price,
and change a rate by date.

The checkout asks one question, :func:`quote`: what tax and duty does this consignment owe,
and why. Rules are read from the database once per process and kept in memory; saving or
deleting a rule row clears this process's copy at once, and every process re-checks the
tables' fingerprint at most every ``RECHECK_SECONDS`` to pick up changes made elsewhere.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from moneyed import Money

from tradewind.core.money import quantize
from tradewind.markets.services import fx_table
from tradewind.tax import engine
from tradewind.tax.datafiles import DATA_DIR, ruleset_from_rows
from tradewind.tax.engine import Consignment, SalesTaxProvider, TaxQuote
from tradewind.tax.errors import TaxInputError
from tradewind.tax.loading import LoadResult, RuleModels, sync_rules
from tradewind.tax.models import DutyRate, Jurisdiction, TaxRate, Threshold
from tradewind.tax.rules import DutyRow, RateRow, RuleSet, ThresholdRow
from tradewind.tax.rules import Jurisdiction as JurisdictionRule
from tradewind.tax.vatid import OfflineVerifier, VatIdVerifier, check_vat_id
from tradewind.tax.vies import ViesRestVerifier

RULE_MODELS: tuple[type[models.Model], ...] = (Jurisdiction, TaxRate, DutyRate, Threshold)
RECHECK_SECONDS = 30.0
HUNDRED = Decimal(100)


def _columns(row_type: type) -> list[str]:
    return [f.name for f in fields(row_type) if f.init]


def _fingerprint() -> tuple[Any, ...]:
    return tuple(
        tuple(model._default_manager.aggregate(n=Count("id"), last=Max("updated_at")).values())
        for model in RULE_MODELS
    )


def _read_ruleset() -> RuleSet:
    return ruleset_from_rows(
        Jurisdiction.objects.values(*_columns(JurisdictionRule)),
        TaxRate.objects.values(*_columns(RateRow)),
        DutyRate.objects.values(*_columns(DutyRow)),
        Threshold.objects.values(*_columns(ThresholdRow)),
    )


class _RuleCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: RuleSet | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._checked = 0.0

    def get(self) -> RuleSet:
        now = time.monotonic()
        cached = self._rules
        if cached is not None and now - self._checked < RECHECK_SECONDS:
            return cached
        with self._lock:
            fingerprint = _fingerprint()
            if self._rules is None or fingerprint != self._fingerprint:
                self._rules = _read_ruleset()
                self._fingerprint = fingerprint
            self._checked = now
            return self._rules

    def clear(self) -> None:
        with self._lock:
            self._rules = None
            self._fingerprint = None


_cache = _RuleCache()


def rules() -> RuleSet:
    """The rules in force, from this process's cache (no query on a warm cache)."""
    return _cache.get()


def invalidate_rules(**_: Any) -> None:
    """Drop this process's rules; connected to saves and deletes of rule rows."""
    _cache.clear()


def load_tax_rules(directory: Path | None = None) -> LoadResult:
    """Load the shipped rule files (or those in ``directory``): idempotent, all or nothing."""
    result = sync_rules(
        RuleModels(Jurisdiction, TaxRate, DutyRate, Threshold), directory or DATA_DIR
    )
    invalidate_rules()
    return result


def default_verifier() -> VatIdVerifier:
    """VIES when ``TRADEWIND_VIES_URL`` is set (``vies`` for the public service), else offline."""
    url = os.environ.get("TRADEWIND_VIES_URL", "").strip()
    if not url:
        return OfflineVerifier()
    return ViesRestVerifier() if url == "vies" else ViesRestVerifier(url)


def quote(
    consignment: Consignment,
    *,
    verifier: VatIdVerifier | None = None,
    sales_tax: SalesTaxProvider | None = None,
) -> TaxQuote:
    """What tax and duty the consignment owes, and why.

    Exchange rates for the thresholds come from the consignment when given, else from the
    rates in force at its tax point (one query). An EU VAT ID is looked up in the register
    through ``verifier``; an unreachable register leaves it unverified, never fails.
    Raises :class:`~tradewind.tax.errors.TaxInputError` naming the field for bad input.
    """
    c = consignment
    if not c.fx_per_eur and isinstance(c.at, datetime) and c.at.utcoffset() is not None:
        c = replace(c, fx_per_eur=fx_table(c.at).per_euro)
    if isinstance(c.customer_vat_id, str) and c.customer_vat_id.strip() and c.vat_id_status is None:
        check = check_vat_id(c.customer_vat_id, c.destination_country)
        if check.usable and check.is_eu:
            checked = (verifier or default_verifier()).verify(check)
            if checked.status is not check.status:
                c = replace(c, vat_id_status=checked.status)
    return engine.quote(c, rules(), sales_tax=sales_tax)


@dataclass(frozen=True)
class DisplayPrice:
    amount: Money  # what the shopper sees
    net: Money  # the price without any tax
    tax: Money  # tax included in ``amount`` (zero when tax is added at checkout)
    tax_rate: Decimal | None  # destination rate in percent; None when tax is not shown
    includes_tax: bool
    tax_names: tuple[str, ...]  # e.g. ("VAT",), ("GST", "PST")


def display_price(
    base_price: Money,
    tax_class: str,
    origin_country: str,
    destination_country: str,
    tax_display: str,
    base_includes_tax: bool,
    *,
    destination_region: str = "",
    origin_region: str = "",
    at: datetime | None = None,
    eu_distance_sales_over_threshold: bool = True,
) -> DisplayPrice:
    """The price a shopper in ``destination_country`` sees for a product.

    When the store's base prices include its home-country tax, that tax is taken out and
    the destination's put in, so a German store's EUR 119.00 (19% incl.) shows as EUR 120.00
    in Austria (20%) and EUR 100.00 + tax at checkout in the US: nobody is over- or
    under-charged. ``tax_display`` is the market's: ``inclusive`` or ``exclusive``.
    """
    if tax_display not in ("inclusive", "exclusive"):
        raise TaxInputError("tax_display", f"{tax_display!r} is neither inclusive nor exclusive")
    if not base_price.amount.is_finite() or base_price.amount < 0:
        raise TaxInputError("base_price", "must not be negative")
    moment = at or timezone.now()
    ruleset = rules()
    currency = base_price.currency.code
    net = base_price.amount
    if base_includes_tax:
        home = engine.shopper_rate(
            ruleset,
            origin_country,
            origin_country,
            tax_class,
            moment,
            destination_region=origin_region,
        )
        net = net * HUNDRED / (HUNDRED + home.rate)
    net_shown = quantize(net, currency)
    if tax_display == "exclusive":
        zero = Money(0, currency)
        return DisplayPrice(
            Money(net_shown, currency), Money(net_shown, currency), zero, None, False, ()
        )
    rate = engine.shopper_rate(
        ruleset,
        origin_country,
        destination_country,
        tax_class,
        moment,
        destination_region=destination_region,
        eu_distance_sales_over_threshold=eu_distance_sales_over_threshold,
    )
    gross = quantize(net * (HUNDRED + rate.rate) / HUNDRED, currency)
    return DisplayPrice(
        amount=Money(gross, currency),
        net=Money(net_shown, currency),
        tax=Money(gross - net_shown, currency),
        tax_rate=rate.rate,
        includes_tax=True,
        tax_names=tuple(row.component for row in rate.rows),
    )


def change_rate(
    country: str,
    tax_class: str,
    component: str,
    rate: Decimal,
    effective_from: date,
    source: str,
    *,
    region: str = "",
    note: str = "",
) -> TaxRate:
    """Record a new rate from ``effective_from``: the rule in force then is closed the day
    before, and the new row added, in one transaction. Quotes before that day keep the old
    rate. Raises ValidationError naming the field for a bad change."""
    with transaction.atomic():
        current = (
            TaxRate.objects.select_for_update()
            .filter(
                country=country,
                region=region,
                tax_class=tax_class,
                component=component,
                effective_from__lte=effective_from,
            )
            .filter(
                models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=effective_from)
            )
            .first()
        )
        if current is not None:
            if current.effective_from == effective_from:
                raise ValidationError(
                    {"effective_from": "A rate already starts on that day; edit that row instead."}
                )
            current.effective_to = effective_from - timedelta(days=1)
            current.full_clean()
            current.save(update_fields=["effective_to", "updated_at"])
        new = TaxRate(
            country=country,
            region=region,
            tax_class=tax_class,
            component=component,
            rate=rate,
            effective_from=effective_from,
            source=source,
            note=note,
        )
        new.full_clean()
        new.save()
    return new
