"""Tax rules as immutable data, indexed for fast lookup (pure: no Django).

A :class:`RuleSet` holds every jurisdiction, rate, duty and threshold row with its
effective dates and source. The engine asks it questions such as "the standard rate in
Estonia on 2025-07-01" or "the duty on HS 610910 entering the EU from China"; each answer
carries the row it came from, so a quote can say which rule it applied and why.

Dates are calendar dates in the jurisdiction's own legal time (see ``engine``); a row is in
force from ``effective_from`` to ``effective_to`` inclusive (``None`` = open-ended).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from tradewind.tax.errors import TaxInputError, UnknownCountry, UnknownHsCode

TAX_CLASSES = ("standard", "reduced", "zero", "exempt")
# Rate components collected by Canada's border agency on imports; provincial sales taxes
# (PST, RST, QST) are not, so an import into Canada uses only these.
BORDER_COMPONENTS_CA = frozenset({"GST", "HST"})
# An origin or territory written as this group matches any member of the EU customs union.
EU_GROUP = "EU"

ThresholdKey = Literal[
    "pos_ceiling",
    "duty_free_max",
    "tax_free_max",
    "tax_amount_min",
    "flat_duty_per_subheading",
    "distance_sales_threshold",
]
THRESHOLD_KEYS: tuple[str, ...] = ThresholdKey.__args__  # type: ignore[attr-defined]
THRESHOLD_BASES = ("intrinsic", "customs_value", "item", "tax_amount", "subheading", "annual_sales")
REGIME_FAMILIES = ("EU", "GB", "NO", "CH", "AU", "CA", "US", "LVG", "IMPORT")
VALUATIONS = ("CIF", "FOB")
ROUNDINGS = ("line", "invoice")


@dataclass(frozen=True, slots=True)
class RuleRef:
    """The row a figure came from: enough to audit a quote long after the rule changed."""

    table: str
    id: int | None
    source: str
    effective_from: date
    effective_to: date | None

    def __str__(self) -> str:
        until = f" to {self.effective_to}" if self.effective_to else ""
        return f"{self.table}#{self.id} ({self.effective_from}{until}): {self.source}"


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    country: str
    name: str
    currency: str
    timezone: ZoneInfo
    customs_territory: str
    regime_family: str
    duty_valuation: str
    import_tax_valuation: str
    rounding: str
    source: str
    id: int | None = None


@dataclass(frozen=True, slots=True)
class RateRow:
    country: str
    region: str
    tax_class: str
    component: str
    rate: Decimal  # percent
    base_numerator: int
    base_denominator: int
    effective_from: date
    effective_to: date | None
    source: str
    note: str = ""
    id: int | None = None

    @property
    def effective_rate(self) -> Decimal:
        """Percent of the full price, e.g. Indonesia's 12% on a base of 11/12 = 11%."""
        return self.rate * self.base_numerator / self.base_denominator

    ref: RuleRef = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once: every quote that uses the row names it.
        ref = RuleRef("tax_rate", self.id, self.source, self.effective_from, self.effective_to)
        object.__setattr__(self, "ref", ref)


@dataclass(frozen=True, slots=True)
class DutyRow:
    territory: str
    hs_prefix: str
    origin: str
    rate: Decimal  # percent of customs value
    per_unit_amount: Decimal
    per_unit_currency: str
    effective_from: date
    effective_to: date | None
    source: str
    note: str = ""
    id: int | None = None

    ref: RuleRef = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once: every quote that uses the row names it.
        ref = RuleRef("duty_rate", self.id, self.source, self.effective_from, self.effective_to)
        object.__setattr__(self, "ref", ref)


@dataclass(frozen=True, slots=True)
class ThresholdRow:
    key: str
    territory: str
    origin: str
    amount: Decimal
    currency: str
    inclusive: bool  # True: "not exceeding" (<=); False: "below" (<)
    basis: str
    effective_from: date
    effective_to: date | None
    source: str
    note: str = ""
    id: int | None = None

    def within(self, value: Decimal) -> bool:
        return value <= self.amount if self.inclusive else value < self.amount

    ref: RuleRef = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once: every quote that uses the row names it.
        ref = RuleRef("threshold", self.id, self.source, self.effective_from, self.effective_to)
        object.__setattr__(self, "ref", ref)


@dataclass(frozen=True, slots=True)
class ResolvedRate:
    """The rate for one product class at one place and day: the sum of its components."""

    rate: Decimal  # effective percent
    rows: tuple[RateRow, ...]
    refs: tuple[RuleRef, ...] = ()


def _in_force(start: date, end: date | None, on: date) -> bool:
    return start <= on and (end is None or on <= end)


