"""Models shared by every app: the transactional outbox of domain events and staff API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it reports.

    Consumers (analytics, emails, webhooks, payments) read it later through
    :func:`tradewind.core.outbox.dispatch_pending`, so a crash between the change and the
    notification loses nothing: either both are stored or neither.
    """

    topic = models.CharField(max_length=100)
    payload = models.JSONField(encoder=DjangoJSONEncoder, default=dict)
    aggregate_type = models.CharField(max_length=100, blank=True)
    aggregate_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # Dispatch reads only what is pending, oldest first: a partial index stays small
            # however long the processed history grows.
            models.Index(
                fields=["topic", "id"],
                condition=models.Q(processed_at__isnull=True),
                name="outbox_pending",
            ),
            models.Index(fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class StaffToken(models.Model):
    """A staff member's key to the admin API, acting with that member's permissions.

    Only a SHA-256 hash of the secret is stored: the secret is shown once, when the token
    is created, and a leaked database copy lets nobody in. The first characters are kept in
    the clear so staff can tell their tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'ERP sync'.")
    key_prefix = models.CharField(max_length=8, help_text="The secret's first characters.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
