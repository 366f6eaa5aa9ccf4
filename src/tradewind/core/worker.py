"""The background worker: deliver outbox events and sweep what ran out of time.

One cycle delivers pending outbox events to their consumers (order reactions and emails),
releases stock holds past their expiry, and expires payments nobody completed (whose
``payment.failed`` events cancel their orders in the next delivery). ``tradewind worker``
runs cycles forever; ``--once`` runs one, for cron.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from tradewind.core.outbox import Handler, dispatch_pending

__all__ = ["CycleReport", "run", "run_cycle"]

# Handling an event may emit another (return.refund_requested -> payment.refunded ->
# return.refunded -> its email): a cycle delivers the follow-ups too, in up to this many
# rounds. Few, because an event that keeps failing uses up one attempt per round.
MAX_ROUNDS = 3


@dataclass(frozen=True)
class CycleReport:
    delivered: int
    released_units: int
    expired_payments: int
    failing: int

    @property
    def idle(self) -> bool:
        return not (self.delivered or self.released_units or self.expired_payments or self.failing)

    def summary(self) -> str:
        line = (
            f"outbox: {self.delivered} delivered, {self.failing} failing; "
            f"stock: {self.released_units} units released; "
            f"payments: {self.expired_payments} expired"
        )
        return f"{timezone.now():%Y-%m-%d %H:%M:%S} {line}"


def _handlers() -> Mapping[str, Handler]:
    from tradewind.orders.handlers import HANDLERS

    return HANDLERS


def _failing(handlers: Mapping[str, Handler]) -> int:
    from tradewind.core.models import OutboxEvent

    return (
        OutboxEvent.objects.filter(processed_at__isnull=True, topic__in=list(handlers))
        .exclude(last_error="")
        .count()
    )


def run_cycle(
    *,
    handlers: Mapping[str, Handler] | None = None,
    batch: int = 100,
    now: datetime | None = None,
) -> CycleReport:
    """One pass: sweep expired stock holds and payments, then deliver events.

    Sweeping first lets the cancellations that expired payments cause be delivered in the
    same pass.
    """
    from tradewind.inventory import services as inventory
    from tradewind.payments import services as payments

    chosen = handlers if handlers is not None else _handlers()
    moment = now or timezone.now()
    released = inventory.release_expired(moment)
    expired = payments.expire_pending(moment)
    delivered = 0
    for _round in range(MAX_ROUNDS):
        handled = dispatch_pending(chosen, batch=batch)
        delivered += handled
        if not handled:
            break
    return CycleReport(delivered, released, expired, _failing(chosen))


def run(
    *,
    interval: float,
    once: bool = False,
    out: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Run cycles every ``interval`` seconds (one if ``once``), printing one line each.

    A failing cycle (the database restarting, say) is reported and the next one tried; with
    ``once`` the error propagates so cron sees it.
    """
    cycles = 0
    while True:
        try:
            report = run_cycle()
            # A quiet store should not fill the log: idle cycles print only when run once.
            if once or not report.idle:
                out(report.summary())
        except Exception as error:
            if once:
                raise
            out(f"{timezone.now():%Y-%m-%d %H:%M:%S} cycle failed: {type(error).__name__}: {error}")
        cycles += 1
        if once:
            return cycles
        sleep(interval)
