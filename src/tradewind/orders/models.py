"""Orders: what was sold, to whom, at what price and tax, and everything that happened since.

Amounts are stored as Decimal(14, 4) beside the order's currency (every line repeats it so a
line read alone is still unambiguous); the ``*_money`` properties give py-moneyed ``Money``.
Lines are snapshots: a renamed or deleted product never changes an order already placed.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from moneyed import Money

from tradewind.orders.states import LABELS, Status

ZERO = Decimal(0)

# Crockford's base32: no I, L, O or U, so a number read out over the phone is unambiguous.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_LENGTH = 10


def new_order_number() -> str:
    """A fresh order number such as ``TW-7K2QM-X9D4R`` (50 random bits).

    Random rather than sequential so that placing an order needs no shared counter: no
    row to lock and no extra query, whatever the number of concurrent checkouts, on SQLite
    and PostgreSQL alike, and competitors cannot read sales volumes from it. The unique
    constraint is the guarantee; with 2^50 numbers, even after a billion orders a new one
    collides with probability below one in a million, and a collision aborts the
    placement's transaction cleanly (nothing half-written) for the caller to retry.
    """
    raw = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
    return f"TW-{raw[:5]}-{raw[5:]}"


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = Status.PENDING_PAYMENT.value, LABELS[Status.PENDING_PAYMENT]
    PAID = Status.PAID.value, LABELS[Status.PAID]
    PARTIALLY_FULFILLED = Status.PARTIALLY_FULFILLED.value, LABELS[Status.PARTIALLY_FULFILLED]
    FULFILLED = Status.FULFILLED.value, LABELS[Status.FULFILLED]
    DELIVERED = Status.DELIVERED.value, LABELS[Status.DELIVERED]
    RETURN_REQUESTED = Status.RETURN_REQUESTED.value, LABELS[Status.RETURN_REQUESTED]
    RETURNED = Status.RETURNED.value, LABELS[Status.RETURNED]
    REFUNDED = Status.REFUNDED.value, LABELS[Status.REFUNDED]
    PARTIALLY_REFUNDED = Status.PARTIALLY_REFUNDED.value, LABELS[Status.PARTIALLY_REFUNDED]
    CANCELLED = Status.CANCELLED.value, LABELS[Status.CANCELLED]


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True, default=new_order_number, editable=False)
    market = models.ForeignKey("markets.Market", on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        help_text="Empty for a guest checkout.",
    )
    email = models.EmailField()
    language = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    shipping_method_name = models.CharField(max_length=200, blank=True)
    shipping_carrier = models.CharField(max_length=100, blank=True)
    delivery_promise_from = models.DateField(null=True, blank=True)
    delivery_promise_to = models.DateField(null=True, blank=True)

    prices_include_tax = models.BooleanField(
        default=True, help_text="Whether line prices and the subtotal include tax."
    )
    subtotal_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    discount_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    duty_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    total_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        default=ZERO,
        help_text="What the shopper pays at checkout.",
    )
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)

    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    reservation_reference = models.CharField(
        max_length=100, blank=True, help_text="The inventory reservation holding this stock."
    )

    placed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last shipment arrived: returns count from it."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-placed_at"], name="order_status_placed"),
            models.Index(fields=["market", "-placed_at"], name="order_market_placed"),
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed"),
            models.Index(fields=["-placed_at"], name="order_placed"),
            models.Index(fields=["email"], name="order_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(refunded_amount__gte=0),
                name="order_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def _money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def subtotal(self) -> Money:
        return self._money(self.subtotal_amount)

    @property
    def discount(self) -> Money:
        return self._money(self.discount_amount)

    @property
    def shipping(self) -> Money:
        return self._money(self.shipping_amount)

    @property
    def tax(self) -> Money:
        return self._money(self.tax_amount)

    @property
    def duty(self) -> Money:
        return self._money(self.duty_amount)

    @property
    def total(self) -> Money:
        return self._money(self.total_amount)

    @property
    def refunded(self) -> Money:
        return self._money(self.refunded_amount)


class OrderLine(models.Model):
    """One SKU bought, frozen at placement, with the tax breakdown the tax engine quoted."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=300)
    sku = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True, help_text="e.g. {'Size': 'M'}")
    quantity = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    unit_price = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        default=ZERO,
        help_text="Per unit, as shown to the shopper.",
    )
    discount_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    # The tax breakdown (tradewind.tax LineTax): net of tax and duty, the rate applied, and
    # which regime and rule produced them, so a quote can be audited after the rules change.
    net_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    tax_rate = models.DecimalField(
        max_digits=7, decimal_places=4, default=Decimal(0), help_text="Percent."
    )
    tax_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    duty_amount = models.DecimalField(max_digits=14, decimal_places=4, default=ZERO)
    total_amount = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        default=ZERO,
        help_text="What the shopper pays for the line.",
    )
    regime = models.CharField(max_length=40, blank=True)
    tax_rule_ref = models.CharField(max_length=300, blank=True)
    hs_code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sku"], name="orderline_sku")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def total(self) -> Money:
        return Money(self.total_amount, self.currency)


class OrderTransition(models.Model):
    """Who moved an order from one status to another, when and why (append only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="The staff user, or the system part that acted (payments:…)."
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="transition_order_at")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"


class Shipment(models.Model):
    """A parcel leaving one warehouse; an order is fulfilled by one or more of them."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="shipments"
    )
    carrier = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]
        indexes = [models.Index(fields=["tracking_number"], name="shipment_tracking")]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}".strip()


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line"], name="shipmentline_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.line_id}"


class ReturnReason(models.TextChoices):
    TOO_SMALL = "too_small", "Size too small"
    TOO_BIG = "too_big", "Size too big"
    NOT_AS_DESCRIBED = "not_as_described", "Not as described"
    DAMAGED = "damaged", "Arrived damaged"
    CHANGED_MIND = "changed_mind", "Changed my mind"
    LATE_DELIVERY = "late_delivery", "Arrived too late"
    OTHER = "other", "Other"


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECEIVED = "received", "Received"
    REFUND_REQUESTED = "refund_requested", "Refund requested"
    REFUNDED = "refunded", "Refunded"


class ReturnRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(max_length=20, choices=ReturnReason.choices)
    note = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    refund_amount = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Set when refunding."
    )
    refund_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="return_status_created"),
            models.Index(fields=["reason", "created_at"], name="return_reason_created"),
        ]

    def __str__(self) -> str:
        return f"Return {self.pk} of {self.order}"


class ReturnLine(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines"
    )
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    reason_code = models.CharField(max_length=20, choices=ReturnReason.choices)
    restock = models.BooleanField(
        null=True, blank=True, help_text="Decided on receipt: back to stock, or written off."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["return_request", "line"], name="returnline_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_qty_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.line_id}"
