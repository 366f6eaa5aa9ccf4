"""Fixtures for payment tests: a market, orders to pay, the outbox as the order side sees it,
and the gateways' signing ends (what their servers would send)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from tradewind.core.models import OutboxEvent
from tradewind.core.money import Money
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import fx_rate, market
from tradewind.orders.models import Order
from tradewind.payments import services
from tradewind.payments.providers import get_provider
from tradewind.payments.providers.bank_transfer import BankTransferProvider
from tradewind.payments.providers.testcard import TestCardProvider
from tradewind.payments.services import PaymentResult

APPROVED_CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/40", "card_cvc": "123"}
BANK_IBAN = "DE89370400440532013000"
BANK_SECRET = "whsec_bank_test"
CARD_SECRET = "whsec_test_card"


@pytest.fixture(autouse=True)
def _gateways(settings: Any) -> None:
    settings.TRADEWIND_TEST_CARD_SECRET = CARD_SECRET
    settings.TRADEWIND_BANK_IBAN = BANK_IBAN
    settings.TRADEWIND_BANK_BIC = "COBADEFFXXX"
    settings.TRADEWIND_BANK_ACCOUNT_HOLDER = "Tradewind Demo GmbH"
    settings.TRADEWIND_BANK_WEBHOOK_SECRET = BANK_SECRET
    settings.TRADEWIND_CARD_PROVIDER = "test_card"


@pytest.fixture
def eu(db: None) -> Market:
    return market(
        code="eu",
        name="Europe",
        currency="EUR",
        payment_methods=["card", "bank_transfer", "cod", "paypal"],
    )


@pytest.fixture
def gulf(db: None) -> Market:
    fx_rate("AED", "3.9957")
    return market(
        code="ae", name="Gulf", currency="AED", subfolder="ae", payment_methods=["card", "cod"]
    )


OrderFactory = Callable[..., Order]


@pytest.fixture
def make_order(eu: Market) -> OrderFactory:
    def build(total: str = "49.90", target: Market | None = None) -> Order:
        where = target or eu
        return Order.objects.create(
            market=where,
            email="ana@example.com",
            language="en",
            currency=where.currency,
            total_amount=Decimal(total),
        )

    return build


@pytest.fixture
def order(make_order: OrderFactory) -> Order:
    return make_order()


_keys = itertools.count(1)


@pytest.fixture
def pay(order: Order) -> Callable[..., PaymentResult]:
    """Start a payment of ``order`` (or another) with sensible defaults a test overrides."""

    def start(
        method: str = "card",
        details: Mapping[str, str] | None = None,
        *,
        of: Order | None = None,
        amount: Money | None = None,
        key: str | None = None,
    ) -> PaymentResult:
        target = of or order
        return services.start_payment(
            order_id=target.pk,
            reference=target.number,
            amount=amount or target.total,
            market=target.market,
            method=method,
            details=APPROVED_CARD if details is None and method == "card" else details or {},
            idempotency_key=key or f"key-{next(_keys)}",
        )

    return start


@pytest.fixture
def events() -> Callable[[str], list[dict[str, Any]]]:
    """Payloads the order side received on a topic, oldest first."""

    def of(topic: str) -> list[dict[str, Any]]:
        return list(
            OutboxEvent.objects.filter(topic=topic).order_by("id").values_list("payload", flat=True)
        )

    return of


@pytest.fixture
def card_gateway() -> TestCardProvider:
    provider = get_provider("test_card")
    assert isinstance(provider, TestCardProvider)
    return provider


@pytest.fixture
def bank() -> BankTransferProvider:
    provider = get_provider("bank_transfer")
    assert isinstance(provider, BankTransferProvider)
    return provider
