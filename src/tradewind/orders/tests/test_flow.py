"""An order's walk through the outbox: paid by card or cash on delivery, cancelled when the
payment is given up, shipped, returned and refunded, with every event safe to repeat."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tradewind.core.models import OutboxEvent
from tradewind.core.outbox import dispatch_pending
from tradewind.inventory import services as inventory
from tradewind.inventory.models import Reservation, Stock, StockMovement, Warehouse
from tradewind.markets.models import Market
from tradewind.orders import handlers, services
from tradewind.orders.models import Order
from tradewind.orders.tests.conftest import MakeOrder, lines_of, stock
from tradewind.payments import services as payments
from tradewind.payments.models import Payment

APPROVED = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/40", "card_cvc": "123"}
DECLINED = {**APPROVED, "card_number": "4000 0000 0000 0002"}


@pytest.fixture(autouse=True)
def _bank_account(settings: Any) -> None:
    settings.TRADEWIND_BANK_IBAN = "DE89370400440532013000"
    settings.TRADEWIND_BANK_ACCOUNT_HOLDER = "Tradewind Demo GmbH"


@pytest.fixture
def shop(eu: Market, rotterdam: Warehouse, tee: Any, cap: Any) -> Warehouse:
    eu.payment_methods = ["card", "cod", "bank_transfer"]
    eu.save()
    stock(tee, rotterdam, 10)
    stock(cap, rotterdam, 5)
    return rotterdam


@pytest.fixture
def placed(shop: Warehouse, make_order: MakeOrder, eu: Market) -> Order:
    """An 80 EUR order in German for Berlin, its 3 tees and 1 cap held for 30 minutes."""
    order = make_order()
    order.reservation_reference = order.number
    order.save(update_fields=["reservation_reference"])
    wanted = [(line.variant_id or 0, line.quantity) for line in order.lines.all()]
    inventory.reserve(wanted, eu, reference=order.number, ttl=timedelta(minutes=30))
    return order


def html_of(email: mail.EmailMessage) -> str:
    """The HTML alternative of a sent email."""
    assert isinstance(email, mail.EmailMultiAlternatives)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return str(html)


def pay(order: Order, method: str = "card", details: dict[str, str] | None = None) -> Any:
    return payments.start_payment(
        order_id=order.pk,
        reference=order.number,
        amount=order.total,
        market=order.market,
        method=method,
        details=APPROVED if details is None and method == "card" else details or {},
        idempotency_key=f"{order.number}-{method}-{Payment.objects.count()}",
    )


def deliver() -> int:
    """What the worker does: deliver until no event is left (follow-ups included)."""
    total = 0
    while handled := dispatch_pending(handlers.HANDLERS):
        total += handled
    return total


def shelf(variant: Any, where: Warehouse) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant, warehouse=where)
    return row.on_hand, row.allocated


def reload(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


@pytest.mark.django_db
def test_a_card_payment_pays_the_order_commits_its_stock_and_confirms_in_german(
    placed: Order, shop: Warehouse, tee: Any, cap: Any
) -> None:
    assert pay(placed).succeeded

    deliver()

    order = reload(placed)
    assert order.status == "paid"
    assert order.transitions.get(to_status="paid").actor_label == "payments:test_card"
    assert shelf(tee, shop) == (7, 0)
    assert shelf(cap, shop) == (4, 0)
    assert set(
        Reservation.objects.filter(reference=order.number).values_list("status", flat=True)
    ) == {"committed"}
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert email.subject == f"Bestellung {order.number} bestätigt"
    assert "Vielen Dank für Ihre Bestellung" in email.body
    assert "80,00\xa0€" in email.body  # the total as written in Germany
    html = html_of(email)
    assert 'lang="de"' in html
    assert "80,00\xa0€" in html


@pytest.mark.django_db
def test_cash_on_delivery_confirms_the_order_before_any_cash_arrives(
    placed: Order, shop: Warehouse, tee: Any
) -> None:
    result = pay(placed, "cod")
    assert result.status == "authorized"

    deliver()

    order = reload(placed)
    assert order.status == "paid"
    assert "Cash on delivery" in order.transitions.get(to_status="paid").reason
    assert shelf(tee, shop) == (7, 0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_declined_card_leaves_the_order_pending_with_its_stock_held(
    placed: Order, shop: Warehouse, tee: Any
) -> None:
    assert pay(placed, details=DECLINED).failed

    deliver()

    assert reload(placed).status == "pending_payment"
    assert shelf(tee, shop) == (10, 3)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_payment_given_up_for_good_cancels_the_order_and_releases_its_stock(
    placed: Order, shop: Warehouse, tee: Any, cap: Any
) -> None:
    pending = pay(placed, "bank_transfer")
    assert pending.status == "pending"

    payments.expire_pending(timezone.now() + timedelta(days=30))
    deliver()

    order = reload(placed)
    assert order.status == "cancelled"
    assert order.transitions.get(to_status="cancelled").actor_label == "payments:bank_transfer"
    assert shelf(tee, shop) == (10, 0)
    assert shelf(cap, shop) == (5, 0)
    assert mail.outbox == []


@pytest.mark.django_db
def test_redelivered_payment_events_change_nothing(
    placed: Order, shop: Warehouse, tee: Any
) -> None:
    pay(placed)
    deliver()
    succeeded = OutboxEvent.objects.get(topic="payment.succeeded")
    transitions = reload(placed).transitions.count()
    movements = StockMovement.objects.count()

    handlers.payment_succeeded(succeeded)
    handlers.payment_failed(
        OutboxEvent(topic="payment.failed", payload={**succeeded.payload, "final": True})
    )

    order = reload(placed)
    assert order.status == "paid"
    assert order.transitions.count() == transitions
    assert StockMovement.objects.count() == movements
    assert shelf(tee, shop) == (7, 0)


@pytest.mark.django_db
def test_money_arriving_for_a_cancelled_order_goes_back(placed: Order) -> None:
    services.cancel(placed, actor_label="customer", reason="Changed my mind")
    pay(placed)

    deliver()

    payment = Payment.objects.get(order_id=placed.pk)
    assert payment.status == "refunded"
    assert reload(placed).status == "cancelled"
    [email] = mail.outbox
    assert email.subject == f"Erstattung für Bestellung {placed.number}"


@pytest.mark.django_db
def test_a_payment_after_the_hold_expired_claims_the_units_again(
    placed: Order, shop: Warehouse, tee: Any
) -> None:
    inventory.release_expired(timezone.now() + timedelta(hours=1))
    assert shelf(tee, shop) == (10, 0)

    pay(placed)
    deliver()

    assert reload(placed).status == "paid"
    assert shelf(tee, shop) == (7, 0)


@pytest.mark.django_db
def test_cancelling_a_paid_order_puts_its_committed_stock_back_once(
    placed: Order, shop: Warehouse, tee: Any, cap: Any
) -> None:
    pay(placed)
    deliver()
    assert shelf(tee, shop) == (7, 0)

    services.cancel(reload(placed), actor_label="support", reason="Out of stock at the carrier")

    assert shelf(tee, shop) == (10, 0)
    assert shelf(cap, shop) == (5, 0)
    back = StockMovement.objects.filter(reference=placed.number, delta__gt=0)
    assert sorted(back.values_list("delta", "reason")) == [(1, "restock"), (3, "restock")]
    assert inventory.return_committed(placed.number, reason="restock") == 0
    assert shelf(tee, shop) == (10, 0)


@pytest.mark.django_db
def test_shipping_sends_the_tracking_number_in_the_shoppers_language(
    placed: Order, shop: Warehouse
) -> None:
    pay(placed)
    deliver()
    mail.outbox.clear()
    everything = {line.pk: line.quantity for line in lines_of(placed).values()}

    services.create_shipment(reload(placed), shop, everything, "DHL", "JD014600006281")
    deliver()

    [email] = mail.outbox
    assert email.subject == f"Ihre Bestellung {placed.number} ist unterwegs"
    assert "Sendungsnummer: JD014600006281" in email.body
    assert "JD014600006281" in html_of(email)
    assert "3 \u00d7 Tee" in email.body


@pytest.mark.django_db
def test_a_returns_refund_is_paid_out_and_the_order_marked_refunded(
    placed: Order, shop: Warehouse, tee: Any
) -> None:
    pay(placed)
    deliver()
    everything = {line.pk: line.quantity for line in lines_of(placed).values()}
    shipment = services.create_shipment(reload(placed), shop, everything, "DHL", "JD1")
    services.confirm_delivery(shipment)
    tees = lines_of(placed)["TEE-M"]
    request = services.request_return(reload(placed), {tees.pk: 1}, "too_small")
    services.approve_return(request)
    services.receive_return(request, {tees.pk: True})
    deliver()
    mail.outbox.clear()

    services.refund_return(request)
    deliver()

    payment = Payment.objects.get(order_id=placed.pk)
    assert payment.refunded_amount == Decimal("20.00")
    assert payment.status == "partially_refunded"
    order = reload(placed)
    assert order.status == "partially_refunded"
    assert order.refunded_amount == Decimal("20.00")
    request.refresh_from_db()
    assert request.status == "refunded"
    assert request.refund_reference == str(payment.refunds.get().pk)
    [email] = mail.outbox
    assert email.subject == f"Erstattung für Bestellung {placed.number}"
    assert "20,00\xa0€" in email.body

    # Delivered again, the refund events neither refund twice nor email twice.
    for topic in ("return.refund_requested", "payment.refunded"):
        handlers.HANDLERS[topic](OutboxEvent.objects.get(topic=topic))
    assert payment.refunds.count() == 1
    assert reload(placed).refunded_amount == Decimal("20.00")
    assert len(mail.outbox) == 1
