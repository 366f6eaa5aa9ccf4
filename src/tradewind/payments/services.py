"""Payment use cases: start, confirm, capture, refund, void, expire and webhooks.

A payment needs only an order id, a reference (the order number), an amount and a market;
the order side hears back through outbox events in the same transaction as the change:

- ``payment.succeeded``: money is secured (captured, or authorized: a card held for later
  capture, or cash on delivery accepted for shipping; ``status`` tells which).
- ``payment.failed``: this attempt failed. ``final`` is false when the shopper may try again
  (a declined card) and true when the payment is over (expired, voided); the order stays
  pending with its stock reserved until then.
- ``payment.refunded``: money went back; ``late`` marks money that arrived after the
  payment had already been given up and was returned automatically.

Gateway calls for payments already stored run while the payment row is locked, so two
requests (a staff click and a webhook) never act on the same payment at once.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from moneyed import Money

from tradewind.core.money import quantize
from tradewind.markets.models import Market, PaymentMethod
from tradewind.payments.models import (
    CLOSED_WITHOUT_MONEY,
    OPEN_STATUSES,
    SECURED_STATUSES,
    TRANSITIONS,
    MarketPaymentSettings,
    Payment,
    PaymentStatus,
    PaymentTransaction,
    Refund,
    TransactionKind,
    WebhookEvent,
)
from tradewind.payments.providers import get_provider, provider_for_method, setting
from tradewind.payments.providers.base import (
    AuthorizeRequest,
    InvalidDetails,
    InvalidWebhook,
    NoticeKind,
    Outcome,
    PaymentProvider,
    PaymentRef,
    ProviderError,
    ProviderResult,
    WebhookNotice,
)

__all__ = [
    "IllegalPaymentTransition",
    "InvalidWebhook",
    "MethodOption",
    "PaymentResult",
    "PaymentServiceUnavailable",
    "WebhookOutcome",
    "available_methods",
    "capture",
    "confirm_action",
    "expire_pending",
    "handle_webhook",
    "mark_reviewed",
    "refund",
    "start_payment",
    "void",
]

S = PaymentStatus
UNAVAILABLE = "The payment service is unavailable. Your order is kept; try again in a moment."
DEFAULT_MESSAGES: dict[str, str] = {
    S.PENDING: "Waiting for the payment.",
    S.REQUIRES_ACTION: "Confirm this payment with your bank.",
    S.AUTHORIZED: "Payment authorized.",
    S.CAPTURED: "Payment received.",
    S.FAILED: "The payment failed.",
    S.VOIDED: "The payment was cancelled.",
    S.EXPIRED: "The payment was not completed in time.",
    S.REFUNDED: "The payment was refunded.",
    S.PARTIALLY_REFUNDED: "Part of the payment was refunded.",
}


class IllegalPaymentTransition(ValidationError):
    """An operation the payment's status does not allow, e.g. capturing a declined card."""


class PaymentServiceUnavailable(RuntimeError):
    """The gateway could not be reached; nothing changed and the request may be retried."""


@dataclass(frozen=True)
class PaymentResult:
    payment_id: int
    status: str
    provider: str
    method: str
    amount: Money
    message: str
    code: str = ""
    action: dict[str, Any] | None = None
    instructions: dict[str, Any] | None = None
    expires_at: datetime | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in SECURED_STATUSES

    @property
    def failed(self) -> bool:
        return self.status in CLOSED_WITHOUT_MONEY


@dataclass(frozen=True)
class WebhookOutcome:
    event_id: str
    payment_id: int | None
    outcome: str
    needs_review: bool
    replay: bool


@dataclass(frozen=True)
class MethodOption:
    method: str
    label: str
    available: bool
    reason: str = ""


def _result(payment: Payment) -> PaymentResult:
    return PaymentResult(
        payment_id=payment.pk,
        status=payment.status,
        provider=payment.provider,
        method=payment.method,
        amount=payment.amount_money,
        message=payment.message,
        code=payment.failure_code,
        action=payment.action,
        instructions=payment.instructions,
        expires_at=payment.expires_at,
    )


def _shown(value: Money) -> str:
    code = value.currency.code
    return f"{quantize(value.amount, code)} {code}"


def _plain(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))


