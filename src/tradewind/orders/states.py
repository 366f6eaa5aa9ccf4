"""The order lifecycle as an explicit state machine (pure: no Django).

Every status change goes through :func:`check`; anything not in :data:`TRANSITIONS` is
refused with a message a shopper-support agent can act on.

    pending_payment -> paid | cancelled
    paid -> partially_fulfilled | fulfilled | cancelled
    partially_fulfilled -> fulfilled
    fulfilled -> delivered
    delivered -> return_requested
    return_requested -> returned | delivered | partially_refunded
    returned -> refunded | partially_refunded
    partially_refunded -> return_requested | refunded

A rejected return sends the order back where it was before the request (delivered or
partially_refunded). Once goods have left a warehouse the order cannot be cancelled; a
return is the way back. ``refunded`` and ``cancelled`` are final.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    DELIVERED = "delivered"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    CANCELLED = "cancelled"


LABELS: dict[Status, str] = {
    Status.PENDING_PAYMENT: "Pending payment",
    Status.PAID: "Paid",
    Status.PARTIALLY_FULFILLED: "Partially fulfilled",
    Status.FULFILLED: "Fulfilled",
    Status.DELIVERED: "Delivered",
    Status.RETURN_REQUESTED: "Return requested",
    Status.RETURNED: "Returned",
    Status.REFUNDED: "Refunded",
    Status.PARTIALLY_REFUNDED: "Partially refunded",
    Status.CANCELLED: "Cancelled",
}

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.PENDING_PAYMENT: (Status.PAID, Status.CANCELLED),
    Status.PAID: (Status.PARTIALLY_FULFILLED, Status.FULFILLED, Status.CANCELLED),
    Status.PARTIALLY_FULFILLED: (Status.FULFILLED,),
    Status.FULFILLED: (Status.DELIVERED,),
    Status.DELIVERED: (Status.RETURN_REQUESTED,),
    Status.RETURN_REQUESTED: (Status.RETURNED, Status.DELIVERED, Status.PARTIALLY_REFUNDED),
    Status.RETURNED: (Status.REFUNDED, Status.PARTIALLY_REFUNDED),
    Status.PARTIALLY_REFUNDED: (Status.RETURN_REQUESTED, Status.REFUNDED),
    Status.REFUNDED: (),
    Status.CANCELLED: (),
}

FINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)


class IllegalTransition(ValueError):
    def __init__(self, current: str, target: str) -> None:
        self.current = current
        self.target = target
        super().__init__(_message(current, target))


def _message(current: str, target: str) -> str:
    known = {s.value for s in Status}
    if target not in known:
        return f"'{target}' is not an order status; known: {', '.join(sorted(known))}."
    if current not in known:
        return f"'{current}' is not an order status; known: {', '.join(sorted(known))}."
    allowed = allowed_next(current)
    if not allowed:
        return f"An order that is '{current}' is final and cannot become '{target}'."
    return (
        f"An order that is '{current}' cannot become '{target}'. "
        f"Allowed next: {', '.join(allowed)}."
    )


def allowed_next(current: str) -> tuple[str, ...]:
    return tuple(s.value for s in TRANSITIONS.get(Status(current), ()))


def is_allowed(current: str, target: str) -> bool:
    try:
        return Status(target) in TRANSITIONS[Status(current)]
    except ValueError:
        return False


def check(current: str, target: str) -> None:
    """Raise IllegalTransition unless an order may go from ``current`` to ``target``."""
    if not is_allowed(current, target):
        raise IllegalTransition(current, target)
