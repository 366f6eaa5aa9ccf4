"""The cross-border tax and duty engine (pure: no Django).

One question, one answer: given a consignment and the rules, what tax and duty does it owe,
under which regime, from which rule row, and what is collected at checkout versus due on
delivery. Rates, thresholds, duty rates and their dates are data (:mod:`tradewind.tax.rules`);
this module holds only the legal mechanisms.

Written rules this engine follows, and the choices it makes where the law leaves one:

* **Which day's rule.** A rule dated "from 1 July" applies to supplies whose tax point falls
  on 1 July in the legal time of the country whose rule it is: ``at`` (an aware datetime) is
  converted to that jurisdiction's time zone before dates are compared. So Estonia's 24%
  applies from 2025-06-30 21:00 UTC (00:00 in Tallinn). Federal US and Canadian dates are
  read in Eastern time (CBP's and CBSA's 12:01 a.m. EDT cut-overs).
* **Intrinsic value** (the EU EUR 150, UK GBP 135, AU 1,000 etc. tests) is the price of the
  goods; transport and insurance count only when they are not shown separately
  (Commission Delegated Regulation (EU) 2015/2446 art. 1(48)). A value in another currency
  is converted at the supplied rate and rounded half-up to the threshold currency's cent
  before comparison. (EU customs strictly use the monthly customs rate, UCC art. 53; the
  caller chooses which table to pass.)
* **Shipping and insurance** charged to the customer are part of the taxable amount
  (Directive 2006/112/EC art. 78(b)) and follow the goods they go with: they are allocated
  to lines pro rata to line value, cent-exact by largest remainder, and taxed at each
  line's rate (CJEU C-349/96 Card Protection Plan: the ancillary follows the principal).
* **Customs value** is CIF (goods + transport + insurance) or FOB (goods only) per
  jurisdiction; import tax is charged on the customs value in the jurisdiction's import-tax
  valuation plus the duty (Directive 2006/112/EC art. 85-86 for the EU).
* **Rounding.** EU law leaves rounding to member states (Directive 2006/112/EC art. 230
  only fixes the currency); national practice (e.g. Germany UStAE 14.4, HMRC Notice 700
  s.16.3) accepts rounding per line or per invoice. Tradewind rounds **per line, half-up to
  the currency's minor unit**, so each line on the cart, invoice and return adds up exactly.
  Jurisdictions whose data say ``invoice`` (Japan's qualified invoices: one rounding per
  invoice and rate) round the sum per rate once and spread it back over the lines by
  largest remainder. Duties are rounded per line half-up.
* **Duty lookup.** The longest matching HS prefix wins; a row for the goods' preferential
  origin wins over the general row. A destination with a tariff table but no row for an
  HS code raises :class:`UnknownHsCode`: a guessed rate would misstate the landed price. An
  operator who wants a fallback adds a chapter-level (2-digit) or an empty-prefix row.
  Destinations without any tariff table report duty as ``not_assessed``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol

import pycountry
from moneyed import Currency, Money

from tradewind.core.money import minor_unit
from tradewind.tax.errors import MissingFxRate, TaxInputError
from tradewind.tax.rules import (
    BORDER_COMPONENTS_CA,
    EU_GROUP,
    TAX_CLASSES,
    Jurisdiction,
    ResolvedRate,
    RuleRef,
    RuleSet,
    ThresholdRow,
)
from tradewind.tax.vatid import VatIdCheck, VatIdStatus, check_vat_id

HS_CODE = re.compile(r"^\d{6}(\d{2}){0,2}$")
# IM + the identifying member state's 3-digit code + 7 digits (Commission IOSS guidance).
IOSS_NUMBER = re.compile(r"^IM\d{10}$")
ISO_COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
NO_RATE = ResolvedRate(ZERO, ())


class DutiesMode(StrEnum):
    DDP = "DDP"  # duties and import taxes collected at checkout: the shopper sees a landed price
    DAP = "DAP"  # the carrier collects them from the shopper on delivery


class RegimeKind(StrEnum):
    DOMESTIC = "DOMESTIC"
    OSS = "OSS"  # EU distance sale above the threshold: destination VAT, OSS return
    ORIGIN_VAT = "ORIGIN_VAT"  # EU distance sale below the threshold: origin VAT
    REVERSE_CHARGE = "REVERSE_CHARGE"
    IOSS = "IOSS"
    POINT_OF_SALE = "POINT_OF_SALE"  # UK low-value goods
    LVG = "LVG"  # low-value goods (AU, NZ, SG, MY)
    VOEC = "VOEC"  # Norway
    IMPORT = "IMPORT"  # tax (and duty) due at import
    SALES_TAX = "SALES_TAX"  # US


class DutyRegime(StrEnum):
    NONE = "none"  # no customs border crossed
    RELIEVED = "relieved"  # de minimis, or a point-of-sale regime without duty
    TARIFF = "tariff"
    FLAT_PER_SUBHEADING = "flat_per_subheading"  # EU EUR 3 per tariff sub-heading
    NOT_ASSESSED = "not_assessed"  # no tariff table for the destination


# Point-of-sale regime for low-value imports by regime family.
POS_KIND = {
    "EU": RegimeKind.IOSS,
    "GB": RegimeKind.POINT_OF_SALE,
    "NO": RegimeKind.VOEC,
    "AU": RegimeKind.LVG,
    "LVG": RegimeKind.LVG,
}


@dataclass(frozen=True, slots=True)
class Line:
    hs_code: str
    tax_class: str
    quantity: int
    unit_price: Money  # net of the tax being quoted
    origin_country: str = ""  # goods' origin for tariff preferences; "" = ship-from country
    sku: str = ""


@dataclass(frozen=True, slots=True)
class Consignment:
    origin_country: str  # ship-from country
    destination_country: str
    lines: Sequence[Line]
    at: datetime  # the tax point (order time); must be timezone-aware
    currency: str
    destination_region: str = ""  # US state / Canadian province code, e.g. "CA", "QC"
    destination_postal_code: str = ""
    shipping: Money | None = None
    insurance: Money | None = None
    transport_shown_separately: bool = True
    customer_vat_id: str | None = None  # given = the customer claims to buy as a business
    vat_id_status: VatIdStatus | None = None  # a register's answer, if one was asked
    eu_distance_sales_over_threshold: bool = True
    duties_mode: DutiesMode = DutiesMode.DDP
    ioss_number: str = ""
    fx_per_eur: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProviderRate:
    rate: Decimal  # percent, all local jurisdictions combined
    source: str


class SalesTaxProvider(Protocol):
    """A service that knows US local (county, city, district) sales tax rates."""

    def rate(
        self, state: str, postal_code: str, tax_class: str, on: date
    ) -> ProviderRate | None: ...


@dataclass(frozen=True, slots=True)
class LineTax:
    sku: str
    hs_code: str
    tax_class: str
    quantity: int
    net: Money
    charges: Money  # this line's share of shipping and insurance
    customs_value: Money
    duty: Money
    duty_rate: Decimal
    duty_regime: DutyRegime
    duty_rule: RuleRef | None
    tax_base: Money
    tax_rate: Decimal
    tax: Money
    regime: str
    regime_kind: RegimeKind
    tax_rules: tuple[RuleRef, ...]
    tax_at_checkout: bool
    duty_at_checkout: bool

    @property
    def collected_at_checkout(self) -> Money:
        amount = (self.tax.amount if self.tax_at_checkout else ZERO) + (
            self.duty.amount if self.duty_at_checkout else ZERO
        )
        return Money(amount, self.tax.currency)

    @property
    def due_on_delivery(self) -> Money:
        amount = (ZERO if self.tax_at_checkout else self.tax.amount) + (
            ZERO if self.duty_at_checkout else self.duty.amount
        )
        return Money(amount, self.tax.currency)


@dataclass(frozen=True, slots=True)
class ThresholdCheck:
    key: str
    value: Money  # the compared value, in the threshold's currency
    limit: Money
    fx_rate: Decimal  # threshold-currency units per consignment-currency unit
    within: bool
    rule: RuleRef


@dataclass(frozen=True, slots=True)
class TaxQuote:
    currency: str
    origin_country: str
    destination_country: str
    destination_region: str
    at: datetime
    tax_date: date  # the day in the destination's legal time
    duties_mode: DutiesMode
    lines: tuple[LineTax, ...]
    net: Money
    charges: Money
    tax: Money
    duty: Money
    collected_at_checkout: Money
    due_on_delivery: Money
    regimes: tuple[str, ...]
    b2b: bool
    vat_id: VatIdCheck | None
    thresholds: tuple[ThresholdCheck, ...]
    notes: tuple[str, ...]

    @property
    def total(self) -> Money:
        """What the shopper pays in all: goods, charges, tax and duty."""
        return self.net + self.charges + self.tax + self.duty


class _Work:
    """One line while it is being quoted (mutable; turned into a LineTax at the end)."""

    __slots__ = (
        "charges",
        "customs_value",
        "duty",
        "duty_at_checkout",
        "duty_rate",
        "duty_regime",
        "duty_rule",
        "kind",
        "line",
        "net",
        "rate",
        "raw_tax",
        "tax",
        "tax_at_checkout",
        "tax_base",
        "tax_refs",
    )

    def __init__(self, line: Line) -> None:
        self.line = line
        self.net = line.unit_price.amount * line.quantity
        self.charges = ZERO
        self.customs_value = ZERO
        self.duty = ZERO
        self.duty_rate = ZERO
        self.duty_regime = DutyRegime.NONE
        self.duty_rule: RuleRef | None = None
        self.tax_base = ZERO
        self.rate = NO_RATE
        self.tax_refs: tuple[RuleRef, ...] = ()
        self.raw_tax = ZERO
        self.tax = ZERO
        self.kind = RegimeKind.DOMESTIC
        self.tax_at_checkout = True
        self.duty_at_checkout = True


_EXPONENTS: dict[str, Decimal] = {}


def _exponent(currency: str) -> Decimal:
    exponent = _EXPONENTS.get(currency)
    if exponent is None:
        exponent = minor_unit(currency)
        _EXPONENTS[currency] = exponent
    return exponent


def _round(amount: Decimal, exponent: Decimal) -> Decimal:
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, weights: Sequence[Decimal], exponent: Decimal) -> list[Decimal]:
    """Split ``total`` over ``weights`` pro rata, exact to the minor unit (largest remainder)."""
    total = _round(total, exponent)
    if not weights:
        return []
    weight_sum = sum(weights, ZERO)
    if total == 0:
        return [ZERO for _ in weights]
    if weight_sum == 0:
        return [total, *(ZERO for _ in weights[1:])]
    raw = [total * w / weight_sum for w in weights]
    shares = [r.quantize(exponent, rounding=ROUND_DOWN) for r in raw]
    units_left = int((total - sum(shares, ZERO)) / exponent)
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[:units_left]:
        shares[i] += exponent
    return shares


class _Context:
    """State of one quote: the consignment, its rules, the notes and threshold checks."""

    def __init__(self, consignment: Consignment, rules: RuleSet, dest: Jurisdiction) -> None:
        self.c = consignment
        self.rules = rules
        self.dest = dest
        self.currency = consignment.currency
        self.money_currency: Currency = consignment.lines[0].unit_price.currency
        self.exponent = _exponent(consignment.currency)
        self.notes: list[str] = []
        self.checks: list[ThresholdCheck] = []
        self._days: dict[str, date] = {}
        self.intrinsic = ZERO
        self.customs_value = ZERO
        self.charges_in_customs_value = False

    def day(self, country: str) -> date:
        found = self._days.get(country)
        if found is None:
            zone = self.rules.jurisdictions[country].timezone
            found = self.c.at.astimezone(zone).date()
            self._days[country] = found
        return found

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def fx(self, source: str, target: str) -> Decimal:
        """Units of ``target`` per one ``source``."""
        if source == target:
            return Decimal(1)
        rates = self.c.fx_per_eur
        source_rate = Decimal(1) if source == "EUR" else rates.get(source)
        target_rate = Decimal(1) if target == "EUR" else rates.get(target)
        if source_rate is None:
            raise MissingFxRate(source)
        if target_rate is None:
            raise MissingFxRate(target)
        return target_rate / source_rate

    def threshold(self, key: str, origin: str | None = None) -> ThresholdRow | None:
        places = (self.dest.country, self.dest.customs_territory)
        return self.rules.threshold(
            key,
            places,
            self.c.origin_country if origin is None else origin,
            self.day(self.dest.country),
        )

    def within(self, key: str, item_value: Decimal | None = None, origin: str = "") -> bool:
        """Whether the consignment (or one item) is within a threshold; records the check.

        The compared value follows the row's basis: intrinsic value, customs value or the
        item's value. No row in force means no such relief: False.
        """
        row = self.threshold(key, origin or None)
        if row is None:
            return False
        if row.basis == "item" and item_value is not None:
            value = item_value
        elif row.basis == "customs_value":
            value = self.customs_value
        else:
            value = self.intrinsic
        rate = self.fx(self.currency, row.currency)
        converted = _round(value * rate, _exponent(row.currency))
        inside = row.within(converted)
        self.checks.append(
            ThresholdCheck(
                key=key,
                value=Money(converted, row.currency),
                limit=Money(row.amount, row.currency),
                fx_rate=rate,
                within=inside,
                rule=row.ref,
            )
        )
        return inside

    def rate(
        self, country: str, region: str, tax_class: str, components: frozenset[str] | None = None
    ) -> ResolvedRate:
        return self.rules.rate(country, region, tax_class, self.day(country), components)


# --- validation --------------------------------------------------------------------------


def _validate(c: Consignment, rules: RuleSet) -> Jurisdiction:
    for name in ("origin_country", "destination_country"):
        value = getattr(c, name)
        if not isinstance(value, str) or value not in ISO_COUNTRIES:
            raise TaxInputError(name, f"{value!r} is not an ISO 3166 alpha-2 country code")
    dest = rules.jurisdiction(c.destination_country)
    regions = rules.regions(dest.country)
    if regions:
        if not c.destination_region:
            raise TaxInputError(
                "destination_region", f"a state or province is required for {dest.name}"
            )
        if c.destination_region not in regions:
            raise TaxInputError(
                "destination_region",
                f"{c.destination_region!r} is not a known region of {dest.name}",
            )
    if not isinstance(c.at, datetime) or c.at.tzinfo is None or c.at.utcoffset() is None:
        raise TaxInputError("at", "the tax point must be a timezone-aware datetime")
    if not c.lines:
        raise TaxInputError("lines", "a consignment needs at least one line")
    for index, line in enumerate(c.lines):
        _validate_line(c, index, line)
    for name in ("shipping", "insurance"):
        charge = getattr(c, name)
        if charge is None:
            continue
        if not isinstance(charge, Money) or charge.currency.code != c.currency:
            raise TaxInputError(name, f"must be an amount in {c.currency}")
        if not charge.amount.is_finite() or charge.amount < 0:
            raise TaxInputError(name, "must not be negative")
    if c.customer_vat_id is not None and not isinstance(c.customer_vat_id, str):
        raise TaxInputError(
            "customer_vat_id", f"must be text, not {type(c.customer_vat_id).__name__}"
        )
    if c.ioss_number and not IOSS_NUMBER.match(c.ioss_number):
        raise TaxInputError(
            "ioss_number", f"{c.ioss_number!r} is not an IOSS number (IM + 10 digits)"
        )
    if c.duties_mode not in (DutiesMode.DDP, DutiesMode.DAP):
        raise TaxInputError("duties_mode", f"{c.duties_mode!r} is neither DDP nor DAP")
    for currency, rate in c.fx_per_eur.items():
        if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
            raise TaxInputError("fx_per_eur", f"the rate for {currency} must be a positive Decimal")
    return dest


def _validate_line(c: Consignment, index: int, line: Line) -> None:
    where = f"lines[{index}]"
    if not isinstance(line, Line):
        raise TaxInputError(where, f"must be a Line, not {type(line).__name__}")
    if not isinstance(line.hs_code, str) or not HS_CODE.match(line.hs_code):
        raise TaxInputError(
            f"{where}.hs_code", f"{line.hs_code!r} is not an HS code of 6, 8 or 10 digits"
        )
    if line.tax_class not in TAX_CLASSES:
        raise TaxInputError(
            f"{where}.tax_class",
            f"{line.tax_class!r} is not one of {', '.join(TAX_CLASSES)}",
        )
    if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity < 1:
        raise TaxInputError(f"{where}.quantity", "must be a whole number of at least 1")
    price = line.unit_price
    if not isinstance(price, Money) or price.currency.code != c.currency:
        raise TaxInputError(f"{where}.unit_price", f"must be an amount in {c.currency}")
    try:
        negative = not price.amount.is_finite() or price.amount < 0
    except InvalidOperation:
        negative = True
    if negative:
        raise TaxInputError(f"{where}.unit_price", "must not be negative")
    if line.origin_country and line.origin_country not in ISO_COUNTRIES:
        raise TaxInputError(
            f"{where}.origin_country", f"{line.origin_country!r} is not an ISO 3166 country code"
        )


# --- line treatments ---------------------------------------------------------------------


def _point_of_sale(
    ctx: _Context, w: _Work, kind: RegimeKind, country: str, region: str = ""
) -> None:
    """Tax charged by the seller on the sale, at checkout; no duty."""
    w.kind = kind
    w.rate = ctx.rate(country, region, w.line.tax_class)
    w.tax_refs = w.rate.refs
    w.tax_base = w.net + w.charges
    w.tax_at_checkout = True


def _zero_rated(w: _Work, kind: RegimeKind) -> None:
    w.kind = kind
    w.rate = NO_RATE
    w.tax_refs = ()
    w.tax_base = w.net + w.charges
    w.tax_at_checkout = True


def _tariff_duty(ctx: _Context, w: _Work) -> None:
    territory = ctx.dest.customs_territory
    if not ctx.rules.has_duty_table(territory):
        w.duty_regime = DutyRegime.NOT_ASSESSED
        ctx.note(
            f"Customs duty for {ctx.dest.name} is not assessed: no tariff table is loaded; "
            f"the carrier may collect duty on delivery."
        )
        return
    origin = w.line.origin_country or ctx.c.origin_country
    row = ctx.rules.duty(territory, w.line.hs_code, origin, ctx.day(ctx.dest.country))
    duty = w.customs_value * row.rate / HUNDRED
    if row.per_unit_amount:
        duty += row.per_unit_amount * w.line.quantity * ctx.fx(row.per_unit_currency, ctx.currency)
    w.duty = _round(duty, ctx.exponent)
    w.duty_rate = row.rate
    w.duty_rule = row.ref
    w.duty_regime = DutyRegime.TARIFF


def _relieve_or_tariff(ctx: _Context, w: _Work, relieved: bool) -> None:
    """Duty beside a point-of-sale regime: normally relieved; else by tariff (DDP/DAP)."""
    if relieved:
        w.duty_regime = DutyRegime.RELIEVED
        return
    _tariff_duty(ctx, w)
    w.duty_at_checkout = ctx.c.duties_mode is DutiesMode.DDP


def _import(
    ctx: _Context,
    w: _Work,
    *,
    duty_relieved: bool,
    tax_relieved: bool,
    components: frozenset[str] | None = None,
) -> None:
    """Tax (and duty) due at import: collected at checkout under DDP, on delivery under DAP."""
    dest = ctx.dest
    w.kind = RegimeKind.IMPORT
    if w.duty_regime is not DutyRegime.FLAT_PER_SUBHEADING:
        if duty_relieved:
            w.duty_regime = DutyRegime.RELIEVED
        else:
            _tariff_duty(ctx, w)
    at_checkout = ctx.c.duties_mode is DutiesMode.DDP
    w.duty_at_checkout = at_checkout
    w.tax_at_checkout = at_checkout
    if tax_relieved:
        w.rate = NO_RATE
        w.tax_refs = ()
        return
    transport = w.charges if dest.import_tax_valuation == "CIF" else ZERO
    w.tax_base = w.net + transport + w.duty
    w.rate = ctx.rate(dest.country, ctx.c.destination_region, w.line.tax_class, components)
    w.tax_refs = w.rate.refs


def _flat_low_value_duty(ctx: _Context, works: list[_Work], row: ThresholdRow) -> None:
    """EUR 3 (in the rule's currency) per distinct 6-digit sub-heading, spread over its lines."""
    per_heading = row.amount * ctx.fx(row.currency, ctx.currency)
    groups: dict[str, list[_Work]] = {}
    for w in works:
        groups.setdefault(w.line.hs_code[:6], []).append(w)
    for members in groups.values():
        shares = allocate(per_heading, [m.net for m in members], ctx.exponent)
        for member, share in zip(members, shares, strict=True):
            member.duty = share
            member.duty_regime = DutyRegime.FLAT_PER_SUBHEADING
            member.duty_rule = row.ref
    ctx.note(
        f"Temporary EU customs duty of {row.currency} {row.amount} per tariff sub-heading on "
        f"a low-value consignment (Council Regulation (EU) 2026/382): {len(groups)} "
        f"sub-heading(s)."
    )


# --- regimes by family -------------------------------------------------------------------


def _domestic(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    kind = RegimeKind.SALES_TAX if ctx.dest.regime_family == "US" else RegimeKind.DOMESTIC
    for w in works:
        _point_of_sale(ctx, w, kind, ctx.dest.country, ctx.c.destination_region)
    if vat is not None and vat.usable:
        ctx.note(f"VAT ID {vat.number} recorded; a domestic sale is taxed normally.")


def _eu(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    c = ctx.c
    origin = c.origin_country
    if ctx.rules.is_eu(origin):
        if vat is not None and vat.usable and vat.is_eu and vat.country != origin:
            for w in works:
                _zero_rated(w, RegimeKind.REVERSE_CHARGE)
            ctx.note(
                f"Intra-Community supply of goods, exempt under Article 138 of Directive "
                f"2006/112/EC; the customer accounts for VAT on the acquisition (reverse "
                f"charge). The invoice must state the supplier's and the customer's VAT IDs "
                f"(customer: {vat.number}) and the words 'Intra-Community supply - reverse "
                f"charge' (Article 226(3), (4) and (11))."
            )
            return
        if vat is not None and vat.usable:
            ctx.note(
                f"VAT ID {vat.number} is not an EU VAT ID of another member state than "
                f"{origin}: the sale is taxed as a consumer sale."
            )
        if c.eu_distance_sales_over_threshold:
            for w in works:
                _point_of_sale(ctx, w, RegimeKind.OSS, ctx.dest.country)
            ctx.note(
                "Intra-EU distance sale above the EUR 10,000 threshold (Directive 2006/112/EC "
                "art. 33(a), 59c): destination VAT, declared in the OSS return."
            )
        else:
            for w in works:
                _point_of_sale(ctx, w, RegimeKind.ORIGIN_VAT, origin)
            ctx.note(
                "Intra-EU distance sale below the EUR 10,000 threshold (Directive 2006/112/EC "
                "art. 59c): VAT of the member state of dispatch."
            )
        return
    b2b = vat is not None and vat.usable
    low = ctx.within("pos_ceiling")
    relief = ctx.within("duty_free_max")
    flat = ctx.threshold("flat_duty_per_subheading") if low and not b2b else None
    if flat is not None:
        _flat_low_value_duty(ctx, works, flat)
    use_ioss = low and not b2b and bool(c.ioss_number)
    ddp = c.duties_mode is DutiesMode.DDP
    for w in works:
        if use_ioss:
            if flat is None:
                if relief:
                    w.duty_regime = DutyRegime.RELIEVED
                else:
                    _tariff_duty(ctx, w)
            _point_of_sale(ctx, w, RegimeKind.IOSS, ctx.dest.country)
            # A duty the seller charges the customer is part of the consideration (art. 73).
            w.tax_base += w.duty if ddp else ZERO
            w.duty_at_checkout = ddp
        else:
            _import(ctx, w, duty_relieved=relief, tax_relieved=False)
    if use_ioss:
        ctx.note(
            f"IOSS: VAT collected at checkout (Directive 2006/112/EC art. 369l-369x); the IOSS "
            f"number {c.ioss_number} must travel with the shipment on the customs declaration."
        )
    elif low and not b2b:
        ctx.note(
            "No IOSS number: import VAT is due at the border (the carrier may add a handling fee)."
        )
    if b2b:
        ctx.note("Business import: the customer is the importer and may deduct the import VAT.")


def _gb(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    low = ctx.within("pos_ceiling")
    relief = ctx.within("duty_free_max")
    if low:
        if vat is not None and vat.usable and vat.country == "GB":
            for w in works:
                _zero_rated(w, RegimeKind.REVERSE_CHARGE)
                w.duty_regime = DutyRegime.RELIEVED
            ctx.note(
                f"Goods not exceeding GBP 135 sold to a UK VAT-registered business "
                f"({vat.number}): no VAT charged; the customer accounts for it under the reverse "
                f"charge. Invoice note: 'Reverse charge: customer to account for VAT to HMRC'."
            )
            return
        if vat is not None and vat.usable:
            ctx.note(f"VAT ID {vat.number} is not a UK VAT number: taxed as a consumer sale.")
        for w in works:
            _relieve_or_tariff(ctx, w, relief)
            _point_of_sale(ctx, w, RegimeKind.POINT_OF_SALE, "GB")
        ctx.note("UK VAT charged at the point of sale on a consignment not exceeding GBP 135.")
        return
    for w in works:
        _import(ctx, w, duty_relieved=relief, tax_relieved=False)


def _no(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    b2b = vat is not None and vat.usable
    voec = False
    for w in works:
        if not b2b and ctx.within("pos_ceiling", item_value=w.line.unit_price.amount):
            voec = True
            _point_of_sale(ctx, w, RegimeKind.VOEC, "NO")
            w.duty_regime = DutyRegime.RELIEVED
        else:
            _import(ctx, w, duty_relieved=False, tax_relieved=False)
    if voec:
        ctx.note(
            "VOEC: Norwegian VAT collected at checkout on items below NOK 3,000; the VOEC "
            "number must be on the shipment; no VAT or duty at the border."
        )


def _ca(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    duty_relieved = ctx.within("duty_free_max")
    tax_relieved = ctx.within("tax_free_max")
    for w in works:
        _import(
            ctx,
            w,
            duty_relieved=duty_relieved,
            tax_relieved=tax_relieved,
            components=BORDER_COMPONENTS_CA,
        )
    all_components = {
        row.component
        for w in works
        for row in ctx.rate(ctx.dest.country, ctx.c.destination_region, w.line.tax_class).rows
    }
    if all_components - BORDER_COMPONENTS_CA:
        ctx.note(
            "Provincial sales tax is not collected at the border: a seller registered in the "
            "province charges it, otherwise the buyer self-assesses."
        )


def _us(ctx: _Context, works: list[_Work], provider: SalesTaxProvider | None) -> None:
    c = ctx.c
    state = c.destination_region
    on = ctx.day("US")
    for w in works:
        _point_of_sale(ctx, w, RegimeKind.SALES_TAX, "US", state)
        if provider is not None:
            found = provider.rate(state, c.destination_postal_code, w.line.tax_class, on)
            if found is not None:
                w.rate = ResolvedRate(found.rate, ())
                w.tax_refs = (RuleRef("sales_tax_provider", None, found.source, on, on),)
    if c.origin_country == "US":
        return
    relieved = ctx.within("duty_free_max")
    for w in works:
        if relieved:
            w.duty_regime = DutyRegime.RELIEVED
        else:
            _tariff_duty(ctx, w)
        w.duty_at_checkout = c.duties_mode is DutiesMode.DDP
    if not relieved:
        ctx.note("US de minimis (19 U.S.C. 1321) does not apply: duty is due on this consignment.")


def _low_value_or_import(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> None:
    """AU, NZ, SG, MY (point-of-sale collection on low-value goods) and plain importers."""
    family = ctx.dest.regime_family
    b2b = vat is not None and vat.usable
    kind = POS_KIND.get(family)
    if kind is not None and not b2b and ctx.within("pos_ceiling"):
        relief = ctx.within("duty_free_max")
        for w in works:
            _relieve_or_tariff(ctx, w, relief)
            _point_of_sale(ctx, w, kind, ctx.dest.country)
        ctx.note(f"{ctx.dest.name}: tax on low-value goods is collected by the seller at checkout.")
        return
    duty_relieved = ctx.within("duty_free_max")
    tax_relieved = ctx.within("tax_free_max")
    for w in works:
        _import(ctx, w, duty_relieved=duty_relieved, tax_relieved=tax_relieved)


# --- the quote ---------------------------------------------------------------------------


def _vat_id(ctx: _Context) -> VatIdCheck | None:
    raw = ctx.c.customer_vat_id
    if raw is None or not raw.strip():
        return None
    check = check_vat_id(raw, ctx.dest.country)
    status = ctx.c.vat_id_status
    if check.status is not VatIdStatus.INVALID and status is not None:
        check = VatIdCheck(check.raw, check.number, check.country, status, check.reason, "register")
    if check.status is VatIdStatus.INVALID:
        ctx.note(f"VAT ID {raw!r} is not valid ({check.reason}): treated as a consumer sale.")
    elif check.status is VatIdStatus.UNVERIFIED:
        ctx.note(
            f"VAT ID {check.number} has a valid format and checksum but was not confirmed with "
            f"the register; keep evidence of the customer's status."
        )
    return check


def _round_taxes(ctx: _Context, works: list[_Work]) -> None:
    exponent = ctx.exponent
    for w in works:
        w.raw_tax = w.tax_base * w.rate.rate / HUNDRED
    if ctx.dest.rounding != "invoice":
        for w in works:
            w.tax = _round(w.raw_tax, exponent)
        return
    groups: dict[Decimal, list[_Work]] = {}
    for w in works:
        groups.setdefault(w.rate.rate, []).append(w)
    for members in groups.values():
        total = _round(sum((m.raw_tax for m in members), ZERO), exponent)
        for member, share in zip(
            members, allocate(total, [m.raw_tax for m in members], exponent), strict=True
        ):
            member.tax = share


def _tax_amount_minimum(ctx: _Context, works: list[_Work]) -> None:
    """Import tax amounts below a jurisdiction's minimum are not collected (CH, DE)."""
    imported = [w for w in works if w.kind is RegimeKind.IMPORT and w.tax]
    if not imported:
        return
    row = ctx.threshold("tax_amount_min")
    if row is None:
        return
    total = sum((w.tax for w in imported), ZERO)
    rate = ctx.fx(ctx.currency, row.currency)
    converted = _round(total * rate, _exponent(row.currency))
    inside = row.within(converted)
    ctx.checks.append(
        ThresholdCheck(
            "tax_amount_min",
            Money(converted, row.currency),
            Money(row.amount, row.currency),
            rate,
            inside,
            row.ref,
        )
    )
    if inside:
        for w in works:
            if w.kind is RegimeKind.IMPORT:
                w.tax = ZERO
        ctx.note(
            f"Import tax of {row.currency} {converted} is within the minimum of "
            f"{row.currency} {row.amount} and is not collected ({row.source})."
        )


def _regime_code(dest: Jurisdiction, kind: RegimeKind) -> str:
    prefix = {"EU": EU_GROUP, "GB": "UK"}.get(dest.regime_family, dest.country)
    return f"{prefix}_{kind.value}"


def quote(
    consignment: Consignment, rules: RuleSet, *, sales_tax: SalesTaxProvider | None = None
) -> TaxQuote:
    """What tax and duty ``consignment`` owes, line by line, and why."""
    dest = _validate(consignment, rules)
    c = consignment
    ctx = _Context(c, rules, dest)
    works = [_Work(line) for line in c.lines]
    shipping = c.shipping.amount if c.shipping is not None else ZERO
    insurance = c.insurance.amount if c.insurance is not None else ZERO
    charges = shipping + insurance
    for w, share in zip(
        works, allocate(charges, [w.net for w in works], ctx.exponent), strict=True
    ):
        w.charges = share
    goods = sum((w.net for w in works), ZERO)
    hidden_transport = not c.transport_shown_separately
    ctx.intrinsic = goods + (charges if hidden_transport else ZERO)
    cif = dest.duty_valuation == "CIF" or hidden_transport
    ctx.customs_value = goods + (charges if cif else ZERO)
    for w in works:
        w.customs_value = w.net + (w.charges if cif else ZERO)
    vat = _vat_id(ctx)
    family = dest.regime_family
    same_country = c.origin_country == dest.country
    if family == "US":
        _us(ctx, works, sales_tax)
    elif same_country:
        _domestic(ctx, works, vat)
    elif family == "EU":
        _eu(ctx, works, vat)
    elif family == "GB":
        _gb(ctx, works, vat)
    elif family == "NO":
        _no(ctx, works, vat)
    elif family == "CA":
        _ca(ctx, works, vat)
    else:  # AU, LVG (NZ, SG, MY), CH and plain importers
        _low_value_or_import(ctx, works, vat)
    _round_taxes(ctx, works)
    _tax_amount_minimum(ctx, works)
    if any(w.line.tax_class == "exempt" for w in works):
        ctx.note("Exempt goods: no tax is charged on them.")
    return _build(ctx, works, vat)


def _build(ctx: _Context, works: list[_Work], vat: VatIdCheck | None) -> TaxQuote:
    c = ctx.c
    cur = ctx.money_currency  # a Currency object: Money skips the registry lookup
    lines = []
    regimes: list[str] = []
    codes: dict[RegimeKind, str] = {}
    duty_codes = {
        DutyRegime.TARIFF: f"{ctx.dest.customs_territory}_DUTY",
        DutyRegime.FLAT_PER_SUBHEADING: "EU_LOW_VALUE_DUTY",
    }
    net = charges = tax = duty = checkout = delivery = ZERO
    for w in works:
        code = codes.get(w.kind)
        if code is None:
            code = codes[w.kind] = _regime_code(ctx.dest, w.kind)
        if code not in regimes:
            regimes.append(code)
        duty_code = duty_codes.get(w.duty_regime)
        if duty_code is not None and duty_code not in regimes:
            regimes.append(duty_code)
        net += w.net
        charges += w.charges
        tax += w.tax
        duty += w.duty
        if w.tax_at_checkout:
            checkout += w.tax
        else:
            delivery += w.tax
        if w.duty_at_checkout:
            checkout += w.duty
        else:
            delivery += w.duty
        lines.append(
            LineTax(
                sku=w.line.sku,
                hs_code=w.line.hs_code,
                tax_class=w.line.tax_class,
                quantity=w.line.quantity,
                net=Money(w.net, cur),
                charges=Money(w.charges, cur),
                customs_value=Money(w.customs_value, cur),
                duty=Money(w.duty, cur),
                duty_rate=w.duty_rate,
                duty_regime=w.duty_regime,
                duty_rule=w.duty_rule,
                tax_base=Money(w.tax_base, cur),
                tax_rate=w.rate.rate,
                tax=Money(w.tax, cur),
                regime=code,
                regime_kind=w.kind,
                tax_rules=w.tax_refs,
                tax_at_checkout=w.tax_at_checkout,
                duty_at_checkout=w.duty_at_checkout,
            )
        )
    if delivery:
        ctx.note(
            f"DAP: {ctx.currency} {delivery} in import tax and duty will be collected by the "
            f"carrier on delivery."
        )
    return TaxQuote(
        currency=ctx.currency,
        origin_country=c.origin_country,
        destination_country=c.destination_country,
        destination_region=c.destination_region,
        at=c.at,
        tax_date=ctx.day(ctx.dest.country),
        duties_mode=c.duties_mode,
        lines=tuple(lines),
        net=Money(net, cur),
        charges=Money(charges, cur),
        tax=Money(tax, cur),
        duty=Money(duty, cur),
        collected_at_checkout=Money(checkout, cur),
        due_on_delivery=Money(delivery, cur),
        regimes=tuple(regimes),
        b2b=vat is not None and vat.usable,
        vat_id=vat,
        thresholds=tuple(ctx.checks),
        notes=tuple(ctx.notes),
    )


# --- prices shoppers see -----------------------------------------------------------------


def shopper_rate(
    rules: RuleSet,
    origin_country: str,
    destination_country: str,
    tax_class: str,
    at: datetime,
    *,
    destination_region: str = "",
    eu_distance_sales_over_threshold: bool = True,
) -> ResolvedRate:
    """The consumption-tax rate a consumer in the destination pays on one item of
    ``tax_class`` shipped from ``origin_country``: the rate the checkout will apply."""
    if tax_class not in TAX_CLASSES:
        raise TaxInputError("tax_class", f"{tax_class!r} is not one of {', '.join(TAX_CLASSES)}")
    dest = rules.jurisdiction(destination_country)
    if rules.regions(dest.country) and not destination_region:
        raise TaxInputError(
            "destination_region", f"a state or province is required for {dest.name}"
        )
    if at.tzinfo is None:
        raise TaxInputError("at", "must be a timezone-aware datetime")
    rate_country = dest.country
    if (
        rules.is_eu(origin_country)
        and rules.is_eu(dest.country)
        and origin_country != dest.country
        and not eu_distance_sales_over_threshold
    ):
        rate_country = rules.jurisdiction(origin_country, "origin_country").country
    components = BORDER_COMPONENTS_CA if dest.country == "CA" and origin_country != "CA" else None
    region = destination_region if rate_country == dest.country else ""
    zone = rules.jurisdictions[rate_country].timezone
    return rules.rate(rate_country, region, tax_class, at.astimezone(zone).date(), components)