def _emit(topic: str, payment: Payment, **extra: Any) -> None:
    from tradewind.core.outbox import emit

    payload: dict[str, Any] = {
        "payment_id": payment.pk,
        "order_id": payment.order_id,
        "reference": payment.reference,
        "method": payment.method,
        "provider": payment.provider,
        "status": payment.status,
        "amount": _plain(payment.amount, payment.currency),
        "currency": payment.currency,
        **extra,
    }
    emit(topic, payload, aggregate=payment)


def _move(payment: Payment, to: str) -> None:
    if to != payment.status and to not in TRANSITIONS[payment.status]:
        raise IllegalPaymentTransition(
            f"Payment {payment.reference} is {payment.get_status_display().lower()} "
            f"and cannot become {S(to).label.lower()}."
        )
    payment.status = to


def _log(
    payment: Payment,
    kind: str,
    before: str,
    *,
    succeeded: bool = True,
    amount: Money | None = None,
    code: str = "",
    message: str = "",
    raw: dict[str, Any] | None = None,
    actor_label: str = "",
) -> None:
    PaymentTransaction.objects.create(
        payment=payment,
        kind=kind,
        succeeded=succeeded,
        status_before=before,
        status_after=payment.status,
        amount=None if amount is None else amount.amount,
        code=code,
        message=message[:300],
        raw=raw or {},
        actor_label=actor_label,
    )


def _notify(payment: Payment, before: str) -> None:
    """Tell the order side about a change of status (none when nothing changed for it)."""
    if payment.status == before:
        return
    if payment.status in SECURED_STATUSES and before not in SECURED_STATUSES:
        _emit("payment.succeeded", payment)
    elif payment.status in CLOSED_WITHOUT_MONEY:
        final = payment.status != S.FAILED
        _emit(
            "payment.failed",
            payment,
            code=payment.failure_code,
            message=payment.message,
            final=final,
        )


def _captures_at_once(method: str) -> bool:
    """Cards are captured on approval unless ``TRADEWIND_CARD_CAPTURE=manual`` asks to hold
    the money and capture at shipping; the other methods settle their own way."""
    return method != PaymentMethod.CARD or setting("TRADEWIND_CARD_CAPTURE") != "manual"


def _ref(payment: Payment) -> PaymentRef:
    return PaymentRef(
        provider_ref=payment.provider_ref,
        reference=payment.reference,
        amount=payment.amount_money,
        idempotency_key=payment.idempotency_key,
        capture=_captures_at_once(payment.method),
    )


def _settings(market: Market) -> MarketPaymentSettings:
    found = MarketPaymentSettings.objects.filter(market=market).first()
    return found or MarketPaymentSettings(market=market)


def _method_problem(market: Market, method: str, amount: Money) -> str | None:
    """Why ``method`` cannot pay ``amount`` in ``market``, or None if it can."""
    label = PaymentMethod(method).label if method in PaymentMethod.values else method
    if method not in market.payment_methods:
        return f"{label} is not offered in {market.name}."
    if provider_for_method(method) is None:
        return f"{label} is not supported by this store's payment providers yet."
    if method == PaymentMethod.CASH_ON_DELIVERY:
        limit = _settings(market).cod_max_amount
        if limit is not None and amount.amount > limit:
            return (
                f"Cash on delivery is available up to {_shown(Money(limit, market.currency))} "
                f"in {market.name}; this order is {_shown(amount)}."
            )
    return None


def available_methods(market: Market, amount: Money) -> list[MethodOption]:
    """The market's payment methods for an order of ``amount``, each with why it is not offered."""
    options = []
    for method in market.payment_methods:
        problem = _method_problem(market, method, amount)
        label = PaymentMethod(method).label if method in PaymentMethod.values else method
        options.append(MethodOption(method, label, problem is None, problem or ""))
    return options


def _check_request(market: Market, method: str, amount: Money) -> None:
    if amount.currency.code != market.currency:
        raise ValidationError(
            {"amount": f"{market.name} pays in {market.currency}, not {amount.currency.code}."}
        )
    if amount.amount <= 0:
        raise ValidationError({"amount": "The amount to pay must be above zero."})
    problem = _method_problem(market, method, amount)
    if problem:
        raise ValidationError({"method": problem})


