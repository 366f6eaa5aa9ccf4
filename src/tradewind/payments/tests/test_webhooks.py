"""Webhooks: only signed, fresh events are believed; each event acts once; money that
arrives late is returned or flagged, and nothing a gateway reports is dropped."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tradewind.core.money import Money
from tradewind.payments import services
from tradewind.payments.models import Payment, PaymentStatus, Refund, WebhookEvent
from tradewind.payments.providers import UnknownProvider
from tradewind.payments.providers.base import SIGNATURE_HEADER, InvalidWebhook, RefundResult

pytestmark = pytest.mark.django_db

THREE_DS = {"card_number": "4000002500003155", "card_expiry": "12/40", "card_cvc": "123"}


def captured_event(provider_ref: str, event_id: str = "evt_1", amount: str = "49.90") -> dict:
    return {
        "id": event_id,
        "type": "payment.captured",
        "data": {"payment": provider_ref, "amount": amount, "currency": "EUR"},
    }


@pytest.fixture
def waiting(pay) -> Payment:
    """A card payment waiting for the shopper's 3-D Secure challenge."""
    return Payment.objects.get(pk=pay("card", THREE_DS).payment_id)


def test_a_signed_capture_event_completes_the_payment(waiting, card_gateway, events):
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))

    outcome = services.handle_webhook("test_card", body, headers)

    waiting.refresh_from_db()
    assert (outcome.outcome, waiting.status) == ("captured", PaymentStatus.CAPTURED)
    assert len(events("payment.succeeded")) == 1


def test_a_bad_signature_is_refused_and_nothing_is_stored(waiting, card_gateway):
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))
    tampered = body.replace(b"49.90", b"0.01")

    with pytest.raises(InvalidWebhook, match="signature does not match"):
        services.handle_webhook("test_card", tampered, headers)

    waiting.refresh_from_db()
    assert waiting.status == PaymentStatus.REQUIRES_ACTION
    assert not WebhookEvent.objects.exists()


def test_an_event_signed_with_another_secret_is_refused(waiting, settings, card_gateway):
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))
    settings.TRADEWIND_TEST_CARD_SECRET = "rotated"

    with pytest.raises(InvalidWebhook):
        services.handle_webhook("test_card", body, headers)


def test_an_old_signed_event_is_refused_as_a_possible_replay_attack(waiting, card_gateway):
    ten_minutes_ago = time.time() - 600
    body, headers = card_gateway.signed_webhook(
        captured_event(waiting.provider_ref), at=ten_minutes_ago
    )

    with pytest.raises(InvalidWebhook, match="5 minute tolerance"):
        services.handle_webhook("test_card", body, headers)


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "Missing Tradewind-Signature"), ({SIGNATURE_HEADER: "v1=abc"}, "Malformed")],
)
def test_missing_or_malformed_signature_headers_are_refused(headers, message):
    with pytest.raises(InvalidWebhook, match=message):
        services.handle_webhook("test_card", b"{}", headers)


def test_an_unknown_provider_is_named(db):
    with pytest.raises(UnknownProvider, match="Unknown payment provider 'acme'"):
        services.handle_webhook("acme", b"{}", {})


def test_a_replayed_event_returns_the_first_outcome_without_acting_again(
    waiting, card_gateway, events
):
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))
    first = services.handle_webhook("test_card", body, headers)

    again = services.handle_webhook("test_card", body, headers)

    assert (again.outcome, again.payment_id, again.replay) == ("captured", waiting.pk, True)
    assert first.replay is False
    assert WebhookEvent.objects.count() == 1
    assert len(events("payment.succeeded")) == 1
    assert waiting.transactions.filter(kind="webhook").count() == 1


def test_a_second_event_for_money_already_taken_changes_nothing(waiting, card_gateway, events):
    for event_id in ("evt_1", "evt_2"):
        body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref, event_id))
        outcome = services.handle_webhook("test_card", body, headers)

    assert outcome.outcome == "already captured"
    assert len(events("payment.succeeded")) == 1


