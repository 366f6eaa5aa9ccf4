"""The built-in providers, configured from settings or environment variables.

A Django setting wins over the environment variable of the same name, so tests and
deployments that configure Django directly need no environment:

- ``TRADEWIND_CARD_PROVIDER``: ``test_card`` (default) or ``stripe``: who takes card payments.
- ``TRADEWIND_TEST_CARD_SECRET``: the test gateway's webhook secret (default: derived from
  ``SECRET_KEY``).
- ``TRADEWIND_STRIPE_SECRET_KEY``, ``TRADEWIND_STRIPE_WEBHOOK_SECRET``.
- ``TRADEWIND_BANK_IBAN``, ``TRADEWIND_BANK_BIC``, ``TRADEWIND_BANK_ACCOUNT_HOLDER``,
  ``TRADEWIND_BANK_WEBHOOK_SECRET``.
"""

from __future__ import annotations

import hashlib
import os

import stripe
from django.conf import settings
from django.utils import timezone
from stdnum import iban

from tradewind.payments.providers.bank_transfer import BankAccount, BankTransferProvider
from tradewind.payments.providers.base import PaymentProvider
from tradewind.payments.providers.cod import CashOnDeliveryProvider
from tradewind.payments.providers.stripe_gateway import StripeProvider
from tradewind.payments.providers.testcard import TestCardProvider

PROVIDER_NAMES = ("test_card", "stripe", "bank_transfer", "cod")


class UnknownProvider(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown payment provider '{name}' (one of {', '.join(PROVIDER_NAMES)}).")


def setting(name: str, default: str = "") -> str:
    return str(getattr(settings, name, None) or os.environ.get(name, default))


def test_card_secret() -> str:
    return (
        setting("TRADEWIND_TEST_CARD_SECRET")
        or hashlib.sha256(f"test_card:{settings.SECRET_KEY}".encode()).hexdigest()
    )


def stripe_http_client() -> stripe.HTTPClient | None:
    """The HTTP client the Stripe SDK uses; None means the SDK's own."""
    return None


def bank_account() -> BankAccount | None:
    number = setting("TRADEWIND_BANK_IBAN")
    if not number:
        return None
    return BankAccount(
        iban=iban.format(iban.validate(number)),
        bic=setting("TRADEWIND_BANK_BIC"),
        holder=setting("TRADEWIND_BANK_ACCOUNT_HOLDER"),
    )


def get_provider(name: str) -> PaymentProvider:
    if name == "test_card":
        return TestCardProvider(test_card_secret(), clock=timezone.now)
    if name == "stripe":
        return StripeProvider(
            setting("TRADEWIND_STRIPE_SECRET_KEY"),
            setting("TRADEWIND_STRIPE_WEBHOOK_SECRET"),
            http_client=stripe_http_client(),
        )
    if name == "bank_transfer":
        return BankTransferProvider(
            bank_account(), setting("TRADEWIND_BANK_WEBHOOK_SECRET"), clock=timezone.now
        )
    if name == "cod":
        return CashOnDeliveryProvider()
    raise UnknownProvider(name)


def provider_for_method(method: str) -> str | None:
    """Which provider takes payments of a market payment method, or None if none does."""
    if method == "card":
        return setting("TRADEWIND_CARD_PROVIDER", "test_card")
    if method in {"bank_transfer", "cod"}:
        return method
    return None
