"""Models shared by every app: the transactional outbox of domain events."""

from __future__ import annotations

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
