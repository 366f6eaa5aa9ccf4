"""Demo history: believable, seasonal, consistent and the same for the same seed."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from django.db import transaction
from django.db.models import Count, Sum

from tradewind.customers.models import Customer
from tradewind.demo import build_demo
from tradewind.demo import history_plan as hp
from tradewind.orders.models import Order, OrderLine, ReturnRequest, Shipment
from tradewind.payments.models import Payment

TODAY = date(2026, 11, 22)
START = TODAY - timedelta(days=730)
EVENTS = {
    "us": frozenset({hp.BLACK_FRIDAY, hp.CHRISTMAS}),
    "sg": frozenset({hp.DOUBLE_DAYS}),
    "ae": frozenset({hp.RAMADAN_EVENT}),
}


def _plan(seed: int = 7, customers: int = 20_000) -> hp.HistoryChunk:
    markets = tuple(
        hp.MarketProfile(
            code=code,
            share=1.0,
            destinations=(i,),
            destination_weights=(1.0,),
            events=events,
            prices_include_tax=code != "us",
            return_days=30,
            return_rate=0.1,
            handling_days=1,
            transit_days=(2, 5),
            shipping_fee=495,
            free_over=6000,
            methods=("card", "cod"),
            method_weights=(0.7, 0.3),
            cod_max=20_000,
        )
        for i, (code, events) in enumerate(EVENTS.items())
    )
    rng = np.random.default_rng(1)
    price_eur = rng.uniform(20, 120, 50)
    catalogue = hp.Catalogue(
        prices=np.tile(np.rint(price_eur * 100).astype(np.int64), (3, 1)),
        popularity=1 / np.arange(1, 51),
        price_eur=price_eur,
        tax_class=np.zeros(50, np.int64),
    )
    taxes = hp.TaxTable(np.full((3, 1, 30), 2000, np.int64), START.replace(day=1))
    return hp.plan_chunk(
        seed=seed,
        chunk=0,
        first_customer=0,
        customers=customers,
        markets=markets,
        catalogue=catalogue,
        taxes=taxes,
        start=START,
        days=730,
    )


def _daily(plan: hp.HistoryChunk, market: int) -> np.ndarray:
    mine = plan.market[plan.order_customer] == market
    return np.bincount(plan.placed[mine].astype(int), minlength=730)


def _day(d: date) -> int:
    return (d - START).days


def test_buying_follows_bg_nbd_with_many_one_time_buyers_and_a_loyal_core() -> None:
    plan = _plan()
    per_customer = np.bincount(plan.order_customer, minlength=plan.customers)

    assert per_customer.min() == 1
    assert 0.4 < (per_customer == 1).mean() < 0.7
    assert np.percentile(per_customer, 99) >= 8


def test_november_outsells_the_average_month_in_black_friday_markets() -> None:
    daily = _daily(_plan(), 0)
    november = daily[_day(date(2025, 11, 1)) : _day(date(2025, 12, 1))].sum()
    average_month = daily[_day(date(2025, 1, 1)) : _day(date(2026, 1, 1))].sum() / 12

    assert november > 1.3 * average_month


def test_singles_day_spikes_in_southeast_asia_only() -> None:
    plan = _plan()
    sea, us = _daily(plan, 1), _daily(plan, 0)
    day = _day(date(2025, 11, 11))
    around = np.r_[sea[day - 21 : day - 3], sea[day + 3 : day + 21]].mean()

    assert sea[day] > 3 * around
    assert us[day] < 2 * np.r_[us[day - 21 : day - 3]].mean()


def test_ramadan_lifts_gulf_orders() -> None:
    daily = _daily(_plan(), 2)
    ramadan = daily[_day(date(2026, 2, 18)) : _day(date(2026, 3, 20))].mean()
    before = daily[_day(date(2026, 1, 1)) : _day(date(2026, 2, 10))].mean()

    assert ramadan > 1.5 * before


def test_the_same_seed_plans_the_same_history_and_another_seed_does_not() -> None:
    def fingerprint(plan: hp.HistoryChunk) -> str:
        digest = hashlib.sha256()
        for values in (plan.order_number, plan.placed, plan.line_total, plan.status):
            digest.update(np.ascontiguousarray(values).tobytes())
        return digest.hexdigest()

    assert fingerprint(_plan(seed=3, customers=500)) == fingerprint(_plan(seed=3, customers=500))
    assert fingerprint(_plan(seed=3, customers=500)) != fingerprint(_plan(seed=4, customers=500))


def test_order_numbers_are_unique() -> None:
    plan = _plan()
    assert len(np.unique(plan.order_number)) == len(plan.order_number)


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One small store with history for the whole module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        build_demo(seed=5, products=3, customers=300, out=out, today=TODAY)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def history(built: str, db: None) -> str:
    return built


def test_history_is_loaded_with_progress_and_without_placed_events(history: str) -> None:
    from tradewind.core.models import OutboxEvent

    assert "History: 300/300 customers" in history
    assert Order.objects.values("customer").distinct().count() == 300
    assert not OutboxEvent.objects.filter(topic="order.placed").exists()


def test_totals_are_the_sum_of_lines_plus_shipping_in_the_market_currency(history: str) -> None:
    orders = Order.objects.select_related("market").annotate(
        lines_total=Sum("lines__total_amount"), line_count=Count("lines")
    )
    assert orders.exists()
    for order in orders:
        assert order.currency == order.market.currency
        assert order.total_amount == order.lines_total + order.shipping_amount
    assert not OrderLine.objects.exclude(currency__in=Order.objects.values("currency")).exists()


def test_statuses_agree_with_their_dates(history: str) -> None:
    for order in Order.objects.all():
        if order.status == "cancelled":
            assert order.cancelled_at and not order.paid_at
            continue
        if order.status == "pending_payment":
            assert order.paid_at is None
        if order.status in ("fulfilled", "delivered", "refunded", "returned"):
            assert order.paid_at and order.fulfilled_at
            assert order.placed_at <= order.paid_at <= order.fulfilled_at
        if order.delivered_at:
            assert order.fulfilled_at and order.fulfilled_at < order.delivered_at
    assert Shipment.objects.filter(delivered_at__isnull=False).count() == (
        Order.objects.filter(delivered_at__isnull=False).count()
    )
    assert Payment.objects.count() == Order.objects.count()


def test_returns_come_after_delivery_within_the_market_window(history: str) -> None:
    returns = ReturnRequest.objects.select_related("order__market")
    assert returns.exists()
    for request in returns:
        order = request.order
        assert order.delivered_at is not None
        assert order.delivered_at < request.created_at
        assert request.created_at - order.delivered_at <= timedelta(days=order.market.return_days)
        if request.status == "refunded":
            assert request.refund_amount is not None and request.refund_amount > 0
            assert order.refunded_amount == request.refund_amount


def test_rows_added_after_the_load_get_fresh_ids(history: str) -> None:
    newest = Order.objects.order_by("-pk").values_list("pk", flat=True).first()
    customer = Customer.objects.create(email="late.shopper@example.com")
    payment_ids = set(Payment.objects.values_list("pk", flat=True))

    assert customer.pk > Customer.objects.exclude(pk=customer.pk).count()
    assert newest == Order.objects.count()
    assert len(payment_ids) == Order.objects.count()


def test_a_negative_customer_count_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    from tradewind.cli import main

    code = main(["demo", "--no-serve", "--products", "1", "--customers", "-1"])

    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "tradewind: error: --customers must be between 0 and 10,000,000, not -1."
    )
