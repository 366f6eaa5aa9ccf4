"""No overselling: many buyers at once for a few units, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum

from tradewind.catalog.models import Variant
from tradewind.inventory import services
from tradewind.inventory.models import Reservation, Stock, StockMovement, Warehouse
from tradewind.inventory.tests.conftest import put, stock_of
from tradewind.markets.models import Market

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 50


def rush(buy: Callable[[int], None]) -> tuple[int, int]:
    """Run every buyer at the same moment; returns (succeeded, refused)."""
    start = threading.Barrier(BUYERS)
    outcomes: list[bool] = []
    failures: list[BaseException] = []

    def buyer(number: int) -> None:
        try:
            start.wait()
            buy(number)
            outcomes.append(True)
        except services.OutOfStock:
            outcomes.append(False)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        list(pool.map(buyer, range(BUYERS)))
    assert failures == []
    return outcomes.count(True), outcomes.count(False)


def test_fifty_buyers_for_ten_units_sell_exactly_ten(
    market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=10)

    def buy(number: int) -> None:
        services.reserve([(tee.id, 1)], market, reference=f"order-{number}")
        services.commit_reservation(f"order-{number}")

    assert rush(buy) == (10, 40)
    assert stock_of(tee, rotterdam) == (0, 0)
    sold = StockMovement.objects.filter(reason=StockMovement.Reason.SALE)
    assert sold.aggregate(units=Sum("delta"))["units"] == -10
    assert Reservation.objects.filter(status=Reservation.Status.COMMITTED).count() == 10


def test_held_units_equal_the_successful_reservations(
    market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=10)

    def hold(number: int) -> None:
        services.reserve([(tee.id, 1)], market, reference=f"order-{number}")

    succeeded, _ = rush(hold)

    held = Reservation.objects.filter(status=Reservation.Status.HELD)
    assert succeeded == 10
    assert stock_of(tee, rotterdam) == (10, 10)
    assert held.aggregate(units=Sum("quantity"))["units"] == 10


def test_split_orders_under_contention_never_oversell_either_warehouse(
    market: Market, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    # Two units each from 3 + 7 units: a buyer may get one from each warehouse.
    put(tee, rotterdam, on_hand=3)
    put(tee, leipzig, on_hand=7)

    def buy(number: int) -> None:
        services.reserve([(tee.id, 2)], market, reference=f"order-{number}")

    assert rush(buy) == (5, 45)
    assert [(s.on_hand, s.allocated) for s in Stock.objects.order_by("warehouse__code")] == [
        (7, 7),
        (3, 3),
    ]