def _replay(payment: Payment, order_id: int, amount: Money, method: str) -> PaymentResult:
    if (payment.order_id, payment.amount_money, payment.method) != (order_id, amount, method):
        raise ValidationError(
            {"idempotency_key": "This idempotency key was already used for another payment."}
        )
    return _result(payment)


def _expiry(market: Market, method: str, outcome: Outcome, now: datetime) -> datetime | None:
    if outcome is Outcome.REQUIRES_ACTION:
        return now + timedelta(minutes=_settings(market).card_action_minutes)
    if outcome is Outcome.PENDING and method == PaymentMethod.BANK_TRANSFER:
        return now + timedelta(days=_settings(market).bank_transfer_days)
    return None


def start_payment(
    *,
    order_id: int,
    reference: str,
    amount: Money,
    market: Market,
    method: str,
    details: Mapping[str, str],
    idempotency_key: str,
) -> PaymentResult:
    """Pay an order with one of its market's methods.

    The same ``idempotency_key`` returns the same payment, never a second charge. An order
    already paid refuses another payment. Malformed details raise a ValidationError naming
    the field and store nothing; a declined card is stored as a failed payment and reported
    with ``payment.failed`` (not final: the shopper may try another card).
    """
    if not idempotency_key:
        raise ValidationError({"idempotency_key": "An idempotency key is required."})
    # One query finds a replay, a payment that already paid the order, and earlier
    # attempts still open (an abandoned 3-D Secure, an unpaid transfer) that this one
    # replaces.
    found = list(
        Payment.objects.filter(
            Q(idempotency_key=idempotency_key)
            | Q(order_id=order_id, status__in=(*SECURED_STATUSES, *OPEN_STATUSES))
        )
    )
    for payment in found:
        if payment.idempotency_key == idempotency_key:
            return _replay(payment, order_id, amount, method)
    if any(payment.status in SECURED_STATUSES for payment in found):
        raise ValidationError({"order": f"Order {reference} is already paid."})
    _check_request(market, method, amount)
    provider_name = provider_for_method(method)
    assert provider_name is not None  # _check_request refused unsupported methods
    provider = get_provider(provider_name)
    now = timezone.now()
    request = AuthorizeRequest(
        reference=reference,
        amount=amount,
        details=details,
        idempotency_key=idempotency_key,
        at=now,
        capture=_captures_at_once(method),
        expires_at=_expiry(market, method, Outcome.PENDING, now),
        metadata={"order_id": str(order_id)},
    )
    try:
        result = provider.authorize(request)
    except InvalidDetails as exc:
        raise ValidationError(exc.errors) from None
    except ProviderError as exc:
        result = ProviderResult(
            Outcome.FAILED, code="provider_error", message=UNAVAILABLE, raw={"error": str(exc)}
        )
    status = str(result.outcome)
    payment = Payment(
        order_id=order_id,
        market=market,
        reference=reference,
        provider=provider_name,
        method=method,
        status=status,
        amount=amount.amount,
        currency=amount.currency.code,
        captured_amount=amount.amount if result.outcome is Outcome.CAPTURED else 0,
        provider_ref=result.provider_ref,
        idempotency_key=idempotency_key,
        message=result.message or DEFAULT_MESSAGES[status],
        failure_code=result.code if result.outcome is Outcome.FAILED else "",
        action=result.action,
        instructions=result.instructions,
        expires_at=_expiry(market, method, result.outcome, now),
    )
    try:
        with transaction.atomic():
            for earlier in found:
                _supersede(_locked(earlier.pk), f"Replaced by a new attempt ({method}).")
            payment.save(force_insert=True)
            _log(
                payment,
                TransactionKind.AUTHORIZE,
                S.PENDING,
                succeeded=result.outcome is not Outcome.FAILED,
                amount=amount,
                code=result.code,
                message=result.message,
                raw=result.raw,
            )
            _notify(payment, S.PENDING)
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its payment.
        winner = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if winner is None:
            raise
        return _replay(winner, order_id, amount, method)
    return _result(payment)