class RuleSet:
    """Every rule, indexed once; lookups are dictionary hits plus a short date scan.

    Results of the hot lookups are memoised per (key, day): a checkout quotes the same few
    combinations over and over, and the rule set is immutable once built.
    """

    def __init__(
        self,
        jurisdictions: Iterable[Jurisdiction],
        rates: Iterable[RateRow],
        duties: Iterable[DutyRow],
        thresholds: Iterable[ThresholdRow],
    ) -> None:
        self.jurisdictions = {j.country: j for j in jurisdictions}
        self.eu_members = frozenset(
            c for c, j in self.jurisdictions.items() if j.customs_territory == EU_GROUP
        )
        rate_index: dict[tuple[str, str, str], dict[str, list[RateRow]]] = defaultdict(
            lambda: defaultdict(list)
        )
        regions: dict[str, set[str]] = defaultdict(set)
        for row in rates:
            rate_index[(row.country, row.region, row.tax_class)][row.component].append(row)
            if row.region:
                regions[row.country].add(row.region)
        self._rates = {key: dict(components) for key, components in rate_index.items()}
        self._regions = {country: frozenset(names) for country, names in regions.items()}
        duty_index: dict[str, dict[str, list[DutyRow]]] = defaultdict(lambda: defaultdict(list))
        for duty in duties:
            duty_index[duty.territory][duty.hs_prefix].append(duty)
        self._duties = {t: dict(prefixes) for t, prefixes in duty_index.items()}
        threshold_index: dict[tuple[str, str], list[ThresholdRow]] = defaultdict(list)
        for threshold in thresholds:
            threshold_index[(threshold.key, threshold.territory)].append(threshold)
        self._thresholds = dict(threshold_index)
        self._rate_memo: dict[tuple[str, str, str, date, frozenset[str] | None], ResolvedRate] = {}
        self._duty_memo: dict[tuple[str, str, str, date], DutyRow | None] = {}

    # -- jurisdictions -------------------------------------------------------------------
    def jurisdiction(self, country: str, field: str = "destination_country") -> Jurisdiction:
        try:
            return self.jurisdictions[country]
        except KeyError:
            raise UnknownCountry(field, country) from None

    def regions(self, country: str) -> frozenset[str]:
        """Regions a country's rates are split by (US states, Canadian provinces)."""
        return self._regions.get(country, frozenset())

    def is_eu(self, country: str) -> bool:
        return country in self.eu_members

    # -- rates ---------------------------------------------------------------------------
    def rate(
        self,
        country: str,
        region: str,
        tax_class: str,
        on: date,
        components: frozenset[str] | None = None,
    ) -> ResolvedRate:
        """The rate in force on ``on``; ``components`` limits which ones count (CA imports)."""
        memo_key = (country, region, tax_class, on, components)
        hit = self._rate_memo.get(memo_key)
        if hit is not None:
            return hit
        by_component = self._rates.get((country, region, tax_class))
        if by_component is None:
            place = f"{country}-{region}" if region else country
            raise TaxInputError("tax_class", f"no {tax_class!r} tax rate is defined for {place}")
        rows = []
        for component, candidates in by_component.items():
            if components is not None and component not in components:
                continue
            row = next(
                (r for r in candidates if _in_force(r.effective_from, r.effective_to, on)), None
            )
            if row is not None:
                rows.append(row)
        if not rows:
            place = f"{country}-{region}" if region else country
            raise TaxInputError(
                "at", f"no {tax_class!r} tax rate for {place} is in force on {on.isoformat()}"
            )
        resolved = ResolvedRate(
            sum((r.effective_rate for r in rows), Decimal(0)),
            tuple(rows),
            tuple(r.ref for r in rows),
        )
        if len(self._rate_memo) > 50_000:  # a long-running process sees new days: stay bounded
            self._rate_memo.clear()
        self._rate_memo[memo_key] = resolved
        return resolved

    # -- duties --------------------------------------------------------------------------
    def has_duty_table(self, territory: str) -> bool:
        return territory in self._duties

    def duty(self, territory: str, hs_code: str, origin: str, on: date) -> DutyRow:
        """The duty row for an HS code: a row for the goods' origin (a preference) wins over
        a general one; within each, the longest matching HS prefix wins.

        Raises :class:`UnknownHsCode` when the territory has a tariff table but no row
        covers the code: guessing a rate would misstate the landed price.
        """
        memo_key = (territory, hs_code, origin, on)
        if memo_key in self._duty_memo:
            row = self._duty_memo[memo_key]
        else:
            row = self._find_duty(territory, hs_code, origin, on)
            self._duty_memo[memo_key] = row
        if row is None:
            raise UnknownHsCode(hs_code, territory)
        return row

    def _find_duty(self, territory: str, hs_code: str, origin: str, on: date) -> DutyRow | None:
        prefixes = self._duties.get(territory, {})
        origin_keys = [origin]
        if origin in self.eu_members:
            origin_keys.append(EU_GROUP)
        for wanted in (*origin_keys, ""):
            for length in range(len(hs_code), -1, -1):
                for row in prefixes.get(hs_code[:length], ()):
                    if row.origin == wanted and _in_force(row.effective_from, row.effective_to, on):
                        return row
        return None

    # -- thresholds ----------------------------------------------------------------------
    def threshold(
        self, key: str, places: tuple[str, ...], origin: str, on: date
    ) -> ThresholdRow | None:
        """The threshold for the first of ``places`` (country, then customs territory) that
        has one; a row for the consignment's origin wins over a general row."""
        origin_keys = [origin]
        if origin in self.eu_members:
            origin_keys.append(EU_GROUP)
        for place in places:
            rows = self._thresholds.get((key, place))
            if not rows:
                continue
            for wanted in (*origin_keys, ""):
                for row in rows:
                    if row.origin == wanted and _in_force(row.effective_from, row.effective_to, on):
                        return row
        return None
