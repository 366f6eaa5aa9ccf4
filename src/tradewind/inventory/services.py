"""Stock use cases: reserve for a checkout, commit when paid, release on cancel or expiry,
restock, and read what a market can sell.

No overselling, on any database: units are taken only by a conditional UPDATE
(``allocated + n <= on_hand``) that the database evaluates against the latest committed
row, and the check constraint ``allocated <= on_hand`` backs it. Rows are always written
in one fixed order, (variant, warehouse), so two checkouts wanting the same rows on
PostgreSQL queue behind each other instead of deadlocking; SQLite's IMMEDIATE
transactions (see settings) serialise writers outright.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Subquery, Sum
from django.utils import timezone

from tradewind.catalog.models import Variant
from tradewind.inventory.allocation import (
    Allocation,
    OutOfStock,
    Strategy,
    WarehouseStock,
    allocate,
    merge_lines,
)
from tradewind.inventory.models import (
    MarketAllocationPolicy,
    Reservation,
    Stock,
    StockMovement,
    Warehouse,
)

if TYPE_CHECKING:
    from tradewind.markets.models import Market

__all__ = [
    "Allocation",
    "OutOfStock",
    "adjust",
    "available",
    "commit_reservation",
    "release_expired",
    "release_reservation",
    "reserve",
    "restock",
    "return_committed",
]

INCOMING_REASONS = (StockMovement.Reason.RESTOCK, StockMovement.Reason.RETURN)


def reserve(
    lines: Sequence[tuple[int, int]],
    market: Market,
    *,
    reference: str,
    ttl: timedelta | None = None,
) -> list[Allocation]:
    """Hold stock for every line from the market's warehouses, all or nothing.

    Lines are (variant_id, quantity); a variant listed twice is reserved once for the sum.
    Reserving again under a reference that already holds units adds to the hold.
    Raises OutOfStock for the first line the market cannot cover, leaving nothing held.
    Without a ``ttl`` the hold lasts until committed or released.
    """
    wanted = _checked_lines(lines)
    if not reference.strip():
        raise ValidationError({"reference": "A reservation needs a reference."})
    if ttl is not None and ttl <= timedelta(0):
        raise ValidationError({"ttl": "A reservation's time to live must be positive."})
    expires_at = timezone.now() + ttl if ttl is not None else None
    for _attempt in range(2):
        try:
            return _reserve_once(wanted, market, reference, expires_at)
        except _Raced as raced:
            short = raced.allocation
    # Planned twice on fresh figures and beaten to the units twice: report what is left now.
    left = available([short.variant_id], market)[short.variant_id]
    raise OutOfStock(short.variant_id, wanted[short.variant_id], left)


def commit_reservation(reference: str) -> list[Allocation]:
    """The order is paid: held units leave the warehouse's on-hand count.

    Returns what was committed; empty when nothing is held under the reference any more
    (already committed, released, or swept after expiry), so a repeated call is harmless.
    A hold past its expiry that has not been swept yet still commits: its units are intact.
    """
    with transaction.atomic():
        held = _lock_held(Reservation.objects.filter(reference=reference))
        for stock_key, quantity in _per_stock(held).items():
            Stock.objects.filter(variant_id=stock_key[0], warehouse_id=stock_key[1]).update(
                on_hand=F("on_hand") - quantity, allocated=F("allocated") - quantity
            )
        _mark(held, Reservation.Status.COMMITTED)
        StockMovement.objects.bulk_create(
            StockMovement(
                variant_id=r.variant_id,
                warehouse_id=r.warehouse_id,
                delta=-r.quantity,
                reason=StockMovement.Reason.SALE,
                reference=reference,
            )
            for r in held
        )
    return [Allocation(r.variant_id, r.warehouse_id, r.quantity) for r in held]


def release_reservation(reference: str) -> int:
    """Cancel a hold; returns the units made available again (0 if nothing was held)."""
    with transaction.atomic():
        return _release(_lock_held(Reservation.objects.filter(reference=reference)))


def return_committed(reference: str, *, reason: str, note: str = "") -> int:
    """Put the units committed under ``reference`` back on hand, e.g. for a paid order
    cancelled before it shipped; returns how many units came back.

    ``reason`` is the ledger reason (one of :data:`INCOMING_REASONS`). The reservations
    become released, so a repeated call finds nothing committed and returns 0.
    """
    if reason not in INCOMING_REASONS:
        choices = ", ".join(INCOMING_REASONS)
        raise ValidationError({"reason": f"Restock reason must be one of: {choices}."})
    with transaction.atomic():
        committed = list(
            Reservation.objects.filter(reference=reference, status=Reservation.Status.COMMITTED)
            .select_for_update()
            .order_by("variant_id", "warehouse_id", "id")
        )
        for stock_key, quantity in _per_stock(committed).items():
            Stock.objects.filter(variant_id=stock_key[0], warehouse_id=stock_key[1]).update(
                on_hand=F("on_hand") + quantity
            )
        _mark(committed, Reservation.Status.RELEASED)
        StockMovement.objects.bulk_create(
            StockMovement(
                variant_id=r.variant_id,
                warehouse_id=r.warehouse_id,
                delta=r.quantity,
                reason=reason,
                reference=reference,
                note=note,
            )
            for r in committed
        )
    return sum(r.quantity for r in committed)


def release_expired(now: datetime | None = None) -> int:
    """Return the units of every held reservation past its expiry; returns how many."""
    moment = now or timezone.now()
    with transaction.atomic():
        expired = Reservation.objects.filter(expires_at__lte=moment)
        return _release(_lock_held(expired))


def restock(
    variant_id: int,
    warehouse_id: int,
    quantity: int,
    *,
    reason: str,
    reference: str = "",
    note: str = "",
) -> None:
    """Add units to a warehouse, e.g. a delivery (``restock``) or a customer ``return``."""
    if reason not in INCOMING_REASONS:
        choices = ", ".join(INCOMING_REASONS)
        raise ValidationError({"reason": f"Restock reason must be one of: {choices}."})
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError({"quantity": "Restock a positive whole number of units."})
    _change_on_hand(variant_id, warehouse_id, quantity, reason, reference, note)


def adjust(
    variant_id: int, warehouse_id: int, delta: int, *, note: str, reference: str = ""
) -> None:
    """Correct on-hand after a count; cannot go below the units reserved for orders."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise ValidationError({"delta": "Give a non-zero whole number of units."})
    if not note.strip():
        raise ValidationError({"note": "Say why the count changed."})
    _change_on_hand(
        variant_id, warehouse_id, delta, StockMovement.Reason.ADJUSTMENT, reference, note
    )


