"""Status changes go through one door: checked, recorded with who and why, announced in
the outbox in the same transaction, and cancelling gives the stock back."""

import threading
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from tradewind.catalog.models import Variant
from tradewind.core.models import OutboxEvent
from tradewind.inventory import services as inventory
from tradewind.inventory.models import Warehouse
from tradewind.markets.models import Market
from tradewind.orders import services
from tradewind.orders.models import Order, OrderLine, OrderTransition
from tradewind.orders.states import IllegalTransition
from tradewind.orders.tests.conftest import PLACED, MakeOrder, line, paid, stock

pytestmark = pytest.mark.django_db


def test_placing_an_order_stores_lines_and_one_placed_event(make_order: MakeOrder) -> None:
    order = make_order()

    assert order.status == "pending_payment"
    assert order.number.startswith("TW-") and len(order.number) == 14
    assert order.lines.count() == 2
    event = OutboxEvent.objects.get(topic="order.placed")
    assert (event.aggregate_type, event.aggregate_id) == ("orders.order", str(order.pk))
    assert event.payload["number"] == order.number
    assert Decimal(event.payload["total_amount"]) == Decimal(80)


def test_orders_are_created_in_bulk_in_three_queries(
    eu: Market, tee: Variant, django_assert_num_queries
) -> None:
    batch = [
        (
            Order(market=eu, email=f"{n}@example.com", language="en", currency="EUR"),
            [line(tee, 1, "20.00"), line(tee, 2, "18.00")],
        )
        for n in range(25)
    ]
    with django_assert_num_queries(3 + 2):  # + the savepoint around them
        created = services.create_orders(batch)

    assert len({order.number for order in created}) == 25
    assert OrderLine.objects.filter(order__in=created).count() == 50
    assert OutboxEvent.objects.filter(topic="order.placed").count() == 25


def test_a_line_in_another_currency_is_refused_naming_the_field(eu: Market, tee: Variant) -> None:
    wrong = line(tee, 1, "20.00")
    wrong.currency = "USD"
    order = Order(market=eu, email="a@example.com", language="en", currency="EUR")

    with pytest.raises(Exception, match="currency") as refused:
        services.create_order(order, [wrong])

    assert refused.value.message_dict["currency"]  # type: ignore[attr-defined]
    assert not Order.objects.exists()


def test_a_transition_is_recorded_with_actor_reason_and_moment(
    make_order: MakeOrder, admin_user: User
) -> None:
    order = make_order()

    moved = services.transition(order, "paid", actor=admin_user, reason="Bank transfer seen")

    assert moved.status == "paid" and moved.paid_at is not None
    record = OrderTransition.objects.get(order=order)
    assert (record.from_status, record.to_status) == ("pending_payment", "paid")
    assert record.actor == admin_user
    assert record.actor_label == admin_user.username
    assert record.reason == "Bank transfer seen"
    assert record.at == moved.paid_at


def test_a_system_actor_is_named_by_its_label(make_order: MakeOrder) -> None:
    order = paid(make_order())

    record = order.transitions.get()
    assert record.actor is None
    assert record.actor_label == "payments:test"


def test_a_transition_emits_its_event_with_the_change(make_order: MakeOrder) -> None:
    order = make_order()

    services.transition(order, "paid", actor_label="payments:test", reason="Captured")

    event = OutboxEvent.objects.get(topic="order.paid")
    assert event.payload["from_status"] == "pending_payment"
    assert event.payload["actor"] == "payments:test"
    assert event.payload["reason"] == "Captured"


def test_a_transition_takes_a_fixed_number_of_queries(
    make_order: MakeOrder, django_assert_num_queries
) -> None:
    order = make_order()

    # savepoint, lock the order, update it, record the transition, write the event, release
    with django_assert_num_queries(6):
        services.transition(order, "paid")


def test_an_illegal_transition_is_refused_and_leaves_no_trace(make_order: MakeOrder) -> None:
    order = make_order()
    events_before = OutboxEvent.objects.count()

    with pytest.raises(IllegalTransition, match="Allowed next: paid, cancelled"):
        services.transition(order, "delivered")

    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert not order.transitions.exists()
    assert OutboxEvent.objects.count() == events_before


