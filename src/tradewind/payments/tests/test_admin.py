"""Staff find payments by order number, read their gateway log, and act on them through
the payment services; a refused action is a message, never an error page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tradewind.core.money import Money
from tradewind.payments import services
from tradewind.payments.models import MarketPaymentSettings, Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def test_payments_are_found_by_order_number_and_filtered(admin_client, pay, make_order):
    other = make_order()
    pay("card")
    pay("bank_transfer", of=other)

    response = admin_client.get(
        reverse("admin:payments_payment_changelist"), {"q": other.number, "status": "pending"}
    )

    assert response.status_code == 200
    assert [p.reference for p in response.context["cl"].result_list] == [other.number]


def test_a_payment_page_shows_its_gateway_log_and_refunds(admin_client, pay):
    paid = pay("card")
    services.refund(paid.payment_id, Money("5.00", "EUR"), reason="late delivery")

    response = admin_client.get(reverse("admin:payments_payment_change", args=[paid.payment_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Authorize" in page
    assert "late delivery" in page


def test_the_capture_action_marks_a_transfer_received(admin_client, pay, events):
    waiting = pay("bank_transfer")

    response = admin_client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "capture_payments", "_selected_action": [waiting.payment_id]},
        follow=True,
    )

    assert response.status_code == 200
    assert Payment.objects.get(pk=waiting.payment_id).status == PaymentStatus.CAPTURED
    assert "1 payment(s) captured." in response.content.decode()
    assert events("payment.succeeded")[0]["payment_id"] == waiting.payment_id


def test_a_refused_action_is_reported_as_a_message(admin_client, pay):
    paid = pay("card")

    response = admin_client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "void_payments", "_selected_action": [paid.payment_id]},
        follow=True,
    )

    assert response.status_code == 200
    assert "only a payment not yet captured can be voided" in response.content.decode()
    assert Payment.objects.get(pk=paid.payment_id).status == PaymentStatus.CAPTURED


def test_a_cod_limit_with_decimals_the_currency_lacks_is_a_field_error(admin_client, gulf):
    response = admin_client.post(
        reverse("admin:payments_marketpaymentsettings_add"),
        {
            "market": gulf.pk,
            "cod_max_amount": "500.001",
            "bank_transfer_days": "7",
            "card_action_minutes": "30",
        },
    )

    assert response.status_code == 200
    assert "cod_max_amount" in response.context["adminform"].form.errors
    assert not MarketPaymentSettings.objects.exists()
