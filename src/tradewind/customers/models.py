"""Shoppers' accounts and their addresses.

A customer is not a Django auth user: staff sign in to the back office through
``django.contrib.auth``; shoppers sign in to the store with their own accounts, so a
shopper's password can never open the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.db import models
from django.db.models.functions import Lower

from tradewind.markets.validators import validate_country, validate_language


def normalize_email(email: str) -> str:
    return email.strip().lower()


class Customer(models.Model):
    email = models.EmailField(
        max_length=254, unique=True, help_text="Stored in lower case; sign-in ignores case."
    )
    password = models.CharField(max_length=128, blank=True, editable=False)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    language = models.CharField(
        max_length=10, default=settings.LANGUAGE_CODE, validators=[validate_language]
    )
    market = models.ForeignKey(
        "markets.Market",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
    )
    accepts_marketing = models.BooleanField(default=False)
    marketing_consent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the shopper last gave or withdrew marketing consent.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Bulk inserts skip save(); the database still refuses an address in mixed case,
            # which would otherwise slip past the plain unique index.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="customers_customer_email_lowercase",
                violation_error_message="Email addresses are stored in lower case.",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_password(self) -> bool:
        return bool(self.password) and is_password_usable(self.password)


class Address(models.Model):
    """A postal address, normalized per country; without a customer it is a guest's."""

    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(max_length=255)
    company = models.CharField(max_length=255, blank=True)
    street_address_1 = models.CharField(max_length=255)
    street_address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    city_area = models.CharField(max_length=128, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country_area = models.CharField(max_length=128, blank=True)
    sorting_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country])
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, e.g. +493012345678.")
    is_default_shipping = models.BooleanField(default=False)
    is_default_billing = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default_shipping", "-created_at", "-id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default_shipping=True),
                name="customers_address_one_default_shipping",
                violation_error_message="A customer has one default shipping address.",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default_billing=True),
                name="customers_address_one_default_billing",
                violation_error_message="A customer has one default billing address.",
            ),
        ]

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.postal_code, self.city, self.country) if p)
        return f"{self.name}, {self.street_address_1}, {place}"
