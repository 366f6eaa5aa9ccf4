"""POST /api/payments/webhooks/{provider}: a gateway's signed events, taken without a CSRF
token, refused with the reason when unsigned, and answered the same when replayed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tradewind.markets.tests.factories import market
from tradewind.orders.models import Order
from tradewind.payments import services
from tradewind.payments.models import Payment, WebhookEvent
from tradewind.payments.providers import get_provider
from tradewind.payments.providers.testcard import TestCardProvider

pytestmark = pytest.mark.django_db

THREE_DS = {"card_number": "4000002500003155", "card_expiry": "12/40", "card_cvc": "123"}
URL = "/api/payments/webhooks/test_card"


@pytest.fixture
def gateway(settings: Any) -> TestCardProvider:
    settings.TRADEWIND_TEST_CARD_SECRET = "whsec_test_card"
    provider = get_provider("test_card")
    assert isinstance(provider, TestCardProvider)
    return provider


@pytest.fixture
def waiting(gateway: TestCardProvider) -> Payment:
    """A 49.90 EUR card payment waiting for the shopper's 3-D Secure challenge."""
    eu = market(code="eu", currency="EUR", payment_methods=["card"])
    order = Order.objects.create(
        market=eu,
        email="ana@example.com",
        language="en",
        currency="EUR",
        total_amount=Decimal("49.90"),
    )
    result = services.start_payment(
        order_id=order.pk,
        reference=order.number,
        amount=order.total,
        market=eu,
        method="card",
        details=THREE_DS,
        idempotency_key="checkout-1",
    )
    return Payment.objects.get(pk=result.payment_id)


@pytest.fixture
def client() -> Client:
    # A gateway has no CSRF cookie or token: the endpoint must not need one.
    return Client(enforce_csrf_checks=True)


def captured(payment: Payment) -> dict[str, Any]:
    return {
        "id": "evt_1",
        "type": "payment.captured",
        "data": {"payment": payment.provider_ref, "amount": "49.90", "currency": "EUR"},
    }


def post(client: Client, body: bytes, headers: dict[str, str], url: str = URL) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def test_a_signed_event_completes_the_payment(
    client: Client, gateway: TestCardProvider, waiting: Payment
) -> None:
    body, headers = gateway.signed_webhook(captured(waiting))

    response = post(client, body, headers)

    assert response.status_code == 200
    assert response.json() == {"event_id": "evt_1", "outcome": "captured", "replay": False}
    waiting.refresh_from_db()
    assert waiting.status == "captured"


def test_a_replayed_event_gets_the_same_answer_and_acts_once(
    client: Client, gateway: TestCardProvider, waiting: Payment
) -> None:
    body, headers = gateway.signed_webhook(captured(waiting))
    first = post(client, body, headers)

    again = post(client, body, headers)

    assert again.status_code == 200
    assert again.json() == {**first.json(), "replay": True}
    assert WebhookEvent.objects.count() == 1
    assert waiting.transactions.filter(kind="webhook").count() == 1


def test_a_bad_signature_is_refused_with_the_reason(
    client: Client, gateway: TestCardProvider, waiting: Payment
) -> None:
    body, headers = gateway.signed_webhook(captured(waiting))
    tampered = body.replace(b"49.90", b"0.01")

    response = post(client, tampered, headers)

    assert response.status_code == 400
    assert response.json() == {"detail": "Webhook refused: Webhook signature does not match."}
    waiting.refresh_from_db()
    assert waiting.status == "requires_action"
    assert not WebhookEvent.objects.exists()


def test_an_unsigned_event_is_refused(client: Client, waiting: Payment) -> None:
    response = post(client, json.dumps(captured(waiting)).encode(), {})

    assert response.status_code == 400
    assert "Missing Tradewind-Signature header" in response.json()["detail"]


def test_an_unknown_provider_is_not_found(client: Client) -> None:
    response = post(client, b"{}", {}, url="/api/payments/webhooks/paypal")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("No payment provider 'paypal'")
