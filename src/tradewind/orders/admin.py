"""Admin for orders and returns.

An order's status is never edited by hand: it is read-only here and changes only through
the actions below, which call the same services as the API, so every change is checked
against the lifecycle, recorded with who and why, and announced in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from tradewind.core.money import format_money
from tradewind.orders import services
from tradewind.orders.models import (
    Order,
    OrderLine,
    OrderTransition,
    ReturnLine,
    ReturnRequest,
    Shipment,
)
from tradewind.orders.states import IllegalTransition

M = TypeVar("M", bound=Model)
# Contact details may be corrected; what was sold, for how much, and where the order stands
# are facts that only the services change.
ORDER_EDITABLE = ("email", "language", "shipping_address", "billing_address")


def _staff(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[M],
    change: Callable[[M], Any],
    done: str,
) -> None:
    """Run ``change`` on each selected object; one refusal does not stop the others."""
    succeeded = 0
    for obj in queryset:
        try:
            change(obj)
        except (IllegalTransition, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "sku",
        "product_name",
        "options",
        "quantity",
        "unit_price",
        "net_amount",
        "tax_rate",
        "tax_amount",
        "duty_amount",
        "total_amount",
        "regime",
    ]


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = ["warehouse", "carrier", "tracking_number", "shipped_at", "delivered_at"]


class ReturnRequestInline(ReadOnlyInline):
    model = ReturnRequest
    fields = ["status", "reason", "note", "created_at", "refund_amount", "refunded_at"]
    show_change_link = True


class OrderTransitionInline(ReadOnlyInline):
    model = OrderTransition
    fields = ["at", "from_status", "to_status", "actor_label", "reason"]
    verbose_name_plural = "history"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "placed_at", "market", "email", "status", "total_shown"]
    list_filter = ["status", "market", "placed_at"]
    list_select_related = ["market"]
    search_fields = ["number", "email", "lines__sku"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, ShipmentInline, ReturnRequestInline, OrderTransitionInline]
    readonly_fields = [f.name for f in Order._meta.fields if f.name not in ORDER_EDITABLE]
    actions = ["mark_paid", "cancel_orders", "confirm_deliveries"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    @admin.display(description="Total", ordering="total_amount")
    def total_shown(self, order: Order) -> str:
        return format_money(order.total, "en")

    @admin.action(description="Mark selected orders as paid", permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = _staff(request)
        _apply(
            self,
            request,
            queryset,
            lambda o: services.transition(
                o, "paid", actor=actor, reason="Payment confirmed in the admin"
            ),
            "order(s) marked as paid",
        )

    @admin.action(description="Cancel selected orders (releases stock)", permissions=["change"])
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = _staff(request)
        _apply(
            self,
            request,
            queryset,
            lambda o: services.cancel(o, actor=actor, reason="Cancelled in the admin"),
            "order(s) cancelled",
        )

    @admin.action(description="Confirm delivery of every shipment", permissions=["change"])
    def confirm_deliveries(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = _staff(request)

        def deliver(order: Order) -> None:
            waiting = list(order.shipments.filter(delivered_at__isnull=True))
            if not waiting:
                raise ValidationError("no shipment is waiting for delivery.")
            for shipment in waiting:
                services.confirm_delivery(shipment, actor=actor)

        _apply(self, request, queryset, deliver, "order(s) confirmed delivered")


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["line", "quantity", "reason_code", "restock"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "reason", "created_at", "refund_amount", "currency"]
    list_filter = ["status", "reason", "created_at"]
    list_select_related = ["order"]
    search_fields = ["order__number", "order__email", "lines__line__sku"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline]
    readonly_fields = [f.name for f in ReturnRequest._meta.fields]
    actions = ["approve", "receive_restock", "receive_write_off", "request_refund"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReturnRequest | None = None) -> bool:
        return False

    @admin.action(description="Approve selected returns", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        actor = _staff(request)
        _apply(
            self,
            request,
            queryset,
            lambda r: services.approve_return(r, actor=actor),
            "return(s) approved",
        )

    def _receive(
        self, request: HttpRequest, queryset: QuerySet[ReturnRequest], restock: bool
    ) -> None:
        actor = _staff(request)
        _apply(
            self,
            request,
            queryset,
            lambda r: services.receive_return(
                r, dict.fromkeys(r.lines.values_list("line_id", flat=True), restock), actor=actor
            ),
            "return(s) received",
        )

    @admin.action(
        description="Receive: put every line back to stock (warehouse that shipped it)",
        permissions=["change"],
    )
    def receive_restock(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._receive(request, queryset, restock=True)

    @admin.action(description="Receive: write every line off", permissions=["change"])
    def receive_write_off(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        self._receive(request, queryset, restock=False)

    @admin.action(description="Request the refund of received returns", permissions=["change"])
    def request_refund(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        actor = _staff(request)
        _apply(
            self,
            request,
            queryset,
            lambda r: services.refund_return(r, actor=actor),
            "refund(s) requested",
        )