def test_a_failure_event_fails_a_waiting_payment(waiting, card_gateway, events):
    event = {
        "id": "evt_f",
        "type": "payment.failed",
        "data": {"payment": waiting.provider_ref, "message": "Authentication timed out."},
    }
    body, headers = card_gateway.signed_webhook(event)

    services.handle_webhook("test_card", body, headers)

    waiting.refresh_from_db()
    assert (waiting.status, waiting.message) == (PaymentStatus.FAILED, "Authentication timed out.")
    assert events("payment.failed")[0]["final"] is False


def test_card_money_arriving_after_expiry_is_refunded_automatically(waiting, card_gateway, events):
    services.expire_pending(timezone.now() + timedelta(hours=1))
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))

    outcome = services.handle_webhook("test_card", body, headers)

    waiting.refresh_from_db()
    assert outcome.outcome == "late payment refunded automatically"
    assert waiting.status == PaymentStatus.REFUNDED
    assert (waiting.captured_money, waiting.refunded_money) == (
        Money("49.90", "EUR"),
        Money("49.90", "EUR"),
    )
    assert "Refunded automatically" in waiting.review_reason
    [refunded] = events("payment.refunded")
    assert (refunded["late"], refunded["refunded"]) == (True, "49.90")
    assert events("payment.succeeded") == []


def test_money_for_an_order_paid_by_another_attempt_goes_back(pay, card_gateway, events):
    abandoned = Payment.objects.get(pk=pay("card", THREE_DS).payment_id)
    pay("card")  # the shopper paid with another card meanwhile
    body, headers = card_gateway.signed_webhook(captured_event(abandoned.provider_ref))

    outcome = services.handle_webhook("test_card", body, headers)

    abandoned.refresh_from_db()
    assert outcome.outcome == "late payment refunded automatically"
    assert abandoned.status == PaymentStatus.REFUNDED
    assert len(events("payment.succeeded")) == 1


def test_a_late_payment_is_flagged_when_the_refund_fails(waiting, card_gateway, monkeypatch):
    services.expire_pending(timezone.now() + timedelta(hours=1))
    monkeypatch.setattr(
        type(card_gateway),
        "refund",
        lambda self, payment, amount, *, idempotency_key: RefundResult(
            False, message="Gateway refused the refund."
        ),
    )
    body, headers = card_gateway.signed_webhook(captured_event(waiting.provider_ref))

    outcome = services.handle_webhook("test_card", body, headers)

    waiting.refresh_from_db()
    assert (outcome.outcome, outcome.needs_review) == ("late payment flagged for review", True)
    assert (waiting.status, waiting.needs_review) == (PaymentStatus.EXPIRED, True)
    assert Refund.objects.get().succeeded is False


def test_an_event_for_an_unknown_payment_is_kept_for_review(db, card_gateway):
    body, headers = card_gateway.signed_webhook(captured_event("tc_nobody"))

    outcome = services.handle_webhook("test_card", body, headers)

    stored = WebhookEvent.objects.get()
    assert (outcome.needs_review, stored.needs_review, stored.payment_id) == (True, True, None)
    assert stored.payload["data"]["payment"] == "tc_nobody"


def test_a_gateway_refund_is_booked_once(pay, card_gateway, events):
    paid = Payment.objects.get(pk=pay("card").payment_id)
    event = {
        "id": "evt_r",
        "type": "payment.refunded",
        "data": {"payment": paid.provider_ref, "amount": "20.00", "currency": "EUR"},
    }
    body, headers = card_gateway.signed_webhook(event)

    services.handle_webhook("test_card", body, headers)
    services.handle_webhook("test_card", body, headers)

    paid.refresh_from_db()
    assert (paid.status, paid.refunded_money) == (
        PaymentStatus.PARTIALLY_REFUNDED,
        Money("20.00", "EUR"),
    )
    assert len(events("payment.refunded")) == 1
