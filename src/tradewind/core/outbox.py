"""The transactional outbox: write domain events with the change, deliver them afterwards.

``emit`` stores an event in the caller's transaction, so the event exists exactly when the
change it describes was committed. ``dispatch_pending`` hands stored events to consumers;
delivery is at least once, so consumers must be idempotent (the event id is a natural key).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tradewind.core.models import OutboxEvent

Handler = Callable[[OutboxEvent], None]
MAX_ERROR_CHARS = 2000


class OutboxError(RuntimeError):
    """An event emitted outside a transaction: it could outlive a change rolled back later."""


def _aggregate(aggregate: models.Model | None) -> tuple[str, str]:
    if aggregate is None:
        return "", ""
    return aggregate._meta.label_lower, str(aggregate.pk)


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise OutboxError(
            "emit() must run inside transaction.atomic() together with the change it reports."
        )


def emit(
    topic: str, payload: dict[str, Any], *, aggregate: models.Model | None = None
) -> OutboxEvent:
    """Store one event in the caller's transaction (raises OutboxError outside one)."""
    _require_transaction()
    kind, ident = _aggregate(aggregate)
    return OutboxEvent.objects.create(
        topic=topic, payload=payload, aggregate_type=kind, aggregate_id=ident
    )


def emit_many(
    events: Iterable[tuple[str, dict[str, Any], models.Model | None]],
) -> list[OutboxEvent]:
    """Store many events with one INSERT, e.g. for orders created in bulk."""
    _require_transaction()
    rows = []
    for topic, payload, aggregate in events:
        kind, ident = _aggregate(aggregate)
        rows.append(
            OutboxEvent(topic=topic, payload=payload, aggregate_type=kind, aggregate_id=ident)
        )
    return OutboxEvent.objects.bulk_create(rows)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]


def dispatch_pending(
    handlers: Mapping[str, Handler], *, batch: int = 100, max_attempts: int = 10
) -> int:
    """Deliver up to ``batch`` pending events of the handled topics, oldest first.

    Returns how many were handled successfully. Each handler runs in a savepoint: when it
    raises, its own writes roll back, the event stays pending with ``attempts`` and
    ``last_error`` recorded, and it is retried on a later call until ``max_attempts``.
    Events of topics without a handler wait for one. On PostgreSQL the batch is locked with
    SKIP LOCKED so several dispatchers share the work without handling an event twice.
    """
    if not handlers:
        return 0
    handled = 0
    with transaction.atomic():
        pending = OutboxEvent.objects.filter(
            processed_at__isnull=True, topic__in=list(handlers), attempts__lt=max_attempts
        ).order_by("id")
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        for event in list(pending[:batch]):
            try:
                with transaction.atomic():
                    handlers[event.topic](event)
            except Exception as error:  # a consumer's failure must not stop the others
                event.attempts += 1
                event.last_error = _describe(error)
                event.save(update_fields=["attempts", "last_error"])
                continue
            event.attempts += 1
            event.processed_at = timezone.now()
            event.last_error = ""
            event.save(update_fields=["attempts", "processed_at", "last_error"])
            handled += 1
    return handled
