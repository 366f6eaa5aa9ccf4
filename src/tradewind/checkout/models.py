"""Carts. The cart is also the checkout session: contact, addresses, the chosen shipping
quote and the step reached live on it, so a shopper returning days later (the token sits in
a long-lived cookie, or an app keeps it) resumes exactly where they left off."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_QUANTITY = 99
CART_LIFETIME = timedelta(days=60)


def new_token() -> str:
    """256 random bits: the token is the only key to a guest's cart, so it must not be guessable."""
    return secrets.token_urlsafe(32)


def default_expiry() -> datetime:
    return timezone.now() + CART_LIFETIME


class Step(models.TextChoices):
    CART = "cart", "Cart"
    ADDRESS = "address", "Contact and address given"
    SHIPPING = "shipping", "Shipping method chosen"


class Cart(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    market = models.ForeignKey("markets.Market", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carts",
        help_text="Empty for a guest.",
    )
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=10)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.CART)
    email = models.EmailField(blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    # The shipping quote the shopper accepted. Placement re-quotes only when stock has to
    # come from another warehouse than the one quoted, or the quote has gone stale.
    shipping_method_id = models.PositiveIntegerField(null=True, blank=True)
    shipping_method_name = models.CharField(max_length=200, blank=True)
    shipping_carrier = models.CharField(max_length=100, blank=True)
    shipping_amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    arrives_from = models.DateField(null=True, blank=True)
    arrives_to = models.DateField(null=True, blank=True)
    origin_warehouse_id = models.PositiveIntegerField(null=True, blank=True)
    origin_country = models.CharField(max_length=2, blank=True)
    shipping_quoted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(default=default_expiry)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="cart_expires")]

    def __str__(self) -> str:
        return f"Cart {self.token[:8]}… ({self.market_id})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cartline_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_QUANTITY),
                name="cartline_quantity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"
