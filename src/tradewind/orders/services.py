"""Order use cases: status changes, fulfilment, delivery and returns.

Every change runs in one transaction that locks the order row first (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite's single writer serialises the same way), checks the move
against :mod:`tradewind.orders.states`, records an :class:`OrderTransition` and writes the
outbox events consumers react to. Other apps are reached through their services, imported
inside the functions that need them so this app loads without them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from tradewind.core.money import quantize
from tradewind.core.outbox import emit, emit_many
from tradewind.orders import states
from tradewind.orders.models import (
    Order,
    OrderLine,
    OrderTransition,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    ShipmentLine,
)
from tradewind.orders.states import IllegalTransition, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tradewind.inventory.models import Warehouse

__all__ = [
    "IllegalTransition",
    "approve_return",
    "cancel",
    "confirm_delivery",
    "create_order",
    "create_orders",
    "create_shipment",
    "mark_refunded",
    "receive_return",
    "refund_return",
    "reject_return",
    "request_return",
    "return_deadline",
    "transition",
]

# When a status is reached, the moment is also kept on the order for listing and reports.
STAMPS: dict[str, str] = {
    Status.PAID: "paid_at",
    Status.FULFILLED: "fulfilled_at",
    Status.DELIVERED: "delivered_at",
    Status.CANCELLED: "cancelled_at",
}
OPEN_RETURNS = (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)


def _actor_label(actor: User | None, label: str) -> str:
    if label:
        return label
    return actor.get_username() if actor is not None else "system"


def _lock(order_id: int) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("market").get(pk=order_id)


def _order_payload(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.pk,
        "number": order.number,
        "market_id": order.market_id,
        "customer_id": order.customer_id,
        "email": order.email,
        "language": order.language,
        "currency": order.currency,
        "total_amount": order.total_amount,
    }


def _move(
    order: Order,
    target: str,
    *,
    actor: User | None,
    actor_label: str,
    reason: str,
    at: datetime | None = None,
    also_save: Sequence[str] = (),
) -> None:
    """Move a locked order to ``target``: check, save, record, emit; cancelling frees stock."""
    states.check(order.status, target)
    moment = at or timezone.now()
    previous = order.status
    order.status = target
    fields = ["status", "updated_at", *also_save]
    if target in STAMPS:
        setattr(order, STAMPS[target], moment)
        fields.append(STAMPS[target])
    order.save(update_fields=fields)
    label = _actor_label(actor, actor_label)
    OrderTransition.objects.create(
        order=order,
        from_status=previous,
        to_status=target,
        actor=actor,
        actor_label=label,
        reason=reason,
        at=moment,
    )
    emit(
        f"order.{target}",
        {
            **_order_payload(order),
            "from_status": previous,
            "to_status": target,
            "actor": label,
            "reason": reason,
            "at": moment,
        },
        aggregate=order,
    )
    if target == Status.CANCELLED:
        _release_stock(order)


def _release_stock(order: Order) -> None:
    if not order.reservation_reference:
        return
    from tradewind.inventory import services as inventory

    # A paid order's stock was already committed (taken off the shelf count); it is
    # restocked instead of released.
    if not inventory.release_reservation(order.reservation_reference):
        inventory.return_committed(
            order.reservation_reference,
            reason="restock",
            note=f"Order {order.number} cancelled",
        )


# --- placing ------------------------------------------------------------------------------


def create_orders(
    orders: Sequence[tuple[Order, Sequence[OrderLine]]], *, emit_placed: bool = True
) -> list[Order]:
    """Insert orders with their lines, as given, in three queries however many there are.

    The caller (checkout, imports, demo history) has priced and taxed everything; this
    stores it, with an ``order.placed`` event per order unless ``emit_placed`` is False
    (history loaded in bulk is not news). Call it inside the caller's transaction to make
    the orders part of a larger change; on its own it is atomic too.
    """
    for order, lines in orders:
        if not lines:
            raise ValidationError({"lines": f"Order {order.number} has no lines."})
        for line in lines:
            line.currency = line.currency or order.currency
            if line.currency != order.currency:
                raise ValidationError(
                    {
                        "currency": f"Line {line.sku} is in {line.currency} but order "
                        f"{order.number} is in {order.currency}."
                    }
                )
    with transaction.atomic():
        created = Order.objects.bulk_create([order for order, _ in orders])
        all_lines: list[OrderLine] = []
        for order, lines in orders:
            for line in lines:
                line.order = order
                all_lines.append(line)
        OrderLine.objects.bulk_create(all_lines)
        if emit_placed:
            emit_many(
                (
                    "order.placed",
                    {
                        **_order_payload(order),
                        "placed_at": order.placed_at,
                        "lines": [
                            {"sku": line.sku, "quantity": line.quantity, "total": line.total_amount}
                            for line in lines
                        ],
                    },
                    order,
                )
                for order, lines in orders
            )
    return created


def create_order(order: Order, lines: Sequence[OrderLine], *, emit_placed: bool = True) -> Order:
    return create_orders([(order, lines)], emit_placed=emit_placed)[0]


# --- status changes -----------------------------------------------------------------------


def transition(
    order: Order,
    to_status: str,
    *,
    actor: User | None = None,
    actor_label: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> Order:
    """Move ``order`` to ``to_status`` and return it as stored.

    Raises IllegalTransition (naming the allowed next statuses) for a move the lifecycle
    does not allow. ``actor`` is the staff user; ``actor_label`` names a system actor such
    as ``payments:stripe`` or ``customer``. Moving to ``cancelled`` releases the stock.
    """
    with transaction.atomic():
        locked = _lock(order.pk)
        _move(locked, to_status, actor=actor, actor_label=actor_label, reason=reason, at=at)
    return locked


def cancel(
    order: Order, *, actor: User | None = None, actor_label: str = "", reason: str = ""
) -> Order:
    """Cancel an order not yet shipped; its reserved stock goes back on sale."""
    return transition(order, Status.CANCELLED, actor=actor, actor_label=actor_label, reason=reason)


# --- fulfilment ---------------------------------------------------------------------------


def _positive_quantities(lines: Mapping[int, int]) -> list[str]:
    return [
        f"Line {line_id}: the quantity must be a whole number above zero, not {qty!r}."
        for line_id, qty in lines.items()
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1
    ]


def create_shipment(
    order: Order,
    warehouse: Warehouse,
    lines: Mapping[int, int],
    carrier: str,
    tracking_number: str = "",
    *,
    shipped_at: datetime | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> Shipment:
    """Ship ``lines`` ({order line id: quantity}) from ``warehouse``.

    The order becomes partially fulfilled, or fulfilled once every unit has shipped.
    Raises ValidationError naming ``lines`` or ``carrier`` for bad input, and
    IllegalTransition when the order cannot ship (unpaid, cancelled, ...).
    """
    errors: dict[str, list[str]] = {}
    if not carrier.strip():
        errors["carrier"] = ["Name the carrier."]
    if not lines:
        errors["lines"] = ["Choose at least one line to ship."]
    elif problems := _positive_quantities(lines):
        errors["lines"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(order.pk)
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.filter(order=locked).annotate(
                shipped=Sum("shipment_lines__quantity", default=0)
            )
        }
        problems = []
        for line_id, qty in lines.items():
            line = order_lines.get(line_id)
            if line is None:
                problems.append(f"Line {line_id} is not part of order {locked.number}.")
            elif qty > line.quantity - line.shipped:
                problems.append(
                    f"{line.sku}: {qty} to ship, but only {line.quantity - line.shipped} "
                    f"of {line.quantity} are still to be shipped."
                )
        if problems:
            raise ValidationError({"lines": problems})
        complete = all(
            line.shipped + lines.get(line_id, 0) == line.quantity
            for line_id, line in order_lines.items()
        )
        target = Status.FULFILLED if complete else Status.PARTIALLY_FULFILLED
        moment = shipped_at or timezone.now()
        if target != locked.status:
            reason = f"Shipped with {carrier} {tracking_number}".strip()
            _move(locked, target, actor=actor, actor_label=actor_label, reason=reason, at=moment)
        shipment = Shipment.objects.create(
            order=locked,
            warehouse=warehouse,
            carrier=carrier.strip(),
            tracking_number=tracking_number.strip(),
            shipped_at=moment,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, line_id=line_id, quantity=qty)
            for line_id, qty in lines.items()
        )
        emit(
            "shipment.created",
            {
                **_order_payload(locked),
                "shipment_id": shipment.pk,
                "warehouse_id": warehouse.pk,
                "carrier": shipment.carrier,
                "tracking_number": shipment.tracking_number,
                "shipped_at": moment,
                "lines": [
                    {"sku": order_lines[line_id].sku, "quantity": qty}
                    for line_id, qty in lines.items()
                ],
            },
            aggregate=shipment,
        )
    return shipment


def confirm_delivery(
    shipment: Shipment,
    *,
    delivered_at: datetime | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> Order:
    """Record that ``shipment`` arrived; the order is delivered once every unit has.

    The order's delivery moment, from which the return window counts, is the arrival of
    its last parcel.
    """
    with transaction.atomic():
        locked = _lock(shipment.order_id)
        current = Shipment.objects.get(pk=shipment.pk)
        moment = delivered_at or timezone.now()
        if current.delivered_at is not None:
            raise ValidationError(
                {
                    "delivered_at": f"Shipment {current} was already confirmed delivered on "
                    f"{current.delivered_at:%Y-%m-%d}."
                }
            )
        if moment < current.shipped_at:
            raise ValidationError(
                {
                    "delivered_at": f"Delivery cannot be before shipping "
                    f"({current.shipped_at:%Y-%m-%d %H:%M})."
                }
            )
        current.delivered_at = moment
        current.save(update_fields=["delivered_at"])
        emit(
            "shipment.delivered",
            {**_order_payload(locked), "shipment_id": current.pk, "delivered_at": moment},
            aggregate=current,
        )
        if locked.status == Status.FULFILLED:
            parcels = Shipment.objects.filter(order=locked).aggregate(
                waiting=Count("id", filter=Q(delivered_at__isnull=True)), last=Max("delivered_at")
            )
            if parcels["waiting"] == 0:
                _move(
                    locked,
                    Status.DELIVERED,
                    actor=actor,
                    actor_label=actor_label,
                    reason="All shipments delivered",
                    at=parcels["last"],
                )
    return locked


# --- returns ------------------------------------------------------------------------------


def return_deadline(order: Order) -> date | None:
    """The last day a return may be asked for, or None before delivery.

    The window runs ``market.return_days`` whole days from the delivery day (the longer of
    the statutory right, 14 days in the EU and UK, and the brand's own policy), counted in
    the store's time zone.
    """
    if order.delivered_at is None:
        return None
    return timezone.localdate(order.delivered_at) + timedelta(days=order.market.return_days)


def _check_window(order: Order, now: datetime) -> None:
    deadline = return_deadline(order)
    if deadline is None:
        raise ValidationError(f"Order {order.number} has not been delivered yet.")
    days = order.market.return_days
    if days == 0:
        raise ValidationError(
            f"Orders in {order.market.name} cannot be returned: the market has no return window."
        )
    if timezone.localdate(now) > deadline:
        delivered = timezone.localdate(order.delivered_at)
        raise ValidationError(
            f"The return window for order {order.number} closed on {deadline:%Y-%m-%d} "
            f"({days} days from delivery on {delivered:%Y-%m-%d}).",
            code="return_window_closed",
        )


def _returnable(order: Order) -> dict[int, int]:
    """Units per line that were delivered and are not already in a return (rejected aside)."""
    delivered = (
        ShipmentLine.objects.filter(shipment__order=order, shipment__delivered_at__isnull=False)
        .values_list("line_id")
        .annotate(units=Sum("quantity"))
    )
    returned = dict(
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values_list("line_id")
        .annotate(units=Sum("quantity"))
    )
    return {line_id: units - returned.get(line_id, 0) for line_id, units in delivered}


def request_return(
    order: Order,
    lines: Mapping[int, int],
    reason_code: str,
    note: str = "",
    *,
    now: datetime | None = None,
    actor: User | None = None,
    actor_label: str = "customer",
) -> ReturnRequest:
    """The shopper asks to send back ``lines`` ({order line id: quantity}) for a reason.

    Refused outside the market's return window (the message gives the last day), for more
    units than were delivered and not yet returned, and while another return is open.
    """
    errors: dict[str, list[str]] = {}
    if reason_code not in ReturnReason.values:
        errors["reason_code"] = [
            f"'{reason_code}' is not a return reason; choose one of "
            f"{', '.join(ReturnReason.values)}."
        ]
    if not lines:
        errors["lines"] = ["Choose at least one line to return."]
    elif problems := _positive_quantities(lines):
        errors["lines"] = problems
    if errors:
        raise ValidationError(errors)
    moment = now or timezone.now()
    with transaction.atomic():
        locked = _lock(order.pk)
        if locked.status == Status.RETURN_REQUESTED:
            raise ValidationError(
                f"Order {locked.number} already has a return in progress; "
                "it must be settled before another is asked for."
            )
        states.check(locked.status, Status.RETURN_REQUESTED)
        _check_window(locked, moment)
        returnable = _returnable(locked)
        order_lines = OrderLine.objects.in_bulk(list(lines))
        problems = []
        for line_id, qty in lines.items():
            line = order_lines.get(line_id)
            if line is None or line.order_id != locked.pk:
                problems.append(f"Line {line_id} is not part of order {locked.number}.")
            elif qty > returnable.get(line_id, 0):
                problems.append(
                    f"{line.sku}: {qty} to return, but only {returnable.get(line_id, 0)} "
                    "were delivered and not already returned."
                )
        if problems:
            raise ValidationError({"lines": problems})
        request = ReturnRequest.objects.create(
            order=locked, reason=reason_code, note=note, currency=locked.currency, created_at=moment
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(
                return_request=request, line_id=line_id, quantity=qty, reason_code=reason_code
            )
            for line_id, qty in lines.items()
        )
        label = ReturnReason(reason_code).label
        _move(
            locked,
            Status.RETURN_REQUESTED,
            actor=actor,
            actor_label=actor_label,
            reason=f"{label}: {note}" if note else str(label),
            at=moment,
        )
        emit(
            "return.requested",
            {
                **_order_payload(locked),
                "return_id": request.pk,
                "reason": reason_code,
                "note": note,
                "lines": [
                    {"sku": order_lines[line_id].sku, "quantity": qty}
                    for line_id, qty in lines.items()
                ],
            },
            aggregate=request,
        )
    return request


def _lock_return(
    request: ReturnRequest, allowed: Iterable[str], action: str
) -> tuple[Order, ReturnRequest]:
    order = _lock(request.order_id)
    current = ReturnRequest.objects.select_for_update().get(pk=request.pk)
    allowed = tuple(allowed)
    if current.status not in allowed:
        raise ValidationError(
            f"Return {current.pk} is '{current.status}'; only a return that is "
            f"{' or '.join(repr(str(s)) for s in allowed)} can be {action}."
        )
    return order, current


def _return_payload(
    order: Order, request: ReturnRequest, actor: User | None, actor_label: str
) -> dict[str, Any]:
    return {
        **_order_payload(order),
        "return_id": request.pk,
        "reason": request.reason,
        "actor": _actor_label(actor, actor_label),
    }


def approve_return(
    request: ReturnRequest, *, actor: User | None = None, actor_label: str = ""
) -> ReturnRequest:
    """Staff accept a return: the shopper may send the goods back."""
    with transaction.atomic():
        order, current = _lock_return(request, [ReturnStatus.REQUESTED], "approved")
        current.status = ReturnStatus.APPROVED
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_at"])
        emit(
            "return.approved",
            _return_payload(order, current, actor, actor_label),
            aggregate=current,
        )
    return current


def reject_return(
    request: ReturnRequest, *, reason: str, actor: User | None = None, actor_label: str = ""
) -> ReturnRequest:
    """Staff refuse a return; the order goes back to where it was before the request."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the return is refused; the shopper is told."})
    with transaction.atomic():
        order, current = _lock_return(request, OPEN_RETURNS, "rejected")
        before = (
            OrderTransition.objects.filter(order=order, to_status=Status.RETURN_REQUESTED)
            .order_by("-id")
            .values_list("from_status", flat=True)
            .first()
        ) or Status.DELIVERED
        current.status = ReturnStatus.REJECTED
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_at"])
        _move(order, before, actor=actor, actor_label=actor_label, reason=reason)
        emit(
            "return.rejected",
            {**_return_payload(order, current, actor, actor_label), "why": reason},
            aggregate=current,
        )
    return current


