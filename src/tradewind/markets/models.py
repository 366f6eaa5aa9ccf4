"""Markets: a group of countries sold to with one currency, languages and local rules."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from tradewind.core.money import is_currency, minor_unit
from tradewind.markets.rounding import RoundingError, default_rule, rule_for
from tradewind.markets.validators import (
    validate_country,
    validate_currency,
    validate_language,
    validate_language_list,
    validate_payment_methods,
)


class TaxDisplay(models.TextChoices):
    INCLUSIVE = "inclusive", "Prices include tax"
    EXCLUSIVE = "exclusive", "Tax added at checkout"


class DutiesMode(models.TextChoices):
    DDP = "DDP", "DDP: duties collected at checkout"
    DAP = "DAP", "DAP: buyer pays duties on delivery"


class Units(models.TextChoices):
    METRIC = "metric", "Metric (kg, cm)"
    IMPERIAL = "imperial", "Imperial (lb, in)"


class PaymentMethod(models.TextChoices):
    CARD = "card", "Card"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CASH_ON_DELIVERY = "cod", "Cash on delivery"
    PAYPAL = "paypal", "PayPal"
    APPLE_PAY = "apple_pay", "Apple Pay"
    GOOGLE_PAY = "google_pay", "Google Pay"
    KLARNA = "klarna", "Klarna"
    IDEAL = "ideal", "iDEAL"
    SOFORT = "sofort", "Sofort"
    KONBINI = "konbini", "Konbini"
    GRABPAY = "grabpay", "GrabPay"
    PAYNOW = "paynow", "PayNow"
    MADA = "mada", "mada"


class Market(models.Model):
    code = models.SlugField(max_length=32, unique=True, help_text="Short stable id, e.g. 'eu'.")
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    default_language = models.CharField(max_length=10, validators=[validate_language])
    languages = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_language_list],
        help_text="Alternate languages shoppers may switch to.",
    )
    tax_display = models.CharField(
        max_length=10, choices=TaxDisplay.choices, default=TaxDisplay.INCLUSIVE
    )
    duties_mode = models.CharField(max_length=3, choices=DutiesMode.choices, default=DutiesMode.DDP)
    payment_methods = models.JSONField(
        default=list, blank=True, validators=[validate_payment_methods]
    )
    statutory_return_days = models.PositiveSmallIntegerField(
        default=0, help_text="Withdrawal period the law gives (EU/UK: 14 days from delivery)."
    )
    merchant_return_days = models.PositiveSmallIntegerField(
        default=0, help_text="The brand's own return policy; the longer of the two applies."
    )
    units = models.CharField(max_length=8, choices=Units.choices, default=Units.METRIC)
    subfolder = models.CharField(
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2}(-[a-z]{2})?$", "Use a form like 'de-de'.")],
        help_text="Web presence as a URL subfolder, e.g. 'de-de' for /de-de/.",
    )
    price_adjustment_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("500"))],
        help_text="Added to converted base prices, e.g. 5 for +5%.",
    )
    rounding_increment = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="Round converted prices up to steps of this size; empty = currency default.",
    )
    price_ending = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Charm ending within each step, e.g. 0.99 or 0.95; empty = currency default.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    @property
    def return_days(self) -> int:
        return max(self.statutory_return_days, self.merchant_return_days)

    @property
    def all_languages(self) -> list[str]:
        return [
            self.default_language,
            *(lang for lang in self.languages if lang != self.default_language),
        ]

    def clean(self) -> None:
        super().clean()
        self.currency = self.currency.upper()
        errors = self._rounding_errors()
        if self.merchant_return_days and self.merchant_return_days < self.statutory_return_days:
            errors["merchant_return_days"] = (
                f"A merchant policy cannot be shorter than the statutory withdrawal period "
                f"({self.statutory_return_days} days)."
            )
        if is_currency(self.currency):
            from tradewind.markets.services import missing_rate_message

            message = missing_rate_message(self.currency)
            if message:
                errors["currency"] = message
        if errors:
            raise ValidationError(errors)

    def _rounding_errors(self) -> dict[str, str]:
        if not is_currency(self.currency):
            return {}
        unit = minor_unit(self.currency)
        errors = {
            name: f"{self.currency} prices have no unit smaller than {unit}."
            for name, value in (
                ("rounding_increment", self.rounding_increment),
                ("price_ending", self.price_ending),
            )
            if value is not None and value % unit
        }
        if not errors:
            try:
                rule_for(self.currency, self.rounding_increment, self.price_ending)
            except RoundingError:
                step = self.rounding_increment or default_rule(self.currency).increment
                errors["price_ending"] = (
                    f"The price ending must be smaller than the rounding step ({step})."
                )
        return errors


class MarketCountry(models.Model):
    """A country sold to through one market (a country belongs to at most one market)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(max_length=2, unique=True, validators=[validate_country])

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "market countries"

    def __str__(self) -> str:
        return self.country


FX_BASE = "EUR"


class FxRate(models.Model):
    """Units of ``currency`` per one euro from ``effective_at`` on.

    Every rate is quoted against the euro, as the ECB publishes them, so any pair of
    currencies converts through one cross rate.
    """

    class Source(models.TextChoices):
        ECB = "ecb", "European Central Bank reference rate"
        MANUAL = "manual", "Entered by staff"

    currency = models.CharField(max_length=3, validators=[validate_currency])
    rate = models.DecimalField(
        max_digits=20,
        decimal_places=10,
        validators=[MinValueValidator(Decimal("0.0000000001"))],
        help_text="Units of this currency per 1 EUR.",
    )
    effective_at = models.DateTimeField(
        db_index=True, help_text="The rate applies to prices from this moment on."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["currency", "-effective_at"]
        verbose_name = "FX rate"
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_at"], name="fx_rate_unique_moment"
            ),
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate_shown} {self.currency} from {self.effective_at:%Y-%m-%d %H:%M}"

    @property
    def rate_shown(self) -> str:
        """The rate as published (1.088), without the ten stored decimals."""
        return format(self.rate.normalize(), "f")

    def clean(self) -> None:
        super().clean()
        self.currency = self.currency.upper()
        if self.currency == FX_BASE:
            raise ValidationError({"currency": "Rates are quoted per euro; EUR needs none."})
