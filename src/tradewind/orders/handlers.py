"""How orders react to payment and return events, and the outbox topics they consume.

:data:`HANDLERS` maps each topic to its one consumer, for
:func:`tradewind.core.outbox.dispatch_pending`; it includes the shopper's emails
(:data:`tradewind.orders.emails.HANDLERS`). A handler's writes commit together with the
event being marked done, so an event is handled again only after its handling rolled back;
still, each handler first looks at where the order already is, so a repeated event (or the
same news told twice, e.g. a card captured after it was authorized) changes nothing.

- ``payment.succeeded``: the order is paid and its reserved stock committed. That includes
  an *authorized* payment: a card held for capture at shipping, or cash on delivery
  accepted. A cash-on-delivery order must ship before the cash exists, so accepting it is
  what confirms the order. Money secured for an order cancelled meanwhile goes back.
- ``payment.failed``: a final failure (expired, voided) cancels the order, which releases
  its stock; a declined card (``final`` false) leaves it pending for the shopper to retry.
- ``return.refund_requested``: the refund is sent through payments.
- ``payment.refunded``: the return it pays is marked refunded (whose ``return.refunded``
  sends the refund email); a refund of no return (money that arrived after the order was
  given up, a refund made in the gateway's dashboard) gets its refund email directly.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from moneyed import Money

from tradewind.core.models import OutboxEvent
from tradewind.core.outbox import Handler
from tradewind.orders import emails, services
from tradewind.orders.models import Order, ReturnRequest, ReturnStatus
from tradewind.orders.states import Status

__all__ = ["HANDLERS", "ORDER_HANDLERS", "RefundRefused"]

logger = logging.getLogger(__name__)

SECURED_REASONS = {
    "captured": "Payment captured",
    "authorized": "Payment authorized",
}


class RefundRefused(RuntimeError):
    """A return's refund could not be made; the event is retried and its error kept."""


def _order(payload: dict[str, Any]) -> Order | None:
    order = Order.objects.filter(pk=int(payload["order_id"])).select_related("market").first()
    if order is None:
        logger.warning("Event for order %s, which does not exist.", payload.get("order_id"))
    return order


def _payments_label(payload: dict[str, Any]) -> str:
    return f"payments:{payload.get('provider', '')}"


def _money(payload: dict[str, Any], key: str) -> Money:
    return Money(Decimal(str(payload[key])), str(payload["currency"]))


def payment_succeeded(event: OutboxEvent) -> None:
    payload = event.payload
    order = _order(payload)
    if order is None:
        return
    if order.status == Status.CANCELLED:
        _give_back(order, payload)
        return
    if order.status != Status.PENDING_PAYMENT:
        return  # paid already
    if payload.get("method") == "cod":
        reason = "Cash on delivery accepted: paid on delivery"
    else:
        reason = SECURED_REASONS.get(payload.get("status", ""), "Payment received")
    services.transition(order, Status.PAID, actor_label=_payments_label(payload), reason=reason)
    _commit_stock(order)


def _commit_stock(order: Order) -> None:
    """Take the paid units off the shelf count; claim them again if the hold lapsed."""
    if not order.reservation_reference:
        return
    from tradewind.inventory import services as inventory

    if inventory.commit_reservation(order.reservation_reference):
        return
    wanted = [
        (line.variant_id, line.quantity)
        for line in order.lines.all()
        if line.variant_id is not None
    ]
    if not wanted:
        return
    try:
        inventory.reserve(wanted, order.market, reference=order.reservation_reference)
    except inventory.OutOfStock as short:
        # The order stays paid (the money is real); staff must find the units or refund.
        logger.error(
            "Order %s was paid after its stock hold expired and is short: %s", order.number, short
        )
        return
    inventory.commit_reservation(order.reservation_reference)


def _give_back(order: Order, payload: dict[str, Any]) -> None:
    """Money secured for an order already cancelled goes back to the shopper."""
    from tradewind.payments import services as payments

    payment_id = int(payload["payment_id"])
    label = f"order {order.number} cancelled"
    if payload.get("status") == "authorized":
        payments.void(payment_id, actor_label=label)
        return
    payments.refund(
        payment_id,
        _money(payload, "amount"),
        reason=f"Order {order.number} was cancelled before the payment arrived.",
        actor_label=label,
        idempotency_key=f"cancelled-order-{payment_id}",
    )


def payment_failed(event: OutboxEvent) -> None:
    payload = event.payload
    if not payload.get("final"):
        return  # the shopper may try again; the stock stays held until the payment expires
    order = _order(payload)
    if order is None or order.status != Status.PENDING_PAYMENT:
        return
    services.cancel(
        order,
        actor_label=_payments_label(payload),
        reason=payload.get("message") or f"Payment {payload.get('status', 'failed')}",
    )


def refund_requested(event: OutboxEvent) -> None:
    payload = event.payload
    request = ReturnRequest.objects.filter(pk=payload.get("return_id")).first()
    if request is None or request.status != ReturnStatus.REFUND_REQUESTED:
        return  # refunded already
    payment_id = _refundable_payment(request.order_id)
    if payment_id is None:
        raise RefundRefused(
            f"Order {payload.get('number')} has no captured payment to refund; "
            "refund it by hand and mark the return refunded."
        )
    from tradewind.payments import services as payments

    refund = payments.refund(
        payment_id,
        _money(payload, "amount"),
        reason=f"Return {request.pk}",
        actor_label=str(payload.get("actor") or "returns"),
        idempotency_key=f"return-{request.pk}",
    )
    if not refund.succeeded:
        # Raising rolls the refused attempt back, so the retry asks the gateway afresh.
        raise RefundRefused(
            f"The gateway refused the refund of return {request.pk}: {refund.message}"
        )


def _refundable_payment(order_id: int) -> int | None:
    from tradewind.payments.models import Payment, PaymentStatus

    return (
        Payment.objects.filter(
            order_id=order_id,
            status__in=(PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED),
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


def payment_refunded(event: OutboxEvent) -> None:
    payload = event.payload
    order = _order(payload)
    if order is None:
        return
    refund_ref = str(payload.get("refund_id", ""))
    returns = ReturnRequest.objects.filter(order=order)
    if returns.filter(refund_reference=refund_ref).exists():
        return  # this refund already settled its return
    refunded = _money(payload, "refunded")
    request = (
        returns.filter(status=ReturnStatus.REFUND_REQUESTED, refund_amount=refunded.amount)
        .order_by("pk")
        .first()
    )
    if request is not None and not payload.get("late"):
        services.mark_refunded(request, reference=refund_ref, actor_label=_payments_label(payload))
    else:
        emails.send_refund(order, refunded)


ORDER_HANDLERS: dict[str, Handler] = {
    "payment.succeeded": payment_succeeded,
    "payment.failed": payment_failed,
    "return.refund_requested": refund_requested,
    "payment.refunded": payment_refunded,
}

HANDLERS: dict[str, Handler] = {**ORDER_HANDLERS, **emails.HANDLERS}