def test_a_transition_rolled_back_with_its_caller_leaves_no_event(make_order: MakeOrder) -> None:
    order = make_order()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.transition(order, "paid")
        assert OutboxEvent.objects.filter(topic="order.paid").exists()
        raise Abort

    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert not OrderTransition.objects.exists()
    assert not OutboxEvent.objects.filter(topic="order.paid").exists()


def test_the_status_is_read_fresh_from_the_database_not_from_a_stale_copy(
    make_order: MakeOrder,
) -> None:
    order = make_order()
    stale = Order.objects.get(pk=order.pk)
    services.cancel(order, reason="Customer changed their mind")

    with pytest.raises(IllegalTransition, match="'cancelled' is final"):
        services.transition(stale, "paid")


def test_cancelling_releases_the_reserved_stock(
    make_order: MakeOrder, eu: Market, rotterdam: Warehouse, tee: Variant, cap: Variant
) -> None:
    stock(tee, rotterdam, 5)
    stock(cap, rotterdam, 2)
    inventory.reserve([(tee.pk, 3), (cap.pk, 1)], eu, reference="CHK-1")
    order = make_order(reservation_reference="CHK-1")
    assert inventory.available([tee.pk, cap.pk], eu) == {tee.pk: 2, cap.pk: 1}

    services.cancel(order, reason="Payment never arrived")

    assert inventory.available([tee.pk, cap.pk], eu) == {tee.pk: 5, cap.pk: 2}
    order.refresh_from_db()
    assert order.status == "cancelled" and order.cancelled_at is not None
    assert OutboxEvent.objects.filter(topic="order.cancelled").exists()


def test_cancelling_asks_inventory_to_release_the_orders_reservation(
    make_order: MakeOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[str] = []
    monkeypatch.setattr(inventory, "release_reservation", released.append)

    services.cancel(make_order(reservation_reference="CHK-42"))

    assert released == ["CHK-42"]


def test_a_failed_release_keeps_the_order_uncancelled(
    make_order: MakeOrder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(reference: str) -> int:
        raise RuntimeError("stock database unavailable")

    monkeypatch.setattr(inventory, "release_reservation", broken)
    order = make_order(reservation_reference="CHK-7")

    with pytest.raises(RuntimeError):
        services.cancel(order)

    order.refresh_from_db()
    assert order.status == "pending_payment"
    assert not OutboxEvent.objects.filter(topic="order.cancelled").exists()


def test_a_shipped_order_cannot_be_cancelled(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = paid(make_order())
    everything = {item.pk: item.quantity for item in order.lines.all()}
    services.create_shipment(order, rotterdam, everything, "DHL", "1", shipped_at=PLACED)

    with pytest.raises(IllegalTransition, match="'fulfilled' cannot become 'cancelled'"):
        services.cancel(order)


def test_amounts_keep_their_currency(make_order: MakeOrder) -> None:
    order = make_order()

    assert str(order.total.currency) == "EUR"
    assert order.total.amount == Decimal(80)
    assert order.lines.first().total.currency.code == "EUR"  # type: ignore[union-attr]


@pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="SQLite serialises whole write transactions instead of locking rows",
)
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_change_is_seen_before_the_next_one_is_checked(
    make_order: MakeOrder,
) -> None:
    order = make_order()
    outcome: list[str] = []

    def pay_meanwhile() -> None:
        try:
            services.transition(order, "paid", actor_label="payments:late-webhook")
            outcome.append("paid")
        except IllegalTransition as refused:
            outcome.append(str(refused))
        finally:
            connection.close()

    with transaction.atomic():
        services.cancel(order, reason="Expired")
        payer = threading.Thread(target=pay_meanwhile)
        payer.start()
        time.sleep(0.5)  # the payer now waits for this transaction's row lock
    payer.join(timeout=10)

    assert outcome == ["An order that is 'cancelled' is final and cannot become 'paid'."]
    assert list(order.transitions.values_list("to_status", flat=True)) == ["cancelled"]