def available(variant_ids: Iterable[int], market: Market) -> dict[int, int]:
    """Units each variant can still sell in the market, summed over its active warehouses."""
    ids = list(dict.fromkeys(variant_ids))
    result = dict.fromkeys(ids, 0)
    rows = (
        _market_stock(ids, market)
        .values("variant_id")
        .annotate(free=Sum(F("on_hand") - F("allocated")))
        .order_by()
    )
    for row in rows:
        result[row["variant_id"]] = row["free"]
    return result


def _checked_lines(lines: Sequence[tuple[int, int]]) -> dict[int, int]:
    if not lines:
        raise ValidationError({"lines": "Reserve at least one line."})
    for variant_id, quantity in lines:
        if isinstance(variant_id, bool) or not isinstance(variant_id, int):
            raise ValidationError({"variant": f"{variant_id!r} is not a variant id."})
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise ValidationError(
                {"quantity": f"Variant {variant_id}: quantity must be a positive whole number."}
            )
    return merge_lines(lines)


def _market_stock(variant_ids: list[int], market: Market) -> QuerySet[Stock]:
    return Stock.objects.filter(
        variant_id__in=variant_ids,
        warehouse__is_active=True,
        warehouse__market_links__market=market,
    ).annotate(priority=F("warehouse__market_links__priority"))


def _plan(wanted: dict[int, int], market: Market) -> list[Allocation]:
    """One query reads the stock and the market's strategy; the planner does the rest."""
    policy = MarketAllocationPolicy.objects.filter(market=market).values("strategy")[:1]
    rows = list(
        _market_stock(list(wanted), market)
        .annotate(strategy=Subquery(policy))
        .order_by(F("priority"), "warehouse_id")
        .values_list("warehouse_id", "variant_id", "on_hand", "allocated", "strategy")
    )
    per_warehouse: dict[int, dict[int, int]] = {}
    strategy = Strategy.PRIORITY
    for warehouse_id, variant_id, on_hand, allocated, chosen in rows:
        per_warehouse.setdefault(warehouse_id, {})[variant_id] = on_hand - allocated
        strategy = Strategy(chosen) if chosen else strategy
    warehouses = [WarehouseStock(w, stock) for w, stock in per_warehouse.items()]
    planned = allocate(list(wanted.items()), warehouses, strategy)
    return sorted(planned, key=lambda a: (a.variant_id, a.warehouse_id))


