"""Cash on delivery (per-market switch and limit) and bank transfer (instructions, expiry,
money arriving by staff or by the bank's webhook)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tradewind.core.money import Money
from tradewind.payments import services
from tradewind.payments.models import MarketPaymentSettings, Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def test_cash_on_delivery_is_accepted_for_shipping_and_collected_later(pay, events):
    result = pay("cod")

    assert result.status == PaymentStatus.AUTHORIZED
    assert result.message == "Pay 49.90 EUR in cash when the parcel is delivered."
    assert events("payment.succeeded")[0]["status"] == "authorized"

    collected = services.capture(result.payment_id, actor_label="courier")

    assert collected.status == PaymentStatus.CAPTURED


def test_cash_on_delivery_above_the_market_limit_is_refused_naming_amount_and_currency(
    pay, gulf, make_order
):
    MarketPaymentSettings.objects.create(market=gulf, cod_max_amount=Decimal("500"))

    with pytest.raises(ValidationError) as caught:
        pay("cod", of=make_order("650.00", gulf))

    assert caught.value.message_dict == {
        "method": [
            "Cash on delivery is available up to 500.00 AED in Gulf; this order is 650.00 AED."
        ]
    }
    assert not Payment.objects.exists()


def test_cash_on_delivery_up_to_the_limit_is_accepted(pay, gulf, make_order):
    MarketPaymentSettings.objects.create(market=gulf, cod_max_amount=Decimal("500"))

    assert pay("cod", of=make_order("500.00", gulf)).succeeded


def test_the_limit_of_one_market_does_not_apply_to_another(pay, gulf, eu):
    MarketPaymentSettings.objects.create(market=gulf, cod_max_amount=Decimal("500"))

    assert pay("cod", amount=Money("900.00", "EUR")).succeeded


def test_cash_on_delivery_is_refused_where_the_market_has_it_switched_off(pay, eu):
    eu.payment_methods = ["card"]
    eu.save()

    with pytest.raises(ValidationError) as caught:
        pay("cod")

    assert caught.value.message_dict == {"method": ["Cash on delivery is not offered in Europe."]}


def test_available_methods_explain_why_cash_on_delivery_is_not_offered(gulf):
    MarketPaymentSettings.objects.create(market=gulf, cod_max_amount=Decimal("500"))

    options = services.available_methods(gulf, Money("650.00", "AED"))

    assert [(o.method, o.available) for o in options] == [("card", True), ("cod", False)]
    assert "up to 500.00 AED" in options[1].reason


def test_bank_transfer_gives_instructions_and_waits_for_the_money(pay, order, events):
    before = timezone.now()

    result = pay("bank_transfer")

    assert result.status == PaymentStatus.PENDING
    assert result.instructions is not None
    assert result.instructions["iban"] == "DE89 3704 0044 0532 0130 00"
    assert result.instructions["reference"] == order.number
    assert (result.instructions["amount"], result.instructions["currency"]) == ("49.90", "EUR")
    assert result.expires_at is not None
    assert timedelta(days=7) <= result.expires_at - before < timedelta(days=7, minutes=1)
    assert events("payment.succeeded") == events("payment.failed") == []


def test_the_market_sets_how_long_a_transfer_may_take(pay, eu):
    MarketPaymentSettings.objects.create(market=eu, bank_transfer_days=3)

    result = pay("bank_transfer")

    assert result.expires_at is not None
    assert result.expires_at - timezone.now() < timedelta(days=3)


def test_bank_transfer_is_unavailable_without_a_store_account(pay, settings):
    settings.TRADEWIND_BANK_IBAN = ""

    with pytest.raises(ValidationError) as caught:
        pay("bank_transfer")

    assert list(caught.value.message_dict) == ["method"]
    assert not Payment.objects.exists()


def test_an_unpaid_transfer_expires_after_its_days_and_the_order_is_released(pay, order, events):
    result = pay("bank_transfer")

    assert services.expire_pending(timezone.now() + timedelta(days=6)) == 0
    assert services.expire_pending(timezone.now() + timedelta(days=7, minutes=1)) == 1

    assert Payment.objects.get(pk=result.payment_id).status == PaymentStatus.EXPIRED
    [failed] = events("payment.failed")
    assert (failed["code"], failed["final"], failed["order_id"]) == ("expired", True, order.pk)


def test_staff_record_a_transfer_found_on_the_statement(pay, events):
    result = pay("bank_transfer")

    received = services.capture(result.payment_id, actor_label="accounts@example.com")

    assert received.status == PaymentStatus.CAPTURED
    assert events("payment.succeeded")[0]["payment_id"] == result.payment_id


def transfer(reference: str, amount: str, event_id: str = "bank-evt-1") -> dict:
    return {
        "id": event_id,
        "type": "transfer.received",
        "data": {"reference": reference, "amount": amount, "currency": "EUR"},
    }


def test_the_banks_webhook_marks_the_transfer_paid(pay, order, bank, events):
    result = pay("bank_transfer")
    body, headers = bank.signed_webhook(transfer(order.number, "49.90"))

    outcome = services.handle_webhook("bank_transfer", body, headers)

    assert (outcome.payment_id, outcome.outcome, outcome.replay) == (
        result.payment_id,
        "captured",
        False,
    )
    assert Payment.objects.get(pk=result.payment_id).status == PaymentStatus.CAPTURED
    assert len(events("payment.succeeded")) == 1


def test_a_short_transfer_is_flagged_and_the_order_keeps_waiting(pay, order, bank, events):
    result = pay("bank_transfer")
    body, headers = bank.signed_webhook(transfer(order.number, "40.00"))

    outcome = services.handle_webhook("bank_transfer", body, headers)

    payment = Payment.objects.get(pk=result.payment_id)
    assert (outcome.needs_review, payment.status, payment.needs_review) == (
        True,
        PaymentStatus.PENDING,
        True,
    )
    assert "40.00 EUR arrived, 49.90 EUR was due" in payment.review_reason
    assert events("payment.succeeded") == []


def test_a_transfer_arriving_after_expiry_is_flagged_for_review_not_lost(pay, order, bank, events):
    result = pay("bank_transfer")
    services.expire_pending(timezone.now() + timedelta(days=8))
    body, headers = bank.signed_webhook(transfer(order.number, "49.90"), at=time.time())

    outcome = services.handle_webhook("bank_transfer", body, headers)

    payment = Payment.objects.get(pk=result.payment_id)
    assert outcome.outcome == "late payment flagged for review"
    assert payment.needs_review
    assert payment.status == PaymentStatus.EXPIRED
    assert payment.captured_money == Money("49.90", "EUR")
    assert "arrived after the payment was expired" in payment.review_reason
    # Bank refunds need a person; staff refund from the admin, which the flag points to.
    refund = services.refund(payment.pk, Money("49.90", "EUR"), reason="late transfer")
    assert refund.succeeded
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert events("payment.refunded")[0]["total_refunded"] == "49.90"