def _locked(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def _supersede(payment: Payment, why: str) -> None:
    """Close an attempt another payment of the order replaces, without telling the order
    (it is paid, or about to be, by the other one). Money arriving for it later is
    returned or flagged like any late payment."""
    if payment.status not in (*OPEN_STATUSES, S.AUTHORIZED):
        return
    before = payment.status
    if payment.provider_ref:
        # The gateway closes it on its own otherwise; a late success is refunded by webhook.
        with contextlib.suppress(ProviderError):
            get_provider(payment.provider).void(_ref(payment))
    _move(payment, S.VOIDED)
    payment.failure_code = "superseded"
    payment.message = why
    payment.action = None
    payment.save()
    _log(payment, TransactionKind.VOID, before, succeeded=False, code="superseded", message=why)


def _apply(
    payment: Payment,
    kind: str,
    result: ProviderResult,
    *,
    amount: Money | None = None,
    actor_label: str = "",
) -> None:
    before = payment.status
    _move(payment, result.outcome)
    payment.provider_ref = result.provider_ref or payment.provider_ref
    if payment.status == S.CAPTURED:
        payment.captured_amount = (amount or payment.amount_money).amount
    if payment.status == S.FAILED:
        payment.failure_code = result.code
    payment.action = result.action if payment.status == S.REQUIRES_ACTION else None
    payment.message = result.message or DEFAULT_MESSAGES[payment.status]
    payment.save()
    _log(
        payment,
        kind,
        before,
        succeeded=payment.status != S.FAILED,
        amount=amount,
        code=result.code,
        message=result.message,
        raw=result.raw,
        actor_label=actor_label,
    )
    _notify(payment, before)


def _expire(payment: Payment, provider: PaymentProvider | None = None) -> None:
    """Close an open payment whose time ran out; a pending gateway challenge is cancelled."""
    before = payment.status
    if provider is not None and before == S.REQUIRES_ACTION and payment.provider_ref:
        # A payment completed later still arrives by webhook and is refunded.
        with contextlib.suppress(ProviderError):
            provider.void(_ref(payment))
    _move(payment, S.EXPIRED)
    payment.failure_code = "expired"
    payment.message = DEFAULT_MESSAGES[S.EXPIRED]
    payment.action = None
    payment.save()
    _log(payment, TransactionKind.EXPIRE, before, succeeded=False, code="expired")
    _notify(payment, before)


def confirm_action(*, payment_id: int, data: Mapping[str, str]) -> PaymentResult:
    """Finish the step the shopper completed (3-D Secure); repeating it changes nothing."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status != S.REQUIRES_ACTION:
            if payment.status in (*SECURED_STATUSES, S.FAILED, S.EXPIRED):
                return _result(payment)
            raise IllegalPaymentTransition(
                f"Payment {payment.reference} is {payment.get_status_display().lower()}; "
                "there is nothing to confirm."
            )
        provider = get_provider(payment.provider)
        if payment.expires_at is not None and payment.expires_at <= timezone.now():
            _expire(payment, provider)
            return _result(payment)
        try:
            result = provider.confirm(_ref(payment), data)
        except InvalidDetails as exc:
            raise ValidationError(exc.errors) from None
        except ProviderError as exc:
            raise PaymentServiceUnavailable(UNAVAILABLE) from exc
        _apply(payment, TransactionKind.CONFIRM, result)
        return _result(payment)


def _checked_amount(payment: Payment, amount: Money, limit: Money, what: str, done: str) -> None:
    if amount.currency != limit.currency:
        raise ValidationError(
            {
                "amount": f"Payment {payment.reference} is in {payment.currency}, "
                f"not {amount.currency.code}."
            }
        )
    if amount.amount <= 0:
        raise ValidationError({"amount": f"The amount to {what} must be above zero."})
    if amount > limit:
        raise ValidationError(
            {"amount": f"At most {_shown(limit)} can be {done}; {_shown(amount)} was asked."}
        )


def capture(
    payment_id: int, amount: Money | None = None, *, actor_label: str = ""
) -> PaymentResult:
    """Take authorized money: a held card, cash handed over by the courier, or a bank
    transfer staff found on the statement. ``amount`` defaults to the whole payment."""
    with transaction.atomic():
        payment = _locked(payment_id)
        capturable = payment.status == S.AUTHORIZED or (
            payment.status == S.PENDING and payment.method == PaymentMethod.BANK_TRANSFER
        )
        if not capturable:
            raise IllegalPaymentTransition(
                f"Payment {payment.reference} is {payment.get_status_display().lower()}; "
                "only an authorized payment (or a bank transfer awaited) can be captured."
            )
        taken = amount or payment.amount_money
        _checked_amount(payment, taken, payment.amount_money, "capture", "captured")
        try:
            result = get_provider(payment.provider).capture(_ref(payment), taken)
        except ProviderError as exc:
            raise PaymentServiceUnavailable(UNAVAILABLE) from exc
        _apply(payment, TransactionKind.CAPTURE, result, amount=taken, actor_label=actor_label)
        return _result(payment)


def void(payment_id: int, *, actor_label: str = "") -> PaymentResult:
    """Cancel a payment before money moved, e.g. when its order is cancelled."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status not in (*OPEN_STATUSES, S.AUTHORIZED):
            raise IllegalPaymentTransition(
                f"Payment {payment.reference} is {payment.get_status_display().lower()}; "
                "only a payment not yet captured can be voided (refund it instead)."
            )
        try:
            result = get_provider(payment.provider).void(_ref(payment))
        except ProviderError as exc:
            raise PaymentServiceUnavailable(UNAVAILABLE) from exc
        payment.failure_code = "voided"
        _apply(payment, TransactionKind.VOID, result, actor_label=actor_label)
        return _result(payment)


def _refund_status(payment: Payment) -> str:
    if payment.refunded_amount >= payment.captured_amount:
        return S.REFUNDED
    if payment.status in CLOSED_WITHOUT_MONEY:
        return payment.status
    return S.PARTIALLY_REFUNDED


def _book_refund(
    payment: Payment,
    provider: PaymentProvider,
    amount: Money,
    *,
    idempotency_key: str,
    reason: str,
    actor_label: str,
    kind: str = TransactionKind.REFUND,
    late: bool = False,
) -> Refund:
    outcome = provider.refund(_ref(payment), amount, idempotency_key=idempotency_key)
    refund = Refund.objects.create(
        payment=payment,
        amount=amount.amount,
        currency=amount.currency.code,
        succeeded=outcome.succeeded,
        provider_ref=outcome.provider_ref,
        idempotency_key=idempotency_key,
        reason=reason[:300],
        message=outcome.message[:300],
        actor_label=actor_label,
    )
    before = payment.status
    if outcome.succeeded:
        payment.refunded_amount += amount.amount
        _move(payment, _refund_status(payment))
        payment.save()
    _log(
        payment,
        kind,
        before,
        succeeded=outcome.succeeded,
        amount=amount,
        message=outcome.message,
        raw=outcome.raw,
        actor_label=actor_label,
    )
    if outcome.succeeded:
        _emit(
            "payment.refunded",
            payment,
            refund_id=refund.pk,
            refunded=_plain(amount.amount, payment.currency),
            total_refunded=_plain(payment.refunded_amount, payment.currency),
            late=late,
        )
    return refund


def refund(
    payment_id: int,
    amount: Money,
    *,
    reason: str = "",
    actor_label: str = "",
    idempotency_key: str | None = None,
) -> Refund:
    """Send captured money back, in part or in full, never more than was captured.

    A refund the gateway refuses is kept with ``succeeded=False`` and changes no amount.
    """
    with transaction.atomic():
        payment = _locked(payment_id)
        if idempotency_key:
            earlier = Refund.objects.filter(idempotency_key=idempotency_key).first()
            if earlier is not None:
                if earlier.payment_id != payment.pk or earlier.amount_money != amount:
                    raise ValidationError(
                        {"idempotency_key": "This key was already used for another refund."}
                    )
                return earlier
        if payment.captured_amount <= payment.refunded_amount:
            raise IllegalPaymentTransition(
                f"Payment {payment.reference} is {payment.get_status_display().lower()}; "
                "it holds no captured money to refund."
            )
        _checked_amount(payment, amount, payment.refundable_money, "refund", "refunded")
        provider = get_provider(payment.provider)
        try:
            return _book_refund(
                payment,
                provider,
                amount,
                idempotency_key=idempotency_key or f"refund-{uuid.uuid4().hex}",
                reason=reason,
                actor_label=actor_label,
            )
        except ProviderError as exc:
            raise PaymentServiceUnavailable(UNAVAILABLE) from exc


def expire_pending(now: datetime | None = None, *, batch: int = 500) -> int:
    """Expire open payments past their deadline; returns how many expired.

    Each payment expires in its own transaction, so one failure does not hold back others.
    """
    moment = now or timezone.now()
    due = list(
        Payment.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=moment)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:batch]
    )
    expired = 0
    for payment_id in due:
        with transaction.atomic():
            payment = _locked(payment_id)
            if payment.status not in OPEN_STATUSES:
                continue  # completed while we were looking
            _expire(payment, get_provider(payment.provider))
            expired += 1
    return expired