class _Raced(Exception):
    """Another checkout took the units between our read and our write."""

    def __init__(self, allocation: Allocation) -> None:
        self.allocation = allocation
        super().__init__(allocation)


def _reserve_once(
    wanted: dict[int, int], market: Market, reference: str, expires_at: datetime | None
) -> list[Allocation]:
    """One plan-and-take; raises _Raced after rolling back so the caller can re-plan.

    Rolling back (to the savepoint, inside a caller's transaction) matters on PostgreSQL:
    a conditional UPDATE that waited on a row and then found too few units still keeps
    that row locked, and a new plan holding it while taking rows earlier in the fixed
    order could deadlock with another checkout.
    """
    with transaction.atomic():
        allocations = _plan(wanted, market)
        for allocation in allocations:
            taken = Stock.objects.filter(
                variant_id=allocation.variant_id,
                warehouse_id=allocation.warehouse_id,
                on_hand__gte=F("allocated") + allocation.quantity,
            ).update(allocated=F("allocated") + allocation.quantity)
            if not taken:
                raise _Raced(allocation)
        Reservation.objects.bulk_create(
            Reservation(
                reference=reference,
                variant_id=a.variant_id,
                warehouse_id=a.warehouse_id,
                quantity=a.quantity,
                expires_at=expires_at,
            )
            for a in allocations
        )
    return allocations


def _lock_held(reservations: QuerySet[Reservation]) -> list[Reservation]:
    """Held reservations, locked so two callers cannot both commit or release them."""
    return list(
        reservations.filter(status=Reservation.Status.HELD)
        .select_for_update()
        .order_by("variant_id", "warehouse_id", "id")
    )


def _per_stock(reservations: list[Reservation]) -> dict[tuple[int, int], int]:
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for r in reservations:
        totals[(r.variant_id, r.warehouse_id)] += r.quantity
    return dict(sorted(totals.items()))


def _mark(reservations: list[Reservation], status: str) -> None:
    if reservations:
        Reservation.objects.filter(id__in=[r.id for r in reservations]).update(status=status)


def _release(held: list[Reservation]) -> int:
    for stock_key, quantity in _per_stock(held).items():
        Stock.objects.filter(variant_id=stock_key[0], warehouse_id=stock_key[1]).update(
            allocated=F("allocated") - quantity
        )
    _mark(held, Reservation.Status.RELEASED)
    return sum(r.quantity for r in held)


def _change_on_hand(
    variant_id: int, warehouse_id: int, delta: int, reason: str, reference: str, note: str
) -> None:
    with transaction.atomic():
        rows = Stock.objects.filter(variant_id=variant_id, warehouse_id=warehouse_id)
        if delta < 0:
            # Units promised to orders must stay on the shelf.
            rows = rows.filter(on_hand__gte=F("allocated") - delta)
        if not rows.update(on_hand=F("on_hand") + delta):
            _create_stock(variant_id, warehouse_id, delta)
        StockMovement.objects.create(
            variant_id=variant_id,
            warehouse_id=warehouse_id,
            delta=delta,
            reason=reason,
            reference=reference,
            note=note,
        )


def _create_stock(variant_id: int, warehouse_id: int, delta: int) -> None:
    """First units of a variant in a warehouse, or a decrease the stock cannot take."""
    existing = Stock.objects.filter(variant_id=variant_id, warehouse_id=warehouse_id).first()
    if existing is not None:
        raise ValidationError(
            {
                "delta": f"Only {existing.available} units are free to remove "
                f"({existing.allocated} are reserved for orders)."
            }
        )
    if not Variant.objects.filter(id=variant_id).exists():
        raise ValidationError({"variant": f"No variant with id {variant_id}."})
    if not Warehouse.objects.filter(id=warehouse_id).exists():
        raise ValidationError({"warehouse": f"No warehouse with id {warehouse_id}."})
    if delta < 0:
        raise ValidationError({"delta": "There is no stock of this variant here to remove."})
    try:
        with transaction.atomic():
            Stock.objects.create(variant_id=variant_id, warehouse_id=warehouse_id, on_hand=delta)
    except IntegrityError:
        # Someone created the row since our update; add to it instead.
        Stock.objects.filter(variant_id=variant_id, warehouse_id=warehouse_id).update(
            on_hand=F("on_hand") + delta
        )
