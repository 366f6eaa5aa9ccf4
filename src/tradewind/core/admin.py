"""Admin views of the outbox (what was emitted, what is pending, why it failed) and of
staff API tokens (who has access, since when, last used when)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tradewind.core.models import OutboxEvent, StaffToken


class PendingFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("pending", "Pending"), ("failing", "Failing"), ("processed", "Processed")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[OutboxEvent]
    ) -> QuerySet[OutboxEvent]:
        if self.value() == "pending":
            return queryset.filter(processed_at__isnull=True)
        if self.value() == "failing":
            return queryset.filter(processed_at__isnull=True, attempts__gt=0)
        if self.value() == "processed":
            return queryset.filter(processed_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    """Events are facts: staff read them, and may only reset failing ones for another try."""

    list_display = ["id", "topic", "aggregate_type", "aggregate_id", "created_at", "processed_at"]
    list_filter = [PendingFilter, "topic"]
    search_fields = ["topic", "aggregate_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxEvent | None = None) -> bool:
        return False

    @admin.action(description="Retry selected failing events", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> None:
        count = queryset.filter(processed_at__isnull=True).update(attempts=0)
        self.message_user(request, f"{count} event(s) will be retried by the next dispatch.")


@admin.register(StaffToken)
class StaffTokenAdmin(admin.ModelAdmin):
    """Tokens are made with ``tradewind token create`` (the only place the secret is shown);
    here staff see them and revoke them. A revoked token is kept as the record of access."""

    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "expires_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "key_prefix", "user__username", "user__email"]
    readonly_fields = [f.name for f in StaffToken._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StaffToken | None = None) -> bool:
        return False

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[StaffToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked; they stop working at once.")
