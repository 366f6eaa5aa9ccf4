"""Admin for payments (with their gateway log), refunds, webhooks and market settings.

Payments change only through the payment services, so the admin shows them read-only and
offers actions that call those services; a refused action is reported, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from tradewind.payments import services
from tradewind.payments.models import (
    MarketPaymentSettings,
    Payment,
    PaymentTransaction,
    Refund,
    WebhookEvent,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TransactionInline(ReadOnlyInline):
    model = PaymentTransaction
    fields = (
        "created_at",
        "kind",
        "succeeded",
        "status_before",
        "status_after",
        "amount",
        "code",
        "message",
        "actor_label",
    )
    readonly_fields = fields


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = (
        "created_at",
        "amount",
        "currency",
        "succeeded",
        "reason",
        "message",
        "actor_label",
    )
    readonly_fields = fields


def _actor(request: HttpRequest) -> str:
    return request.user.get_username() if request.user.is_authenticated else ""


def _each(
    request: HttpRequest,
    queryset: QuerySet[Payment],
    act: Callable[[Payment], object],
    done: str,
    modeladmin: admin.ModelAdmin,
) -> None:
    succeeded = 0
    for payment in queryset:
        try:
            act(payment)
        except (ValidationError, services.PaymentServiceUnavailable) as exc:
            text = "; ".join(getattr(exc, "messages", [str(exc)]))
            modeladmin.message_user(request, f"{payment.reference}: {text}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} payment(s) {done}.", messages.SUCCESS)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "created_at",
        "method",
        "provider",
        "status",
        "amount",
        "currency",
        "captured_amount",
        "refunded_amount",
        "needs_review",
    ]
    list_filter = ["provider", "method", "status", "needs_review", "market"]
    search_fields = ["reference", "provider_ref", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["market"]
    inlines = [TransactionInline, RefundInline]
    actions = ["capture_payments", "void_payments", "refund_in_full", "mark_reviewed"]
    readonly_fields = [
        field.name for field in Payment._meta.fields if field.name not in {"review_reason"}
    ]
    fields = [*readonly_fields, "review_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    @admin.action(description="Capture (card held, cash collected, transfer received)")
    def capture_payments(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        actor = _actor(request)
        _each(
            request,
            queryset,
            lambda p: services.capture(p.pk, actor_label=actor),
            "captured",
            self,
        )

    @admin.action(description="Void (cancel before money moved)")
    def void_payments(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        actor = _actor(request)
        _each(request, queryset, lambda p: services.void(p.pk, actor_label=actor), "voided", self)

    @admin.action(description="Refund what is left of the captured amount")
    def refund_in_full(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        actor = _actor(request)
        _each(
            request,
            queryset,
            lambda p: services.refund(
                p.pk, p.refundable_money, reason="Refunded in the admin", actor_label=actor
            ),
            "refunded",
            self,
        )

    @admin.action(description="Mark review as settled")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        actor = _actor(request)
        _each(
            request,
            queryset.filter(needs_review=True),
            lambda p: services.mark_reviewed(p.pk, note=f"by {actor}", actor_label=actor),
            "settled",
            self,
        )


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["payment", "created_at", "amount", "currency", "succeeded", "actor_label"]
    list_filter = ["succeeded", "payment__provider"]
    search_fields = ["payment__reference", "provider_ref"]
    list_select_related = ["payment"]
    readonly_fields = [field.name for field in Refund._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Refund | None = None) -> bool:
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "provider", "kind", "received_at", "outcome", "needs_review"]
    list_filter = ["provider", "kind", "needs_review"]
    search_fields = ["event_id", "payment__reference"]
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WebhookEvent | None = None) -> bool:
        return False


@admin.register(MarketPaymentSettings)
class MarketPaymentSettingsAdmin(admin.ModelAdmin):
    list_display = ["market", "cod_max_amount", "bank_transfer_days", "card_action_minutes"]
    list_select_related = ["market"]
