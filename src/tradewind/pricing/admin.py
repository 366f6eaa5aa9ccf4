"""Admin for fixed market prices."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin

from tradewind.core.money import Money, format_money
from tradewind.pricing.models import PriceOverride


@admin.register(PriceOverride)
class PriceOverrideAdmin(admin.ModelAdmin):
    list_display = ["variant", "product", "market", "price", "compare_at", "updated_at"]
    list_filter = ["market", "market__currency"]
    search_fields = ["variant__sku", "variant__product__name", "market__code", "market__name"]
    list_select_related = ["variant__product", "market"]
    autocomplete_fields = ["variant", "market"]
    readonly_fields = ["updated_at"]

    @admin.display(description="Product", ordering="variant__product__name")
    def product(self, override: PriceOverride) -> str:
        return override.variant.product.name

    @admin.display(description="Price", ordering="amount")
    def price(self, override: PriceOverride) -> str:
        return _shown(override.amount, override)

    @admin.display(description="Compare at", ordering="compare_at_amount")
    def compare_at(self, override: PriceOverride) -> str:
        if override.compare_at_amount is None:
            return ""
        return _shown(override.compare_at_amount, override)


def _shown(amount: Decimal, override: PriceOverride) -> str:
    """The amount as shoppers of the market see it."""
    market = override.market
    return format_money(Money(amount, market.currency), market.default_language)