def receive_return(
    request: ReturnRequest,
    restock: Mapping[int, bool],
    *,
    warehouse: Warehouse | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> ReturnRequest:
    """The goods are back: each line ({order line id: restock?}) goes back on sale or is
    written off. Restocked units go to ``warehouse``, by default the one that shipped them.
    """
    with transaction.atomic():
        order, current = _lock_return(request, [ReturnStatus.APPROVED], "received")
        return_lines = list(current.lines.select_related("line"))
        by_line = {rl.line_id: rl for rl in return_lines}
        problems = [
            f"{rl.line.sku}: decide whether it goes back to stock or is written off."
            for rl in return_lines
            if rl.line_id not in restock
        ]
        problems += [
            f"Line {line_id} is not part of return {current.pk}."
            for line_id in restock
            if line_id not in by_line
        ]
        problems += [
            f"{rl.line.sku} is no longer in the catalog and can only be written off."
            for rl in return_lines
            if restock.get(rl.line_id) and rl.line.variant_id is None
        ]
        if problems:
            raise ValidationError({"restock": problems})
        shipped_from = dict(
            ShipmentLine.objects.filter(line_id__in=list(by_line))
            .order_by("shipment__shipped_at")
            .values_list("line_id", "shipment__warehouse_id")
        )
        back_to_stock = [rl for rl in return_lines if restock[rl.line_id]]
        if back_to_stock:
            from tradewind.inventory import services as inventory

            for rl in back_to_stock:
                assert rl.line.variant_id is not None  # checked above
                inventory.restock(
                    rl.line.variant_id,
                    warehouse.pk if warehouse is not None else shipped_from[rl.line_id],
                    rl.quantity,
                    reason="return",
                    reference=order.number,
                    note=f"Return {current.pk}",
                )
        for rl in return_lines:
            rl.restock = bool(restock[rl.line_id])
        ReturnLine.objects.bulk_update(return_lines, ["restock"])
        current.status = ReturnStatus.RECEIVED
        current.received_at = timezone.now()
        current.save(update_fields=["status", "received_at"])
        _move(
            order,
            Status.RETURNED,
            actor=actor,
            actor_label=actor_label,
            reason=f"Return {current.pk} received",
        )
        emit(
            "return.received",
            {
                **_return_payload(order, current, actor, actor_label),
                "lines": [
                    {
                        "sku": rl.line.sku,
                        "quantity": rl.quantity,
                        "reason": rl.reason_code,
                        "restock": rl.restock,
                    }
                    for rl in return_lines
                ],
            },
            aggregate=current,
        )
    return current


def _refund_due(order: Order, request: ReturnRequest) -> Decimal:
    """The lines' share of what was paid; a return that leaves nothing of the order kept
    gets everything still unrefunded, delivery included (as EU and UK law require)."""
    returned = defaultdict(int)
    for line_id, units in (
        ReturnLine.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values_list("line_id")
        .annotate(units=Sum("quantity"))
    ):
        returned[line_id] = units
    lines = list(order.lines.all())
    if all(returned[line.pk] >= line.quantity for line in lines):
        return order.total_amount - order.refunded_amount
    share = sum(
        (rl.line.total_amount * rl.quantity / rl.line.quantity for rl in request.lines.all()),
        start=Decimal(0),
    )
    return quantize(share, order.currency)


def refund_return(
    request: ReturnRequest,
    *,
    amount: Decimal | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> ReturnRequest:
    """Staff ask for the refund of a received return; payments moves the money.

    Records the amount (by default the returned lines' share) and emits
    ``return.refund_requested``; payments calls :func:`mark_refunded` once refunded.
    """
    with transaction.atomic():
        order, current = _lock_return(request, [ReturnStatus.RECEIVED], "refunded")
        refundable = order.total_amount - order.refunded_amount
        value = _refund_due(order, current) if amount is None else amount
        if not value.is_finite() or value <= 0 or value > refundable:
            raise ValidationError(
                {
                    "amount": f"The refund must be above zero and at most {refundable:f} "
                    f"{order.currency} (what is left unrefunded of order {order.number})."
                }
            )
        current.refund_amount = quantize(value, order.currency)
        current.status = ReturnStatus.REFUND_REQUESTED
        current.save(update_fields=["refund_amount", "status"])
        emit(
            "return.refund_requested",
            {
                **_return_payload(order, current, actor, actor_label),
                "amount": current.refund_amount,
            },
            aggregate=current,
        )
    return current


def mark_refunded(
    request: ReturnRequest,
    *,
    reference: str = "",
    refunded_at: datetime | None = None,
    actor: User | None = None,
    actor_label: str = "payments",
) -> Order:
    """Payments confirms the refund of a return: the order is refunded, fully or in part."""
    with transaction.atomic():
        order, current = _lock_return(request, [ReturnStatus.REFUND_REQUESTED], "marked refunded")
        assert current.refund_amount is not None  # set with the refund_requested status
        moment = refunded_at or timezone.now()
        current.status = ReturnStatus.REFUNDED
        current.refund_reference = reference
        current.refunded_at = moment
        current.save(update_fields=["status", "refund_reference", "refunded_at"])
        order.refunded_amount += current.refund_amount
        target = (
            Status.REFUNDED
            if order.refunded_amount >= order.total_amount
            else Status.PARTIALLY_REFUNDED
        )
        _move(
            order,
            target,
            actor=actor,
            actor_label=actor_label,
            reason=f"Refunded {current.refund_amount:f} {order.currency} for return {current.pk}",
            at=moment,
            also_save=["refunded_amount"],
        )
        emit(
            "return.refunded",
            {
                **_return_payload(order, current, actor, actor_label),
                "amount": current.refund_amount,
            },
            aggregate=current,
        )
    return order
