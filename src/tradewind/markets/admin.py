"""Admin for markets, their countries and exchange rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pycountry
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from tradewind.markets import fx
from tradewind.markets.models import FxRate, Market, MarketCountry, PaymentMethod
from tradewind.markets.returns import return_days_problem
from tradewind.markets.services import base_rate_of, import_ecb_rates, with_rates_in_force

# The full ECB history since 1999 is about 7 MB; anything far larger is not a rates file.
MAX_RATES_UPLOAD = 32 * 1024 * 1024


def language_choices() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in settings.LANGUAGES]


def country_choices() -> list[tuple[str, str]]:
    countries = sorted(pycountry.countries, key=lambda c: c.name)
    return [("", "---------"), *((c.alpha_2, f"{c.name} ({c.alpha_2})") for c in countries)]


class MarketForm(forms.ModelForm):
    default_language = forms.ChoiceField(choices=language_choices)
    languages = forms.MultipleChoiceField(
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Alternate languages shoppers may switch to.",
    )
    payment_methods = forms.MultipleChoiceField(
        choices=PaymentMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Market
        fields = [
            "name",
            "code",
            "subfolder",
            "is_active",
            "default_language",
            "languages",
            "units",
            "currency",
            "price_adjustment_percent",
            "rounding_increment",
            "price_ending",
            "tax_display",
            "duties_mode",
            "payment_methods",
            "statutory_return_days",
            "merchant_return_days",
        ]
        widgets = {"currency": forms.TextInput(attrs={"size": 4, "maxlength": 3})}


class MarketCountryForm(forms.ModelForm):
    country = forms.ChoiceField(choices=country_choices)

    class Meta:
        model = MarketCountry
        fields = ["country"]


class MarketCountryFormSet(BaseInlineFormSet):
    """Checks the market's statutory return days against the countries being saved.

    The check lives here because only the formset sees the countries as submitted,
    together with the market's new values (``self.instance``).
    """

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        countries = [
            form.cleaned_data["country"]
            for form in self.forms
            if form.cleaned_data.get("country") and not form.cleaned_data.get("DELETE")
        ]
        problem = return_days_problem(self.instance.statutory_return_days, countries)
        if problem:
            raise ValidationError(problem)


class MarketCountryInline(admin.TabularInline):
    model = MarketCountry
    form = MarketCountryForm
    formset = MarketCountryFormSet
    extra = 1


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    form = MarketForm
    inlines = [MarketCountryInline]
    list_display = [
        "name",
        "code",
        "currency",
        "fx_rate",
        "country_list",
        "default_language",
        "tax_display",
        "duties_mode",
        "return_days",
        "is_active",
    ]
    list_filter = ["is_active", "currency", "tax_display", "duties_mode", "units"]
    search_fields = ["code", "name", "currency", "countries__country"]
    prepopulated_fields = {"code": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "code", "subfolder", "is_active"]}),
        ("Language", {"fields": ["default_language", "languages", "units"]}),
        (
            "Prices",
            {
                "fields": [
                    "currency",
                    "price_adjustment_percent",
                    "rounding_increment",
                    "price_ending",
                    "tax_display",
                    "duties_mode",
                ]
            },
        ),
        ("Payment", {"fields": ["payment_methods"]}),
        ("Returns", {"fields": ["statutory_return_days", "merchant_return_days"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Market]:
        markets = super().get_queryset(request).prefetch_related("countries")
        return with_rates_in_force(markets)

    @admin.display(description="FX rate")
    def fx_rate(self, market: Market) -> str:
        base = settings.TRADEWIND_BASE_CURRENCY
        if market.currency == base:
            return "base currency"
        rate = base_rate_of(market)
        if rate is None:
            return format_html('<strong style="color:#ba2121">{}</strong>', "missing")
        return f"1 {base} = {_short(rate)} {market.currency}"

    @admin.display(description="Countries")
    def country_list(self, market: Market) -> str:
        return ", ".join(c.country for c in market.countries.all())

    @admin.display(description="Return days")
    def return_days(self, market: Market) -> int:
        return market.return_days


def _short(rate: Decimal) -> str:
    """A rate as people read it: at most six decimals, no trailing zeros."""
    return format(rate.quantize(Decimal("0.000001")).normalize(), "f")


@admin.register(MarketCountry)
class MarketCountryAdmin(admin.ModelAdmin):
    form = MarketCountryForm
    list_display = ["country", "country_name", "market"]
    list_filter = ["market"]
    search_fields = ["country", "market__name", "market__code"]
    list_select_related = ["market"]
    fields = ["market", "country"]

    @admin.display(description="Name")
    def country_name(self, row: MarketCountry) -> str:
        found = pycountry.countries.get(alpha_2=row.country)
        return found.name if found else ""


class EcbUploadForm(forms.Form):
    file = forms.FileField(
        label="ECB rates file",
        help_text="eurofxref-daily.xml, eurofxref-hist-90d.xml or eurofxref-hist.xml "
        "as published by the European Central Bank.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RATES_UPLOAD:
            raise ValidationError("This file is too large to be an ECB rates file.")
        content: bytes = upload.read()
        return content


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate_column", "effective_at", "source", "note", "created_by"]
    list_filter = ["source", "currency"]
    search_fields = ["currency", "note"]
    date_hierarchy = "effective_at"
    list_select_related = ["created_by"]
    readonly_fields = ["source", "created_by", "created_at"]
    fields = ["currency", "rate", "effective_at", "note", *readonly_fields]

    @admin.display(description="Rate per EUR", ordering="rate")
    def rate_column(self, rate: FxRate) -> str:
        return rate.rate_shown

    def save_model(self, request: HttpRequest, obj: FxRate, form: Any, change: bool) -> None:
        # A rate typed in by staff is theirs, even where it corrects an imported one.
        if not change or "rate" in form.changed_data:
            obj.source = FxRate.Source.MANUAL
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_ecb_view)
        return [path("import-ecb/", view, name="markets_fxrate_import_ecb"), *super().get_urls()]

    def import_ecb_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = EcbUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_ecb_rates(form.cleaned_data["file"])
            except fx.FxFormatError as exc:
                form.add_error("file", f"This is not an ECB rates file: {exc}.")
            else:
                self.message_user(request, result.summary(), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:markets_fxrate_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Import ECB reference rates",
        }
        return TemplateResponse(request, "admin/markets/fxrate/import_ecb.html", context)
