"""Paying by card through the test gateway: what each test card does, 3-D Secure,
malformed card details, idempotency and the cost of a payment on the checkout path."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tradewind.core.money import Money
from tradewind.payments import services
from tradewind.payments.models import Payment, PaymentStatus, PaymentTransaction
from tradewind.payments.providers.testcard import luhn_valid

pytestmark = pytest.mark.django_db


def card(number: str, expiry: str = "12/40", cvc: str = "123") -> dict[str, str]:
    return {"card_number": number, "card_expiry": expiry, "card_cvc": cvc}


def test_the_approved_card_captures_the_whole_amount_and_tells_the_order(pay, order, events):
    result = pay("card", card("4242424242424242"))

    payment = Payment.objects.get(pk=result.payment_id)
    assert (result.status, result.succeeded) == (PaymentStatus.CAPTURED, True)
    assert payment.captured_money == Money("49.90", "EUR")
    assert payment.provider == "test_card"
    assert payment.provider_ref.startswith("tc_")
    [event] = events("payment.succeeded")
    assert event["order_id"] == order.pk
    assert event["reference"] == order.number
    assert (event["amount"], event["currency"], event["status"]) == ("49.90", "EUR", "captured")


@pytest.mark.parametrize(
    ("number", "code", "message"),
    [
        ("4000000000000002", "card_declined", "Your card was declined."),
        ("4000000000009995", "insufficient_funds", "Your card has insufficient funds."),
    ],
)
def test_declining_cards_fail_with_the_gateway_reason_and_leave_the_order_open(
    pay, events, number, code, message
):
    result = pay("card", card(number))

    assert result.status == PaymentStatus.FAILED
    assert (result.code, result.message) == (code, message)
    assert events("payment.succeeded") == []
    [failed] = events("payment.failed")
    # Not final: the order keeps its reservation and the shopper may try another card.
    assert (failed["code"], failed["message"], failed["final"]) == (code, message, False)
    assert Payment.objects.get(pk=result.payment_id).captured_amount == 0


def test_after_a_decline_another_card_pays_the_same_order(pay):
    declined = pay("card", card("4000000000000002"))

    retried = pay("card", card("4242424242424242"))

    assert declined.payment_id != retried.payment_id
    assert retried.succeeded


def test_a_paid_order_refuses_a_second_payment(pay, order):
    pay("card")

    with pytest.raises(ValidationError) as caught:
        pay("card")

    assert caught.value.message_dict == {"order": [f"Order {order.number} is already paid."]}


def test_3d_secure_card_asks_for_a_challenge_then_captures_once_confirmed(pay, events):
    started = pay("card", card("4000002500003155"))

    assert started.status == PaymentStatus.REQUIRES_ACTION
    assert started.action is not None and started.action["type"] == "three_d_secure"
    assert started.expires_at is not None
    assert events("payment.succeeded") == []

    confirmed = services.confirm_action(
        payment_id=started.payment_id,
        data={"challenge_id": started.action["challenge_id"], "result": "authenticated"},
    )

    assert confirmed.status == PaymentStatus.CAPTURED
    assert confirmed.action is None
    assert len(events("payment.succeeded")) == 1
    kinds = PaymentTransaction.objects.filter(payment_id=started.payment_id).values_list(
        "kind", "status_after"
    )
    assert list(kinds) == [("authorize", "requires_action"), ("confirm", "captured")]


def test_confirming_twice_changes_nothing_the_second_time(pay, events):
    started = pay("card", card("4000002500003155"))
    data = {"challenge_id": started.action["challenge_id"], "result": "authenticated"}
    services.confirm_action(payment_id=started.payment_id, data=data)

    again = services.confirm_action(payment_id=started.payment_id, data=data)

    assert again.status == PaymentStatus.CAPTURED
    assert len(events("payment.succeeded")) == 1


def test_a_failed_3d_secure_challenge_fails_the_payment(pay, events):
    started = pay("card", card("4000002500003155"))

    result = services.confirm_action(
        payment_id=started.payment_id,
        data={"challenge_id": started.action["challenge_id"], "result": "failed"},
    )

    assert (result.status, result.code) == (PaymentStatus.FAILED, "authentication_failed")
    assert events("payment.failed")[0]["final"] is False


def test_a_forged_challenge_is_refused_and_the_payment_still_waits(pay):
    started = pay("card", card("4000002500003155"))

    with pytest.raises(ValidationError) as caught:
        services.confirm_action(payment_id=started.payment_id, data={"challenge_id": "guess"})

    assert list(caught.value.message_dict) == ["challenge_id"]
    assert Payment.objects.get(pk=started.payment_id).status == PaymentStatus.REQUIRES_ACTION


def test_an_abandoned_challenge_expires_and_the_order_is_told_it_is_over(pay, events):
    started = pay("card", card("4000002500003155"))

    expired = services.expire_pending(timezone.now() + timedelta(minutes=31))

    assert expired == 1
    assert Payment.objects.get(pk=started.payment_id).status == PaymentStatus.EXPIRED
    [failed] = events("payment.failed")
    assert (failed["code"], failed["final"]) == ("expired", True)


def test_a_new_attempt_replaces_an_abandoned_challenge_without_failing_the_order(pay, events):
    abandoned = pay("card", card("4000002500003155"))

    paid = pay("card", card("4242424242424242"))

    assert paid.succeeded
    replaced = Payment.objects.get(pk=abandoned.payment_id)
    assert (replaced.status, replaced.failure_code) == (PaymentStatus.VOIDED, "superseded")
    assert events("payment.failed") == []
    assert services.expire_pending(timezone.now() + timedelta(days=1)) == 0


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (card("4242424242424241"), "card_number", "This card number is not valid."),
        (card("4242-4242-abcd-4242"), "card_number", "This card number is not valid."),
        (card(""), "card_number", "Enter the card number."),
        (card("4242424242424242", expiry="01/20"), "card_expiry", "This card has expired."),
        (
            card("4242424242424242", expiry="13/40"),
            "card_expiry",
            "Enter the expiry date as MM/YY.",
        ),
        (card("4242424242424242", cvc="12"), "card_cvc", "Enter the 3 or 4 digit security code."),
    ],
)
def test_malformed_card_details_name_the_field_and_store_nothing(pay, details, field, message):
    with pytest.raises(ValidationError) as caught:
        pay("card", details)

    assert caught.value.message_dict == {field: [message]}
    assert not Payment.objects.exists()


def test_luhn_check():
    assert luhn_valid("4242424242424242")
    assert luhn_valid("4000002500003155")
    assert not luhn_valid("4242424242424243")


def test_the_same_idempotency_key_returns_the_same_payment(pay, events):
    first = pay("card", key="checkout-abc")

    again = pay("card", key="checkout-abc")

    assert again == first
    assert Payment.objects.count() == 1
    assert len(events("payment.succeeded")) == 1


def test_an_idempotency_key_reused_for_another_amount_is_refused(pay, order):
    pay("card", key="checkout-abc")

    with pytest.raises(ValidationError) as caught:
        pay("card", key="checkout-abc", amount=Money("10.00", "EUR"))

    assert list(caught.value.message_dict) == ["idempotency_key"]


def test_amount_in_another_currency_than_the_market_is_refused(pay):
    with pytest.raises(ValidationError) as caught:
        pay("card", amount=Money("49.90", "USD"))

    assert caught.value.message_dict == {"amount": ["Europe pays in EUR, not USD."]}


def test_a_method_the_market_does_not_offer_is_refused(pay, gulf, make_order):
    with pytest.raises(ValidationError) as caught:
        pay("bank_transfer", of=make_order("100", gulf))

    assert caught.value.message_dict == {"method": ["Bank transfer is not offered in Gulf."]}


def test_a_method_without_a_provider_is_refused_clearly(pay):
    with pytest.raises(ValidationError) as caught:
        pay("paypal")

    assert caught.value.message_dict == {
        "method": ["PayPal is not supported by this store's payment providers yet."]
    }


def test_manual_capture_holds_the_card_until_captured(pay, settings: Any, events):
    settings.TRADEWIND_CARD_CAPTURE = "manual"
    held = pay("card")
    assert held.status == PaymentStatus.AUTHORIZED
    assert events("payment.succeeded")[0]["status"] == "authorized"

    taken = services.capture(held.payment_id, actor_label="warehouse")

    assert taken.status == PaymentStatus.CAPTURED
    assert Payment.objects.get(pk=held.payment_id).captured_money == Money("49.90", "EUR")
    assert len(events("payment.succeeded")) == 1


def test_a_declined_payment_cannot_be_captured(pay):
    declined = pay("card", card("4000000000000002"))

    with pytest.raises(services.IllegalPaymentTransition, match="is failed"):
        services.capture(declined.payment_id)


def test_paying_by_card_at_checkout_costs_a_fixed_few_queries(pay, django_assert_num_queries):
    # Replay and paid-order lookup, savepoint, payment, log, outbox event, release.
    with django_assert_num_queries(6):
        result = pay("card")

    assert result.succeeded


def test_capturing_more_than_was_authorized_is_refused(pay, settings: Any):
    settings.TRADEWIND_CARD_CAPTURE = "manual"
    held = pay("card")

    with pytest.raises(ValidationError) as caught:
        services.capture(held.payment_id, Money("60.00", "EUR"))

    assert caught.value.message_dict == {
        "amount": ["At most 49.90 EUR can be captured; 60.00 EUR was asked."]
    }
    assert Payment.objects.get(pk=held.payment_id).status == PaymentStatus.AUTHORIZED