def mark_reviewed(payment_id: int, *, note: str, actor_label: str = "") -> None:
    """Clear a payment's review flag once staff settled it (the note says how)."""
    with transaction.atomic():
        payment = _locked(payment_id)
        payment.needs_review = False
        payment.review_reason = f"{payment.review_reason}\nSettled: {note}".strip()
        payment.save(update_fields=["needs_review", "review_reason", "updated_at"])


def _flag(payment: Payment, reason: str) -> None:
    payment.needs_review = True
    payment.review_reason = f"{payment.review_reason}\n{reason}".strip()


def _find_payment(provider_name: str, notice: WebhookNotice) -> Payment | None:
    payments = Payment.objects.select_for_update().filter(provider=provider_name)
    if notice.provider_ref:
        return payments.filter(provider_ref=notice.provider_ref).first()
    if notice.reference:
        return payments.filter(reference=notice.reference).order_by("-created_at", "-pk").first()
    return None


def _late_money(
    payment: Payment, provider: PaymentProvider, received: Money, why: str, event_id: str
) -> tuple[str, bool]:
    """Money arrived for a payment the store no longer expects: return it or flag it."""
    before = payment.status
    payment.captured_amount = payment.refunded_amount + received.amount
    payment.save()
    _log(payment, TransactionKind.WEBHOOK, before, amount=received, message=why)
    if provider.refunds_automatically:
        try:
            refund: Refund | None = _book_refund(
                payment,
                provider,
                received,
                idempotency_key=f"late-{payment.provider}-{event_id}",
                reason=why,
                actor_label="automatic",
                late=True,
            )
        except ProviderError:
            refund = None
        if refund is not None and refund.succeeded:
            payment.review_reason = f"{payment.review_reason}\n{why} Refunded automatically."
            payment.review_reason = payment.review_reason.strip()
            payment.save(update_fields=["review_reason", "updated_at"])
            return "late payment refunded automatically", False
    _flag(payment, f"{why} Refund it or reopen the order.")
    payment.save()
    return "late payment flagged for review", True


