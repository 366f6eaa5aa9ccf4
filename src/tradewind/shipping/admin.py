"""Admin for shipping zones, their methods, weight brackets and transit times."""

from __future__ import annotations

from dataclasses import replace

import pycountry
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from tradewind.core.money import Money, format_money
from tradewind.shipping.models import (
    RateType,
    ShippingMethod,
    ShippingZone,
    TransitTime,
    WeightBracket,
)
from tradewind.shipping.rates import Bracket, card_problems


def _country_choices() -> list[tuple[str, str]]:
    countries = sorted(pycountry.countries, key=lambda c: c.name)
    return [(c.alpha_2, f"{c.name} ({c.alpha_2})") for c in countries]


class ShippingZoneForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        choices=_country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Countries of the market in this zone; none = the rest of the market.",
    )

    class Meta:
        model = ShippingZone
        fields = ["market", "name", "countries"]


class ShippingMethodInline(admin.TabularInline):
    model = ShippingMethod
    extra = 0
    show_change_link = True
    fields = [
        "name",
        "carrier",
        "service_level",
        "rate_type",
        "flat_price",
        "free_over",
        "default_min_days",
        "default_max_days",
        "is_active",
        "position",
    ]


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    form = ShippingZoneForm
    inlines = [ShippingMethodInline]
    list_display = ["name", "market", "country_list", "method_count"]
    list_filter = ["market"]
    search_fields = ["name", "market__code", "market__name"]
    list_select_related = ["market"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShippingZone]:
        return super().get_queryset(request).annotate(method_count=Count("methods"))

    @admin.display(description="Countries")
    def country_list(self, zone: ShippingZone) -> str:
        return ", ".join(zone.countries) or "rest of the market"

    @admin.display(description="Methods", ordering="method_count")
    def method_count(self, zone: ShippingZone) -> int:
        return zone.method_count  # type: ignore[attr-defined]


class WeightBracketFormSet(BaseInlineFormSet):
    """Checks the brackets as submitted, together with the method's new rate settings,
    which only the formset sees at once."""

    def clean(self) -> None:
        super().clean()
        method: ShippingMethod = self.instance
        if any(self.errors) or method.rate_type not in RateType.values:
            return
        brackets = sorted(
            (
                Bracket(form.cleaned_data["up_to_grams"], form.cleaned_data["price"])
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda b: b.up_to_grams,
        )
        card = replace(method.rate_card([]), brackets=tuple(brackets))
        # Problems of the method's own fields are already shown on those fields.
        own = card_problems(card, brackets_known=False).items()
        problems = [
            message for field, message in card_problems(card).items() if (field, message) not in own
        ]
        if problems:
            raise ValidationError(problems)


class WeightBracketInline(admin.TabularInline):
    model = WeightBracket
    formset = WeightBracketFormSet
    extra = 1
    fields = ["up_to_grams", "price"]


class TransitTimeForm(forms.ModelForm):
    origin_country = forms.ChoiceField(choices=_country_choices, label="Ships from")

    class Meta:
        model = TransitTime
        fields = ["origin_country", "min_days", "max_days"]


class TransitTimeInline(admin.TabularInline):
    model = TransitTime
    form = TransitTimeForm
    extra = 1


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    inlines = [WeightBracketInline, TransitTimeInline]
    list_display = [
        "name",
        "zone",
        "market",
        "carrier",
        "service_level",
        "rate_type",
        "price",
        "transit",
        "is_active",
        "position",
    ]
    list_filter = ["zone__market", "carrier", "service_level", "rate_type", "is_active"]
    search_fields = ["name", "carrier", "zone__name", "zone__market__code", "zone__market__name"]
    list_select_related = ["zone__market"]
    fieldsets = [
        (None, {"fields": ["zone", "name", "carrier", "service_level", "is_active", "position"]}),
        ("Rate", {"fields": ["rate_type", "flat_price", "free_over"]}),
        (
            "Transit",
            {
                "fields": ["default_min_days", "default_max_days", "dispatch_cutoff"],
                "description": "Business days in transit from origins without their own row "
                "below; the cutoff is warehouse local time.",
            },
        ),
    ]

    @admin.display(description="Market", ordering="zone__market__name")
    def market(self, method: ShippingMethod) -> str:
        return method.zone.market.code

    @admin.display(description="Price")
    def price(self, method: ShippingMethod) -> str:
        market = method.zone.market

        def shown(amount: object) -> str:
            return format_money(Money(amount, market.currency), market.default_language)

        if method.rate_type == RateType.WEIGHT:
            return "by weight"
        below = shown(method.flat_price) if method.flat_price is not None else "by weight"
        if method.rate_type == RateType.FREE_OVER and method.free_over is not None:
            return f"{below}, free from {shown(method.free_over)}"
        return below

    @admin.display(description="Transit (default)")
    def transit(self, method: ShippingMethod) -> str:
        return f"{method.default_min_days}-{method.default_max_days} business days"
