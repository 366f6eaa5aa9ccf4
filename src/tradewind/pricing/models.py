"""Prices per market that win over automatic conversion."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from tradewind.catalog.models import Variant
from tradewind.core.money import minor_unit
from tradewind.markets.models import Market


class PriceOverride(models.Model):
    """A fixed price for one variant in one market, in that market's currency."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_overrides")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="price_overrides")
    amount = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    compare_at_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "market"], name="price_override_once")
        ]

    def __str__(self) -> str:
        return f"{self.variant} in {self.market}: {self.amount}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.market_id is not None:
            currency = self.market.currency
            unit = minor_unit(currency)
            for name in ("amount", "compare_at_amount"):
                value = getattr(self, name)
                if value is not None and value % unit:
                    errors[name] = f"{currency} prices have no unit smaller than {unit}."
        if (
            self.amount is not None
            and self.compare_at_amount is not None
            and self.compare_at_amount < self.amount
        ):
            errors["compare_at_amount"] = "A compare-at price must not be below the price."
        if errors:
            raise ValidationError(errors)