def _money_secured(
    payment: Payment, provider: PaymentProvider, notice: WebhookNotice
) -> tuple[str, bool]:
    target = Outcome.CAPTURED if notice.kind is NoticeKind.CAPTURED else Outcome.AUTHORIZED
    received = notice.amount or payment.amount_money
    if payment.status in CLOSED_WITHOUT_MONEY:
        why = (
            f"{_shown(received)} arrived after the payment was "
            f"{payment.get_status_display().lower()}."
        )
        return _late_money(payment, provider, received, why, notice.event_id)
    advances = payment.status in OPEN_STATUSES or (
        payment.status == S.AUTHORIZED and target is Outcome.CAPTURED
    )
    if not advances:
        return f"already {payment.status}", False
    other_paid = (
        Payment.objects.filter(order_id=payment.order_id, status__in=SECURED_STATUSES)
        .exclude(pk=payment.pk)
        .exists()
    )
    if other_paid:
        why = f"{_shown(received)} arrived but order {payment.reference} was already paid."
        _supersede(payment, why)
        return _late_money(payment, provider, received, why, notice.event_id)
    if received.currency != payment.amount_money.currency or received < payment.amount_money:
        _flag(
            payment,
            f"{_shown(received)} arrived, {_shown(payment.amount_money)} was due; "
            "collect the rest or refund it.",
        )
        payment.save()
        _log(payment, TransactionKind.WEBHOOK, payment.status, amount=received, code="underpaid")
        return "underpaid: flagged for review", True
    review = received > payment.amount_money
    if review:
        _flag(payment, f"{_shown(received)} arrived, {_shown(payment.amount_money)} was due.")
    _apply(
        payment,
        TransactionKind.WEBHOOK,
        ProviderResult(target, raw={"event": notice.event_id}),
        amount=received,
    )
    return str(target), review


