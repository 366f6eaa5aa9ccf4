"""Many shoppers at once, each on its own database connection, as under a real server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tradewind.catalog.models import Variant
from tradewind.checkout import services
from tradewind.checkout.tests.conftest import APPROVED, ReadyCart, put, stock_of
from tradewind.inventory.models import Reservation, Warehouse
from tradewind.orders.models import Order
from tradewind.payments.models import Payment

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 50


def rush(work: Callable[[int], Any]) -> tuple[list[Any], list[ValidationError]]:
    """Start every buyer at the same moment; returns (results, refusals)."""
    start = threading.Barrier(BUYERS)
    results: list[Any] = []
    refusals: list[ValidationError] = []
    failures: list[BaseException] = []

    def buyer(number: int) -> None:
        try:
            start.wait()
            results.append(work(number))
        except ValidationError as exc:
            refusals.append(exc)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        list(pool.map(buyer, range(BUYERS)))
    assert failures == []
    return results, refusals


def test_fifty_buyers_for_ten_units_get_exactly_ten_orders(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 10)
    carts = [ready_cart((tee, 1), email=f"buyer{n}@example.com") for n in range(BUYERS)]

    placed, refused = rush(
        lambda n: services.place_order(
            carts[n],
            payment_method="card",
            payment_details=APPROVED,
            idempotency_key=f"buyer-{n}",
        )
    )

    assert (len(placed), len(refused)) == (10, 40)
    assert all("lines" in exc.message_dict for exc in refused)
    assert Order.objects.count() == 10
    assert stock_of(tee, rotterdam) == (10, 10)
    assert sum(r.quantity for r in Reservation.objects.all()) == 10


def test_one_key_sent_fifty_times_at_once_places_one_order(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 10)
    cart = ready_cart((tee, 2))

    placed, refused = rush(
        lambda n: services.place_order(
            services.get_cart(cart.token),
            payment_method="card",
            payment_details=APPROVED,
            idempotency_key="same-key",
        )
    )

    assert refused == []
    assert {p.order.pk for p in placed} == {Order.objects.get().pk}
    assert sum(p.created for p in placed) == 1
    assert Payment.objects.count() == 1
    assert stock_of(tee, rotterdam) == (10, 2)
