"""``tradewind worker``: one cycle delivers pending events (and the follow-ups they cause),
sweeps expired stock holds and payments, and says what it did in one line."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tradewind.catalog.models import Product, Variant
from tradewind.cli import main
from tradewind.core.models import OutboxEvent
from tradewind.core.worker import CycleReport, run
from tradewind.inventory import services as inventory
from tradewind.inventory.models import MarketWarehouse, Reservation, Stock, Warehouse
from tradewind.markets.tests.factories import market
from tradewind.orders import services as orders
from tradewind.orders.models import Order, OrderLine
from tradewind.payments import services as payments

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d outbox: (\d+) delivered, (\d+) failing; "
    r"stock: (\d+) units released; payments: (\d+) expired$"
)
APPROVED = {"card_number": "4242424242424242", "card_expiry": "12/40", "card_cvc": "123"}


@pytest.fixture
def setup(db: Any) -> tuple[Any, Variant, Warehouse]:
    eu = market(("DE",), code="eu", currency="EUR", payment_methods=["card"])
    where = Warehouse.objects.create(code="ams", name="Amsterdam", country="NL", city="A")
    MarketWarehouse.objects.create(market=eu, warehouse=where)
    product = Product.objects.create(handle="tee", name="Tee")
    tee = Variant.objects.create(product=product, sku="TEE", price_amount=Decimal(20))
    Stock.objects.create(variant=tee, warehouse=where, on_hand=10)
    return eu, tee, where


def place(eu: Any, tee: Variant, quantity: int, ttl: timedelta) -> Order:
    order = Order(
        market=eu,
        email="ana@example.com",
        language="en",
        currency="EUR",
        shipping_address={"country": "DE"},
        subtotal_amount=Decimal(20) * quantity,
        total_amount=Decimal(20) * quantity,
    )
    order.reservation_reference = order.number
    line = OrderLine(
        variant=tee,
        product_name="Tee",
        sku="TEE",
        quantity=quantity,
        total_amount=order.total_amount,
    )
    orders.create_order(order, [line])
    inventory.reserve([(tee.pk, quantity)], eu, reference=order.number, ttl=ttl)
    return order


def test_one_cycle_pays_the_order_confirms_it_and_frees_what_expired(
    setup: tuple[Any, Variant, Warehouse], capsys: pytest.CaptureFixture[str]
) -> None:
    eu, tee, where = setup
    bought = place(eu, tee, 2, timedelta(minutes=30))
    abandoned = place(eu, tee, 3, timedelta(minutes=30))
    Order.objects.filter(pk=abandoned.pk).update(placed_at=timezone.now() - timedelta(hours=1))
    Reservation.objects.filter(reference=abandoned.number).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    payments.start_payment(
        order_id=bought.pk,
        reference=bought.number,
        amount=bought.total,
        market=eu,
        method="card",
        details=APPROVED,
        idempotency_key="k1",
    )

    code = main(["worker", "--once"])

    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    match = SUMMARY.match(line)
    assert match is not None, line
    delivered, failing, released, expired = map(int, match.groups())
    # order.placed x2 have no consumer; payment.succeeded, then order.paid (the email).
    assert (delivered, failing, released, expired) == (2, 0, 3, 0)
    assert Order.objects.get(pk=bought.pk).status == "paid"
    assert Stock.objects.get(variant=tee, warehouse=where).on_hand == 8
    assert Stock.objects.get(variant=tee, warehouse=where).allocated == 0
    assert len(mail.outbox) == 1
    assert not OutboxEvent.objects.filter(
        topic__in=["payment.succeeded", "order.paid"], processed_at__isnull=True
    ).exists()


def test_a_failing_consumer_is_counted_and_the_event_kept(
    setup: tuple[Any, Variant, Warehouse], settings: Any
) -> None:
    eu, tee, _ = setup
    order = place(eu, tee, 1, timedelta(minutes=30))
    settings.EMAIL_BACKEND = "tradewind.core.tests.test_worker.BrokenBackend"
    orders.transition(order, "paid", actor_label="payments:test")
    lines: list[str] = []

    run(interval=1, once=True, out=lines.append)

    match = SUMMARY.match(lines[0])
    assert match is not None
    assert match.group(2) == "1"
    event = OutboxEvent.objects.get(topic="order.paid")
    assert event.processed_at is None
    assert "SMTP server unreachable" in event.last_error


def test_the_loop_keeps_going_after_a_cycle_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[float] = []

    def broken(**_: Any) -> None:
        raise RuntimeError("database restarting")

    def stop_after_two(seconds: float) -> None:
        calls.append(seconds)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("tradewind.core.worker.run_cycle", broken)
    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run(interval=0.5, out=lines.append, sleep=stop_after_two)

    assert calls == [0.5, 0.5]
    assert all(line.endswith("cycle failed: RuntimeError: database restarting") for line in lines)


def test_idle_cycles_print_nothing_in_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    cycles = iter([CycleReport(0, 0, 0, 0), CycleReport(1, 0, 0, 0)])
    monkeypatch.setattr("tradewind.core.worker.run_cycle", lambda **_: next(cycles))

    sleeps: list[float] = []

    def stop_after_two(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run(interval=1, out=lines.append, sleep=stop_after_two)

    assert len(lines) == 1
    assert "outbox: 1 delivered" in lines[0]


def test_a_bad_interval_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--interval", "0"]) == 2
    assert (
        capsys.readouterr().err.strip() == "tradewind: error: --interval must be above 0 seconds."
    )


class BrokenBackend:
    def __init__(self, **_: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise ConnectionRefusedError("SMTP server unreachable")