def _refunded_at_gateway(payment: Payment, notice: WebhookNotice) -> tuple[str, bool]:
    """A refund made outside the store (e.g. in the gateway's dashboard) is booked too."""
    total = notice.amount or payment.captured_money
    delta = total.amount - payment.refunded_amount
    if delta <= 0:
        return "refund already booked", False
    if total.amount > payment.captured_amount:
        _flag(payment, f"The gateway reports {_shown(total)} refunded, more than captured.")
        payment.save()
        return "refund above captured: flagged for review", True
    refund = Refund.objects.create(
        payment=payment,
        amount=delta,
        currency=payment.currency,
        succeeded=True,
        provider_ref=notice.refund_ref,
        idempotency_key=f"gateway-{payment.provider}-{notice.event_id}",
        reason="Refunded at the payment gateway.",
        actor_label="gateway",
    )
    before = payment.status
    payment.refunded_amount = total.amount
    _move(payment, _refund_status(payment))
    payment.save()
    _log(payment, TransactionKind.WEBHOOK, before, amount=Money(delta, payment.currency))
    _emit(
        "payment.refunded",
        payment,
        refund_id=refund.pk,
        refunded=_plain(delta, payment.currency),
        total_refunded=_plain(payment.refunded_amount, payment.currency),
        late=False,
    )
    return "refund booked", False


def _react(payment: Payment, provider: PaymentProvider, notice: WebhookNotice) -> tuple[str, bool]:
    if notice.kind in (NoticeKind.AUTHORIZED, NoticeKind.CAPTURED):
        return _money_secured(payment, provider, notice)
    if notice.kind is NoticeKind.REFUNDED:
        return _refunded_at_gateway(payment, notice)
    closes = {NoticeKind.FAILED: Outcome.FAILED, NoticeKind.VOIDED: Outcome.VOIDED}
    target = closes.get(notice.kind)
    if target is None:
        return "ignored", False
    if payment.status in OPEN_STATUSES or (
        target is Outcome.VOIDED and payment.status == S.AUTHORIZED
    ):
        code = "card_declined" if target is Outcome.FAILED else "voided"
        _apply(
            payment,
            TransactionKind.WEBHOOK,
            ProviderResult(target, code=code, message=notice.message),
        )
        return str(target), False
    return f"no change: payment is {payment.status}", False


def handle_webhook(provider: str, body: bytes, headers: Mapping[str, str]) -> WebhookOutcome:
    """Verify and apply a gateway's webhook, once per event id.

    A bad signature raises InvalidWebhook (answer 400) and stores nothing. A replay returns
    the first delivery's outcome without acting again. An event no payment matches, or
    money arriving for a payment already given up, is kept and flagged, never dropped.
    """
    gateway = get_provider(provider)
    notice = gateway.parse_webhook(body, headers)
    seen = WebhookEvent.objects.filter(provider=provider, event_id=notice.event_id).first()
    if seen is not None:
        return _outcome(seen, replay=True)
    try:
        with transaction.atomic():
            # Stored first: a concurrent delivery of the same event waits on this row's
            # unique key and then answers as a replay.
            event = WebhookEvent.objects.create(
                provider=provider,
                event_id=notice.event_id,
                kind=notice.kind,
                payload=notice.raw,
                outcome="received",
            )
            payment = _find_payment(provider, notice)
            if payment is None:
                review = notice.kind is not NoticeKind.IGNORED
                outcome = "no matching payment: kept for review" if review else "ignored"
            else:
                outcome, review = _react(payment, gateway, notice)
            event.payment = payment
            event.outcome = outcome
            event.needs_review = review
            event.save(update_fields=["payment", "outcome", "needs_review"])
    except IntegrityError:
        seen = WebhookEvent.objects.filter(provider=provider, event_id=notice.event_id).first()
        if seen is None:
            raise
        return _outcome(seen, replay=True)
    return _outcome(event, replay=False)


def _outcome(event: WebhookEvent, *, replay: bool) -> WebhookOutcome:
    return WebhookOutcome(
        event_id=event.event_id,
        payment_id=event.payment_id,
        outcome=event.outcome,
        needs_review=event.needs_review,
        replay=replay,
    )
