"""Refunds go back in part or in full but never beyond what was captured; voids cancel
money not yet taken."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tradewind.core.money import Money
from tradewind.payments import services
from tradewind.payments.models import Payment, PaymentStatus, Refund

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


@pytest.fixture
def paid(pay) -> Payment:
    return Payment.objects.get(pk=pay("card").payment_id)


def test_partial_refunds_add_up_to_a_full_refund(paid, events):
    services.refund(paid.pk, eur("20.00"), reason="damaged", actor_label="support")
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_money) == (PaymentStatus.PARTIALLY_REFUNDED, eur("20.00"))

    services.refund(paid.pk, eur("29.90"))

    paid.refresh_from_db()
    assert (paid.status, paid.refundable_money) == (PaymentStatus.REFUNDED, eur("0"))
    assert [e["refunded"] for e in events("payment.refunded")] == ["20.00", "29.90"]
    assert events("payment.refunded")[-1]["total_refunded"] == "49.90"


def test_a_refund_above_what_is_left_is_refused_naming_the_amounts(paid):
    services.refund(paid.pk, eur("40.00"))

    with pytest.raises(ValidationError) as caught:
        services.refund(paid.pk, eur("10.00"))

    assert caught.value.message_dict == {
        "amount": ["At most 9.90 EUR can be refunded; 10.00 EUR was asked."]
    }
    paid.refresh_from_db()
    assert paid.refunded_money == eur("40.00")
    assert Refund.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (eur("0"), "The amount to refund must be above zero."),
        (Money("5", "USD"), "is in EUR, not USD."),
    ],
)
def test_nonsense_refund_amounts_are_refused(paid, amount, message):
    with pytest.raises(ValidationError, match=message):
        services.refund(paid.pk, amount)


def test_a_fully_refunded_payment_has_nothing_left_to_refund(paid):
    services.refund(paid.pk, eur("49.90"))

    with pytest.raises(services.IllegalPaymentTransition, match="no captured money"):
        services.refund(paid.pk, eur("1.00"))


def test_a_declined_payment_cannot_be_refunded(pay):
    declined = pay(
        "card", {"card_number": "4000000000000002", "card_expiry": "12/40", "card_cvc": "123"}
    )

    with pytest.raises(services.IllegalPaymentTransition):
        services.refund(declined.payment_id, eur("1.00"))


def test_a_refund_repeated_with_its_key_happens_once(paid, events):
    first = services.refund(paid.pk, eur("5.00"), idempotency_key="rma-17")

    again = services.refund(paid.pk, eur("5.00"), idempotency_key="rma-17")

    assert again.pk == first.pk
    paid.refresh_from_db()
    assert paid.refunded_money == eur("5.00")
    assert len(events("payment.refunded")) == 1


def test_voiding_an_authorized_payment_releases_it_and_tells_the_order(pay, events):
    held = pay("cod")

    voided = services.void(held.payment_id, actor_label="support")

    assert voided.status == PaymentStatus.VOIDED
    [failed] = events("payment.failed")
    assert (failed["code"], failed["final"]) == ("voided", True)


def test_a_captured_payment_cannot_be_voided(paid):
    with pytest.raises(services.IllegalPaymentTransition, match="refund it instead"):
        services.void(paid.pk)
