"""Admin for warehouses and stock.

On-hand counts change only through the stock services, so every change lands in the
movement ledger: the stock form takes units to add or remove with a note, never a new
total typed over the old one. Reservations and movements are records, shown read-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest

from tradewind.inventory import services
from tradewind.inventory.models import (
    MarketAllocationPolicy,
    MarketWarehouse,
    Reservation,
    Stock,
    StockMovement,
    Warehouse,
)
from tradewind.markets.admin import country_choices

LOW_STOCK = 5


class WarehouseForm(forms.ModelForm):
    country = forms.ChoiceField(choices=country_choices)

    class Meta:
        model = Warehouse
        fields = [
            "code",
            "name",
            "kind",
            "country",
            "city",
            "address_line1",
            "address_line2",
            "postal_code",
            "handling_days",
            "is_active",
        ]


class MarketWarehouseInline(admin.TabularInline):
    model = MarketWarehouse
    extra = 0
    autocomplete_fields = ["market"]
    fields = ["market", "priority"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    form = WarehouseForm
    list_display = ["code", "name", "kind", "country", "city", "handling_days", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["code", "name", "city"]
    inlines = [MarketWarehouseInline]


@admin.register(MarketAllocationPolicy)
class MarketAllocationPolicyAdmin(admin.ModelAdmin):
    list_display = ["market", "strategy"]
    autocomplete_fields = ["market"]


class AvailabilityFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "availability"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("out", "Out of stock"),
            ("low", f"Low (≤ {LOW_STOCK} free)"),
            ("in", "In stock"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "out":
                return queryset.filter(free__lte=0)
            case "low":
                return queryset.filter(free__gt=0, free__lte=LOW_STOCK)
            case "in":
                return queryset.filter(free__gt=LOW_STOCK)
        return queryset


class StockForm(forms.ModelForm):
    change_by = forms.IntegerField(
        required=False,
        help_text="Units to add (positive) or remove after a count (negative).",
    )
    note = forms.CharField(required=False, max_length=200, help_text="Why the count changes.")

    class Meta:
        model = Stock
        fields = ["variant", "warehouse"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        change_by = data.get("change_by")
        if self.instance.pk is None:
            if not change_by or change_by < 0:
                self.add_error("change_by", "Give the units arriving in this warehouse.")
        elif change_by is not None and change_by < 0:
            if not data.get("note", "").strip():
                self.add_error("note", "Say why units are removed.")
            free = Stock.objects.get(pk=self.instance.pk).available
            if -change_by > free:
                self.add_error(
                    "change_by", f"Only {free} units are free to remove; the rest are reserved."
                )
        return data


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    form = StockForm
    list_display = ["sku", "product", "warehouse", "on_hand", "allocated", "free"]
    list_filter = [AvailabilityFilter, "warehouse"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "warehouse"]
    autocomplete_fields = ["variant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stock]:
        return super().get_queryset(request).annotate(free=F("on_hand") - F("allocated"))

    def get_fields(self, request: HttpRequest, obj: Stock | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("variant", "warehouse", "change_by", "note")
        return ("variant", "warehouse", "on_hand", "allocated", "change_by", "note")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Stock | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("variant", "warehouse", "on_hand", "allocated")

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, stock: Stock) -> str:
        return stock.variant.sku

    @admin.display(description="Product", ordering="variant__product__name")
    def product(self, stock: Stock) -> str:
        return stock.variant.product.name

    @admin.display(description="Free", ordering="free")
    def free(self, stock: Stock) -> int:
        return stock.available

    def save_model(self, request: HttpRequest, obj: Stock, form: Any, change: bool) -> None:
        change_by = form.cleaned_data.get("change_by")
        note = form.cleaned_data.get("note", "")
        if change_by:
            try:
                if change_by > 0:
                    services.restock(
                        obj.variant_id, obj.warehouse_id, change_by, reason="restock", note=note
                    )
                else:
                    services.adjust(obj.variant_id, obj.warehouse_id, change_by, note=note)
            except ValidationError as error:
                # Orders reserved units between the form check and the save.
                self.message_user(request, " ".join(error.messages), level="error")
        # The service wrote the row; the admin needs it for its redirect and history.
        saved = Stock.objects.get(variant_id=obj.variant_id, warehouse_id=obj.warehouse_id)
        obj.pk, obj.on_hand, obj.allocated = saved.pk, saved.on_hand, saved.allocated


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "sku", "warehouse", "quantity", "status", "expires_at"]
    list_filter = ["status", "warehouse"]
    search_fields = ["reference", "variant__sku"]
    list_select_related = ["variant", "warehouse"]
    date_hierarchy = "created_at"

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, reservation: Reservation) -> str:
        return reservation.variant.sku


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "sku", "warehouse", "delta", "reason", "reference", "note"]
    list_filter = ["reason", "warehouse"]
    search_fields = ["reference", "variant__sku", "note"]
    list_select_related = ["variant", "warehouse"]
    date_hierarchy = "at"

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, movement: StockMovement) -> str:
        return movement.variant.sku
