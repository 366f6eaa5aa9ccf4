"""Tax rules as rows with dates and sources: jurisdictions, rates, duty rates, thresholds.

A change in the law is a new row with a new ``effective_from`` (and the old row closed
with ``effective_to``), never a code change; quotes name the row they used by its id.
"""

from __future__ import annotations

from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models

from tradewind.catalog.models import TaxClass
from tradewind.markets.validators import validate_country, validate_currency
from tradewind.tax import rules

code2_validator = RegexValidator(
    r"^[A-Z]{2}$", "Use a two-letter upper-case code, e.g. 'DE' or 'EU'."
)
region_validator = RegexValidator(r"^[A-Z]{0,3}$", "Use the upper-case state or province code.")
hs_prefix_validator = RegexValidator(r"^\d{0,10}$", "Up to 10 digits, without dots; empty = any.")
component_validator = RegexValidator(r"^[A-Z]{2,8}$", "An upper-case name such as VAT, GST, PST.")


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"'{value}' is not an IANA time zone such as Europe/Berlin."
        ) from None


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Jurisdiction(models.Model):
    """A country taxes are quoted for, with the settings its law fixes."""

    country = models.CharField(max_length=2, unique=True, validators=[validate_country])
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="Legal time in which rule dates are read, e.g. Europe/Tallinn.",
    )
    customs_territory = models.CharField(
        max_length=2, validators=[code2_validator], help_text="'EU' for EU member states."
    )
    regime_family = models.CharField(max_length=8, choices=_choices(rules.REGIME_FAMILIES))
    duty_valuation = models.CharField(
        max_length=3, choices=_choices(rules.VALUATIONS), help_text="Customs value basis."
    )
    import_tax_valuation = models.CharField(
        max_length=3,
        choices=_choices(rules.VALUATIONS),
        help_text="Whether import tax is charged on transport and insurance too.",
    )
    rounding = models.CharField(max_length=8, choices=_choices(rules.ROUNDINGS), default="line")
    source = models.CharField(max_length=500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class DatedRule(models.Model):
    """A rule in force from ``effective_from`` to ``effective_to`` (inclusive; empty = open)."""

    effective_from = models.DateField(db_index=True)
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=600, help_text="Law, regulation or official page.")
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Rows with the same values here must not be in force on the same day.
    period_key: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "The rule cannot end before it starts."})
        if self.effective_from:
            self._check_overlap()

    def _check_overlap(self) -> None:
        same_key: dict[str, Any] = {field: getattr(self, field) for field in self.period_key}
        others = type(self)._default_manager.filter(**same_key).exclude(pk=self.pk)
        if self.effective_to:
            others = others.filter(effective_from__lte=self.effective_to)
        clash = others.filter(
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=self.effective_from)
        ).first()
        if clash is not None:
            until = clash.effective_to or "open end"
            raise ValidationError(
                {
                    "effective_from": (
                        f"Overlaps the rule in force {clash.effective_from} to {until}; close "
                        f"that rule (set its end date) before adding this one."
                    )
                }
            )


class TaxRate(DatedRule):
    country = models.CharField(max_length=2, validators=[validate_country])
    region = models.CharField(
        max_length=3, blank=True, validators=[region_validator], help_text="US state, CA province."
    )
    tax_class = models.CharField(max_length=10, choices=TaxClass.choices)
    component = models.CharField(
        max_length=8,
        validators=[component_validator],
        help_text="VAT, GST, HST, PST, QST, SALES ...; components of a place add up.",
    )
    rate = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent.",
    )
    base_numerator = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Taxable base fraction, e.g. 11"
    )
    base_denominator = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="... over 12 for Indonesia."
    )

    period_key = ("country", "region", "tax_class", "component")

    class Meta:
        ordering = ["country", "region", "tax_class", "component", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "region", "tax_class", "component", "effective_from"],
                name="tax_rate_unique_start",
            )
        ]
        indexes = [models.Index(fields=["country", "region", "tax_class"])]

    def __str__(self) -> str:
        place = f"{self.country}-{self.region}" if self.region else self.country
        return f"{place} {self.tax_class} {self.component} {self.rate}% from {self.effective_from}"

    def clean(self) -> None:
        if (
            self.base_numerator
            and self.base_denominator
            and (self.base_numerator > self.base_denominator)
        ):
            raise ValidationError({"base_numerator": "The taxable base cannot exceed the price."})
        if self.country and not Jurisdiction.objects.filter(country=self.country).exists():
            raise ValidationError({"country": "Add the jurisdiction before its rates."})
        super().clean()


class DutyRate(DatedRule):
    territory = models.CharField(
        max_length=2, validators=[code2_validator], help_text="Customs territory: EU, GB, US ..."
    )
    hs_prefix = models.CharField(
        max_length=10,
        blank=True,
        validators=[hs_prefix_validator],
        help_text="HS chapter, heading or sub-heading digits; the longest match wins.",
    )
    origin = models.CharField(
        max_length=2,
        blank=True,
        validators=[code2_validator],
        help_text="Goods' origin for a preference (or EU); empty = any origin.",
    )
    rate = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text="Percent of the customs value.",
    )
    per_unit_amount = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Fixed charge per unit (e.g. per pair), added to the ad valorem duty.",
    )
    per_unit_currency = models.CharField(max_length=3, blank=True)

    period_key = ("territory", "hs_prefix", "origin")

    class Meta:
        ordering = ["territory", "hs_prefix", "origin", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "hs_prefix", "origin", "effective_from"],
                name="duty_rate_unique_start",
            )
        ]

    def __str__(self) -> str:
        origin = f" from {self.origin}" if self.origin else ""
        return f"{self.territory} {self.hs_prefix or '*'}{origin}: {self.rate}%"

    def clean(self) -> None:
        if self.per_unit_amount and not self.per_unit_currency:
            raise ValidationError(
                {"per_unit_currency": "Give the currency of the per-unit charge."}
            )
        if self.per_unit_currency:
            validate_currency(self.per_unit_currency)
        super().clean()


class Threshold(DatedRule):
    key = models.CharField(max_length=32, choices=_choices(rules.THRESHOLD_KEYS))
    territory = models.CharField(
        max_length=2, validators=[code2_validator], help_text="Country, or EU for the union."
    )
    origin = models.CharField(
        max_length=2, blank=True, validators=[code2_validator], help_text="Empty = any origin."
    )
    amount = models.DecimalField(max_digits=14, decimal_places=4, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, validators=[validate_currency])
    inclusive = models.BooleanField(
        default=True, help_text="Checked: 'not exceeding' (≤). Unchecked: 'below' (<)."
    )
    basis = models.CharField(max_length=16, choices=_choices(rules.THRESHOLD_BASES))

    period_key = ("key", "territory", "origin")

    class Meta:
        ordering = ["territory", "key", "origin", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "territory", "origin", "effective_from"],
                name="threshold_unique_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.territory} {self.key}: {self.amount} {self.currency}"
