"""Payments of orders, every call made to a gateway, refunds and received webhooks.

Amounts are Decimal(14, 4) beside the payment's currency; the ``*_money`` properties give
py-moneyed ``Money``. A payment is never deleted: it is the record of what happened to money.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from moneyed import Money

from tradewind.core.money import minor_unit

ZERO = Decimal(0)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REQUIRES_ACTION = "requires_action", "Requires shopper action"
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    VOIDED = "voided", "Voided"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    EXPIRED = "expired", "Expired"


S = PaymentStatus

# The status machine. A payment closed without money (failed, voided, expired) can still
# become refunded: a gateway may report money taken after the store gave up on it, and
# that money goes back.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset(
        {S.REQUIRES_ACTION, S.AUTHORIZED, S.CAPTURED, S.FAILED, S.VOIDED, S.EXPIRED}
    ),
    S.REQUIRES_ACTION: frozenset({S.AUTHORIZED, S.CAPTURED, S.FAILED, S.VOIDED, S.EXPIRED}),
    S.AUTHORIZED: frozenset({S.CAPTURED, S.VOIDED, S.FAILED}),
    S.CAPTURED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FAILED: frozenset({S.REFUNDED}),
    S.VOIDED: frozenset({S.REFUNDED}),
    S.EXPIRED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
}
OPEN_STATUSES = (S.PENDING, S.REQUIRES_ACTION)
SECURED_STATUSES = (S.AUTHORIZED, S.CAPTURED)
CLOSED_WITHOUT_MONEY = (S.FAILED, S.VOIDED, S.EXPIRED)


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(
        max_length=64, db_index=True, help_text="The order number the shopper sees."
    )
    provider = models.CharField(max_length=32)
    method = models.CharField(max_length=32)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=S.PENDING)
    amount = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    currency = models.CharField(max_length=3)
    captured_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    provider_ref = models.CharField(
        max_length=255, blank=True, help_text="The gateway's id, e.g. a Stripe PaymentIntent."
    )
    idempotency_key = models.CharField(max_length=255, unique=True)
    message = models.CharField(
        max_length=300, blank=True, help_text="What the shopper was told last."
    )
    failure_code = models.CharField(max_length=64, blank=True)
    action = models.JSONField(
        null=True, blank=True, help_text="The step the shopper must complete, e.g. 3-D Secure."
    )
    instructions = models.JSONField(
        null=True, blank=True, help_text="How to pay, e.g. the bank account for a transfer."
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="payment_status_expiry"),
            models.Index(fields=["provider", "provider_ref"], name="payment_provider_ref"),
            models.Index(
                fields=["needs_review"], condition=Q(needs_review=True), name="payment_review"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("captured_amount")),
                name="payment_refund_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency} ({self.status})"

    def _money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def amount_money(self) -> Money:
        return self._money(self.amount)

    @property
    def captured_money(self) -> Money:
        return self._money(self.captured_amount)

    @property
    def refunded_money(self) -> Money:
        return self._money(self.refunded_amount)

    @property
    def refundable_money(self) -> Money:
        return self._money(self.captured_amount - self.refunded_amount)


class TransactionKind(models.TextChoices):
    AUTHORIZE = "authorize", "Authorize"
    CONFIRM = "confirm", "Confirm (shopper action)"
    CAPTURE = "capture", "Capture"
    REFUND = "refund", "Refund"
    VOID = "void", "Void"
    EXPIRE = "expire", "Expire"
    WEBHOOK = "webhook", "Webhook"


class PaymentTransaction(models.Model):
    """One call to a gateway (or a decision of the store) and what came of it."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=16, choices=TransactionKind.choices)
    succeeded = models.BooleanField()
    status_before = models.CharField(max_length=20, choices=PaymentStatus.choices)
    status_after = models.CharField(max_length=20, choices=PaymentStatus.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    code = models.CharField(max_length=64, blank=True)
    message = models.CharField(max_length=300, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status_before} → {self.status_after}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(ZERO)]
    )
    currency = models.CharField(max_length=3)
    succeeded = models.BooleanField()
    provider_ref = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    message = models.CharField(max_length=300, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Refund {self.amount} {self.currency} of {self.payment.reference}"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)


class WebhookEvent(models.Model):
    """A verified webhook, kept once per provider event id: a replay finds it and stops."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    kind = models.CharField(max_length=32)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="webhook_events"
    )
    outcome = models.CharField(max_length=300)
    needs_review = models.BooleanField(default=False)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class MarketPaymentSettings(models.Model):
    """How a market's payment methods behave; a market without a row gets the defaults."""

    market = models.OneToOneField(
        "markets.Market", on_delete=models.CASCADE, related_name="payment_settings"
    )
    cod_max_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="Largest order paid cash on delivery, in the market currency; empty = no limit.",
    )
    bank_transfer_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Days a shopper has to pay by bank transfer before the order is released.",
    )
    card_action_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Minutes a shopper has to complete 3-D Secure before the payment expires.",
    )

    class Meta:
        verbose_name = "market payment settings"
        verbose_name_plural = "market payment settings"

    def __str__(self) -> str:
        return f"Payment settings of {self.market}"

    def clean(self) -> None:
        super().clean()
        if self.cod_max_amount is not None and self.market_id is not None:
            currency = self.market.currency
            unit = minor_unit(currency)
            if self.cod_max_amount % unit:
                raise ValidationError(
                    {"cod_max_amount": f"{currency} amounts have no unit smaller than {unit}."}
                )
