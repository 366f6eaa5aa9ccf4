"""Admin for the tax rule tables: searchable by place, source and HS code; filterable by
class, component and whether a rule is in force today."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tradewind.tax.models import DatedRule, DutyRate, Jurisdiction, TaxRate, Threshold


class InForceFilter(admin.SimpleListFilter):
    title = "in force"
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("now", "In force today"), ("past", "Ended"), ("future", "Starts later")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[DatedRule]) -> QuerySet[DatedRule]:
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.filter(effective_from__lte=today).filter(
                Q(effective_to__isnull=True) | Q(effective_to__gte=today)
            )
        if self.value() == "past":
            return queryset.filter(effective_to__lt=today)
        if self.value() == "future":
            return queryset.filter(effective_from__gt=today)
        return queryset


DATED_FIELDS = ("effective_from", "effective_to", "source", "note", "updated_at")


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("country", "name", "currency", "regime_family", "customs_territory", "timezone")
    list_filter = ("regime_family", "customs_territory", "rounding")
    search_fields = ("country", "name", "timezone", "source")
    readonly_fields = ("updated_at",)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = (
        "country",
        "region",
        "tax_class",
        "component",
        "rate",
        "effective_from",
        "effective_to",
        "source",
    )
    list_filter = (InForceFilter, "tax_class", "component", "country")
    search_fields = ("country", "region", "component", "source", "note")
    date_hierarchy = "effective_from"
    readonly_fields = ("updated_at",)
    fields = (
        ("country", "region"),
        ("tax_class", "component"),
        "rate",
        ("base_numerator", "base_denominator"),
        *DATED_FIELDS,
    )


@admin.register(DutyRate)
class DutyRateAdmin(admin.ModelAdmin):
    list_display = (
        "territory",
        "hs_prefix",
        "origin",
        "rate",
        "per_unit_amount",
        "per_unit_currency",
        "effective_from",
        "effective_to",
    )
    list_filter = (InForceFilter, "territory", "origin")
    search_fields = ("=territory", "hs_prefix", "origin", "source", "note")
    readonly_fields = ("updated_at",)
    fields = (
        ("territory", "hs_prefix", "origin"),
        "rate",
        ("per_unit_amount", "per_unit_currency"),
        *DATED_FIELDS,
    )


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = (
        "territory",
        "key",
        "origin",
        "amount",
        "currency",
        "inclusive",
        "basis",
        "effective_from",
        "effective_to",
    )
    list_filter = (InForceFilter, "key", "territory", "basis")
    search_fields = ("territory", "key", "origin", "source", "note")
    readonly_fields = ("updated_at",)
    fields = (
        ("key", "territory", "origin"),
        ("amount", "currency", "inclusive"),
        "basis",
        *DATED_FIELDS,
    )
