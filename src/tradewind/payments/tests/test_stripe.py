"""Stripe through the official SDK, against responses recorded in Stripe's API format and
served by the SDK's own HTTP client hook: no network, the real request and parsing code."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe
from django.core.exceptions import ValidationError
from stripe._webhook import WebhookSignature

from tradewind.core.money import Money
from tradewind.payments import providers, services
from tradewind.payments.models import Payment, PaymentStatus
from tradewind.payments.providers.base import InvalidWebhook
from tradewind.payments.providers.stripe_gateway import from_minor, to_minor

pytestmark = pytest.mark.django_db

RECORDINGS = Path(__file__).parent / "recordings" / "stripe"
WEBHOOK_SECRET = "whsec_recorded"


class RecordedStripe(stripe.HTTPClient):
    """Answers each request with the next recording, after checking it is the one expected."""

    name = "recorded"

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    def expect(self, *names: str) -> None:
        self.queue.extend(json.loads((RECORDINGS / f"{n}.json").read_text()) for n in names)

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, **_: Any
    ) -> tuple[str, int, dict[str, str]]:
        recording = self.queue.pop(0)
        path = urlsplit(url).path
        assert (method, path) == (recording["request"]["method"], recording["request"]["path"])
        form = parse_qs(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        self.sent.append({"path": path, "headers": dict(headers), "form": form})
        return json.dumps(recording["body"]), recording["status"], {"request-id": "req_rec"}

    def close(self) -> None:
        return None


@pytest.fixture
def gateway(settings, monkeypatch) -> RecordedStripe:
    settings.TRADEWIND_CARD_PROVIDER = "stripe"
    settings.TRADEWIND_STRIPE_SECRET_KEY = "sk_test_recorded"
    settings.TRADEWIND_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    client = RecordedStripe()
    monkeypatch.setattr(providers, "stripe_http_client", lambda: client)
    return client


def signed(name: str, at: float | None = None) -> tuple[bytes, dict[str, str]]:
    payload = (RECORDINGS / f"{name}.json").read_text()
    timestamp = int(time.time() if at is None else at)
    signature = WebhookSignature._compute_signature(f"{timestamp}.{payload}", WEBHOOK_SECRET)
    return payload.encode(), {"Stripe-Signature": f"t={timestamp},v1={signature}"}


PM = {"payment_method": "pm_card_visa"}


def test_a_payment_intent_is_created_confirmed_and_captured(pay, gateway, events):
    gateway.expect("pi_create_succeeded")

    result = pay("card", PM, key="checkout-42")

    assert result.status == PaymentStatus.CAPTURED
    payment = Payment.objects.get(pk=result.payment_id)
    assert (payment.provider, payment.provider_ref) == ("stripe", "pi_3QxA1b2eZvKYlo2C0m7hT4sL")
    [sent] = gateway.sent
    assert sent["headers"]["Idempotency-Key"] == "checkout-42"
    assert sent["form"]["amount"] == ["4990"]
    assert sent["form"]["currency"] == ["eur"]
    assert sent["form"]["confirm"] == ["true"]
    assert sent["form"]["capture_method"] == ["automatic"]
    assert len(events("payment.succeeded")) == 1


def test_a_declined_card_fails_with_stripes_reason(pay, gateway, events):
    gateway.expect("pi_create_declined")

    result = pay("card", PM)

    assert (result.status, result.code, result.message) == (
        PaymentStatus.FAILED,
        "insufficient_funds",
        "Your card has insufficient funds.",
    )
    assert Payment.objects.get().provider_ref == "pi_3QxC2d2eZvKYlo2C0bV8nM1q"
    assert events("payment.failed")[0]["final"] is False


def test_3d_secure_hands_the_next_action_to_the_browser_then_reads_the_outcome(
    pay, gateway, events
):
    gateway.expect("pi_create_requires_action", "pi_retrieve_after_3ds")

    started = pay("card", PM)

    assert started.status == PaymentStatus.REQUIRES_ACTION
    assert started.action is not None
    assert started.action["client_secret"].startswith("pi_3QxB7c2eZvKYlo2C1aQ9dF3k_secret_")
    assert started.action["next_action"]["type"] == "use_stripe_sdk"

    done = services.confirm_action(payment_id=started.payment_id, data={})

    assert done.status == PaymentStatus.CAPTURED
    assert gateway.sent[1]["path"] == "/v1/payment_intents/pi_3QxB7c2eZvKYlo2C1aQ9dF3k"
    assert len(events("payment.succeeded")) == 1


def test_manual_capture_holds_then_captures(pay, gateway, settings):
    settings.TRADEWIND_CARD_CAPTURE = "manual"
    gateway.expect("pi_create_requires_capture", "pi_capture")

    held = pay("card", PM)
    assert held.status == PaymentStatus.AUTHORIZED
    assert gateway.sent[0]["form"]["capture_method"] == ["manual"]

    taken = services.capture(held.payment_id)

    assert taken.status == PaymentStatus.CAPTURED
    assert gateway.sent[1]["form"]["amount_to_capture"] == ["4990"]


def test_a_refund_goes_through_stripe_and_its_webhook_is_not_counted_twice(pay, gateway, events):
    gateway.expect("pi_create_succeeded", "refund_create")
    paid = pay("card", PM)

    refund = services.refund(paid.payment_id, Money("15.00", "EUR"), idempotency_key="rma-9")

    assert (refund.succeeded, refund.provider_ref) == (True, "re_3QxA1b2eZvKYlo2C0Lp9oK8i")
    assert gateway.sent[1]["form"]["amount"] == ["1500"]
    assert gateway.sent[1]["headers"]["Idempotency-Key"] == "rma-9"
    # Stripe's charge.refunded then reports 20.00 in total: 5.00 more was refunded there.
    body, headers = signed("evt_charge_refunded")
    outcome = services.handle_webhook("stripe", body, headers)
    payment = Payment.objects.get(pk=paid.payment_id)
    assert outcome.outcome == "refund booked"
    assert payment.refunded_money == Money("20.00", "EUR")
    assert [e["refunded"] for e in events("payment.refunded")] == ["15.00", "5.00"]


def test_a_webhook_verified_by_the_sdk_completes_a_waiting_payment(pay, gateway):
    gateway.expect("pi_create_requires_action")
    started = pay("card", PM)
    body, headers = signed("evt_payment_intent_succeeded")

    first = services.handle_webhook("stripe", body, headers)
    replay = services.handle_webhook("stripe", body, headers)

    assert (first.outcome, first.payment_id) == ("captured", started.payment_id)
    assert replay.replay is True
    assert Payment.objects.get().status == PaymentStatus.CAPTURED


def test_a_stripe_webhook_with_a_wrong_signature_is_refused(gateway):
    body, headers = signed("evt_payment_intent_succeeded")

    with pytest.raises(InvalidWebhook, match="Stripe signature check failed"):
        services.handle_webhook("stripe", body.replace(b"4990", b"1"), headers)


def test_a_stale_stripe_webhook_is_refused(gateway):
    body, headers = signed("evt_payment_intent_succeeded", at=time.time() - 3600)

    with pytest.raises(InvalidWebhook):
        services.handle_webhook("stripe", body, headers)


def test_without_a_payment_method_the_field_is_named(pay, gateway):
    with pytest.raises(ValidationError) as caught:
        pay("card", {})

    assert list(caught.value.message_dict) == ["payment_method"]
    assert gateway.sent == []


@pytest.mark.parametrize(
    ("money", "minor"),
    [(Money("49.90", "EUR"), 4990), (Money("3240", "JPY"), 3240), (Money("1.250", "KWD"), 1250)],
)
def test_amounts_use_stripes_minor_units(money, minor):
    assert to_minor(money) == minor
    assert from_minor(minor, money.currency.code.lower()) == money
