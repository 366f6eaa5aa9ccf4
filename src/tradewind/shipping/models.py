"""Shipping zones per market, the methods offered in them and their rate cards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from tradewind.core.money import minor_unit
from tradewind.markets.validators import validate_country
from tradewind.shipping.eta import DEFAULT_CUTOFF
from tradewind.shipping.rates import Bracket, RateCard, RateKind, card_problems

MONEY = {"max_digits": 14, "decimal_places": 4}


class ShippingZone(models.Model):
    """Countries of one market that share shipping methods.

    A country listed by a zone gets that zone's methods; a zone listing no country covers
    every country of the market that no other zone lists.
    """

    market = models.ForeignKey(
        "markets.Market", on_delete=models.CASCADE, related_name="shipping_zones"
    )
    name = models.CharField(max_length=100)
    countries = models.JSONField(
        default=list,
        blank=True,
        help_text="ISO country codes of the market; empty = the rest of the market.",
    )

    class Meta:
        ordering = ["market", "name"]
        constraints = [
            models.UniqueConstraint(fields=["market", "name"], name="shipping_zone_name_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.market.code})"

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.countries, list) or not all(
            isinstance(c, str) for c in self.countries
        ):
            raise ValidationError({"countries": "Give a list of ISO country codes."})
        self.countries = [c.strip().upper() for c in self.countries]
        if self.market_id is None:
            return
        message = self._countries_problem()
        if message:
            raise ValidationError({"countries": message})

    def _countries_problem(self) -> str | None:
        for code in self.countries:
            try:
                validate_country(code)
            except ValidationError:
                return f"'{code}' is not an ISO 3166-1 alpha-2 country code."
        repeated = sorted({c for c in self.countries if self.countries.count(c) > 1})
        if repeated:
            return f"Listed more than once: {', '.join(repeated)}."
        in_market = set(self.market.countries.values_list("country", flat=True))
        outside = [c for c in self.countries if c not in in_market]
        if outside:
            return (
                f"Not countries of the market {self.market.name}: {', '.join(outside)} "
                f"(it sells to {', '.join(sorted(in_market)) or 'no country yet'})."
            )
        others = ShippingZone.objects.filter(market_id=self.market_id).exclude(pk=self.pk)
        for other in others:
            if not self.countries and not other.countries:
                return f"The zone '{other.name}' already covers the rest of the market."
            taken = sorted(set(self.countries) & set(other.countries))
            if taken:
                return f"Already in the zone '{other.name}': {', '.join(taken)}."
        return None


class ServiceLevel(models.TextChoices):
    ECONOMY = "economy", "Economy"
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"


class RateType(models.TextChoices):
    FLAT = RateKind.FLAT.value, "Flat price"
    WEIGHT = RateKind.WEIGHT.value, "By weight"
    FREE_OVER = RateKind.FREE_OVER.value, "Free over a subtotal"


class ShippingMethod(models.Model):
    """A carrier service offered in a zone, with its price and usual transit time."""

    zone = models.ForeignKey(ShippingZone, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(max_length=100, help_text="As shoppers see it, e.g. 'Express'.")
    carrier = models.CharField(max_length=50, help_text="e.g. DHL, UPS, Royal Mail.")
    service_level = models.CharField(
        max_length=10, choices=ServiceLevel.choices, default=ServiceLevel.STANDARD
    )
    rate_type = models.CharField(max_length=10, choices=RateType.choices, default=RateType.FLAT)
    flat_price = models.DecimalField(
        **MONEY,  # type: ignore[arg-type]
        null=True,
        blank=True,
        help_text="In the market's currency. For a free-over rate: the price below it.",
    )
    free_over = models.DecimalField(
        **MONEY,  # type: ignore[arg-type]
        null=True,
        blank=True,
        help_text="Subtotal (market currency) from which shipping is free.",
    )
    default_min_days = models.PositiveSmallIntegerField(
        default=2, help_text="Business days in transit when no origin country matches."
    )
    default_max_days = models.PositiveSmallIntegerField(default=5)
    dispatch_cutoff = models.TimeField(
        default=DEFAULT_CUTOFF,
        help_text="Warehouse local time; orders ready later ship the next business day.",
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["zone", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_min_days__lte=models.F("default_max_days")),
                name="shipping_method_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.carrier})"

    def rate_card(self, brackets: list[WeightBracket]) -> RateCard:
        return RateCard(
            kind=RateKind(self.rate_type),
            flat_price=self.flat_price,
            free_over=self.free_over,
            brackets=tuple(Bracket(b.up_to_grams, b.price) for b in brackets),
        )

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.default_min_days > self.default_max_days:
            errors["default_max_days"] = (
                f"Cannot be below the minimum ({self.default_min_days} business days)."
            )
        if self.rate_type in RateType.values:
            errors.update(card_problems(self.rate_card([]), brackets_known=False))
        if self.zone_id is not None:
            errors.update(
                _minor_unit_errors(
                    self.zone.market.currency,
                    {"flat_price": self.flat_price, "free_over": self.free_over},
                )
            )
        if errors:
            raise ValidationError(errors)


class WeightBracket(models.Model):
    """Parcels up to ``up_to_grams`` (inclusive) ship at ``price``."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="brackets")
    up_to_grams = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price = models.DecimalField(
        **MONEY,  # type: ignore[arg-type]
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        ordering = ["method", "up_to_grams"]
        constraints = [
            models.UniqueConstraint(fields=["method", "up_to_grams"], name="weight_bracket_once")
        ]

    def __str__(self) -> str:
        return f"up to {self.up_to_grams} g: {self.price}"

    def clean(self) -> None:
        super().clean()
        if self.method_id is not None and self.method.zone_id is not None:
            errors = _minor_unit_errors(self.method.zone.market.currency, {"price": self.price})
            if errors:
                raise ValidationError(errors)


class TransitTime(models.Model):
    """Business days in transit when the parcel leaves from ``origin_country``."""

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="transit_times"
    )
    origin_country = models.CharField(max_length=2, validators=[validate_country])
    min_days = models.PositiveSmallIntegerField()
    max_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["method", "origin_country"]
        constraints = [
            models.UniqueConstraint(fields=["method", "origin_country"], name="transit_time_once"),
            models.CheckConstraint(
                condition=models.Q(min_days__lte=models.F("max_days")),
                name="transit_time_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return f"from {self.origin_country}: {self.min_days}-{self.max_days} business days"

    def clean(self) -> None:
        super().clean()
        self.origin_country = (self.origin_country or "").upper()
        if (
            self.min_days is not None
            and self.max_days is not None
            and self.min_days > self.max_days
        ):
            raise ValidationError(
                {"max_days": f"Cannot be below the minimum ({self.min_days} business days)."}
            )


def _minor_unit_errors(currency: str, values: dict[str, Any]) -> dict[str, str]:
    unit = minor_unit(currency)
    return {
        name: f"{currency} prices have no unit smaller than {unit}."
        for name, value in values.items()
        if value is not None and value % unit
    }
