"""Stock use cases: reserve, commit, release, expiry, restock and availability."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tradewind.catalog.models import Variant
from tradewind.inventory import services
from tradewind.inventory.allocation import Strategy
from tradewind.inventory.models import (
    MarketAllocationPolicy,
    MarketWarehouse,
    Reservation,
    StockMovement,
    Warehouse,
)
from tradewind.inventory.services import Allocation, OutOfStock
from tradewind.inventory.tests.conftest import MakeVariant, put, stock_of, warehouse
from tradewind.markets.models import Market

pytestmark = pytest.mark.django_db


def held(reference: str) -> list[tuple[int, int, int]]:
    return sorted(
        Reservation.objects.filter(reference=reference, status=Reservation.Status.HELD).values_list(
            "variant_id", "warehouse_id", "quantity"
        )
    )


def test_reserve_holds_units_from_the_first_warehouse_by_priority(
    market: Market, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=5)
    put(tee, leipzig, on_hand=50)

    allocations = services.reserve([(tee.id, 2)], market, reference="WEB-1")

    assert allocations == [Allocation(tee.id, rotterdam.id, 2)]
    assert stock_of(tee, rotterdam) == (5, 2)
    assert held("WEB-1") == [(tee.id, rotterdam.id, 2)]


def test_highest_stock_policy_takes_from_the_fullest_warehouse(
    market: Market, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=5)
    put(tee, leipzig, on_hand=50)
    MarketAllocationPolicy.objects.create(market=market, strategy=Strategy.HIGHEST_STOCK)

    allocations = services.reserve([(tee.id, 2)], market, reference="WEB-1")

    assert allocations == [Allocation(tee.id, leipzig.id, 2)]


def test_a_line_splits_across_warehouses_when_none_can_cover_it(
    market: Market, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=5, allocated=2)
    put(tee, leipzig, on_hand=4)

    allocations = services.reserve([(tee.id, 6)], market, reference="WEB-1")

    assert allocations == [Allocation(tee.id, rotterdam.id, 3), Allocation(tee.id, leipzig.id, 3)]
    assert stock_of(tee, rotterdam) == (5, 5)
    assert stock_of(tee, leipzig) == (4, 3)


def test_only_active_warehouses_serving_the_market_are_used(
    market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=1)
    closed = warehouse("closed", is_active=False)
    MarketWarehouse.objects.create(market=market, warehouse=closed, priority=0)
    put(tee, closed, on_hand=10)
    put(tee, warehouse("elsewhere"), on_hand=10)

    with pytest.raises(OutOfStock) as caught:
        services.reserve([(tee.id, 2)], market, reference="WEB-1")

    assert (caught.value.requested, caught.value.available) == (2, 1)
    assert services.available([tee.id], market) == {tee.id: 1}


def test_out_of_stock_on_one_line_holds_nothing_for_the_others(
    market: Market, make_variant: MakeVariant, rotterdam: Warehouse
) -> None:
    tee, cap = make_variant("TEE"), make_variant("CAP")
    put(tee, rotterdam, on_hand=5)
    put(cap, rotterdam, on_hand=1)

    with pytest.raises(OutOfStock) as caught:
        services.reserve([(tee.id, 1), (cap.id, 2)], market, reference="WEB-1")

    assert caught.value.variant_id == cap.id
    assert stock_of(tee, rotterdam) == (5, 0)
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([(1, 0)], "quantity"),
        ([(1, -3)], "quantity"),
        ([(1, True)], "quantity"),
        ([("TEE", 1)], "variant"),
    ],
)
def test_bad_lines_are_refused_naming_the_field(market: Market, lines: list, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.reserve(lines, market, reference="WEB-1")

    assert field in caught.value.message_dict


def test_reserve_needs_a_reference_and_a_positive_ttl(market: Market, tee: Variant) -> None:
    with pytest.raises(ValidationError) as blank:
        services.reserve([(tee.id, 1)], market, reference=" ")
    with pytest.raises(ValidationError) as negative:
        services.reserve([(tee.id, 1)], market, reference="WEB-1", ttl=timedelta(0))

    assert "reference" in blank.value.message_dict
    assert "ttl" in negative.value.message_dict


def stale_plans(monkeypatch, *plans: list[Allocation]) -> None:
    """Make the first plans come from figures another checkout has since changed."""
    real, queued = services._plan, list(plans)

    def plan(wanted: dict[int, int], market: Market) -> list[Allocation]:
        return queued.pop(0) if queued else real(wanted, market)

    monkeypatch.setattr(services, "_plan", plan)


def test_losing_a_race_replans_on_fresh_figures(
    monkeypatch, market: Market, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=2, allocated=2)
    put(tee, leipzig, on_hand=5)
    stale_plans(monkeypatch, [Allocation(tee.id, rotterdam.id, 2)])

    allocations = services.reserve([(tee.id, 2)], market, reference="WEB-1")

    assert allocations == [Allocation(tee.id, leipzig.id, 2)]
    assert stock_of(tee, rotterdam) == (2, 2)
    assert stock_of(tee, leipzig) == (5, 2)
    assert held("WEB-1") == [(tee.id, leipzig.id, 2)]


def test_losing_twice_is_out_of_stock_with_nothing_held(
    monkeypatch,
    market: Market,
    make_variant: MakeVariant,
    rotterdam: Warehouse,
    leipzig: Warehouse,
) -> None:
    tee, cap = make_variant("TEE"), make_variant("CAP")
    put(tee, rotterdam, on_hand=3)
    put(cap, leipzig, on_hand=1, allocated=1)
    stale = [Allocation(tee.id, rotterdam.id, 1), Allocation(cap.id, leipzig.id, 1)]
    stale_plans(monkeypatch, stale, stale)

    with pytest.raises(OutOfStock) as caught:
        services.reserve([(tee.id, 1), (cap.id, 1)], market, reference="WEB-1")

    assert (caught.value.variant_id, caught.value.requested, caught.value.available) == (
        cap.id,
        1,
        0,
    )
    assert stock_of(tee, rotterdam) == (3, 0)
    assert not Reservation.objects.exists()


def test_reserve_costs_one_read_one_write_per_stock_row_and_one_insert(
    market: Market,
    make_variant: MakeVariant,
    rotterdam: Warehouse,
    leipzig: Warehouse,
    django_assert_num_queries,
) -> None:
    tee, cap, bag = make_variant("TEE"), make_variant("CAP"), make_variant("BAG")
    for variant in (tee, cap, bag):
        put(variant, rotterdam, on_hand=3)
        put(variant, leipzig, on_hand=3)

    # One read of stock and strategy, one conditional update per stock row (the bag takes
    # 3 + 1 from two rows: four updates), one bulk insert, and the savepoint and its
    # release because the test already runs inside a transaction.
    with django_assert_num_queries(8):
        allocations = services.reserve(
            [(tee.id, 1), (cap.id, 2), (bag.id, 4)], market, reference="WEB-1"
        )

    assert len(allocations) == 4


def test_commit_moves_held_units_out_and_logs_the_sale(
    market: Market,
    tee: Variant,
    rotterdam: Warehouse,
    leipzig: Warehouse,
    django_assert_num_queries,
) -> None:
    put(tee, rotterdam, on_hand=2)
    put(tee, leipzig, on_hand=2)
    services.reserve([(tee.id, 3)], market, reference="WEB-1")

    # Lock the holds, one update per stock row, mark them, log the sales; plus savepoint.
    with django_assert_num_queries(7):
        committed = services.commit_reservation("WEB-1")

    assert committed == [Allocation(tee.id, rotterdam.id, 2), Allocation(tee.id, leipzig.id, 1)]
    assert stock_of(tee, rotterdam) == (0, 0)
    assert stock_of(tee, leipzig) == (1, 0)
    assert held("WEB-1") == []
    sales = StockMovement.objects.filter(reference="WEB-1", reason=StockMovement.Reason.SALE)
    assert sorted(sales.values_list("warehouse_id", "delta")) == [
        (rotterdam.id, -2),
        (leipzig.id, -1),
    ]


def test_committing_twice_commits_once(market: Market, tee: Variant, rotterdam: Warehouse) -> None:
    put(tee, rotterdam, on_hand=4)
    services.reserve([(tee.id, 3)], market, reference="WEB-1")
    services.commit_reservation("WEB-1")

    assert services.commit_reservation("WEB-1") == []
    assert stock_of(tee, rotterdam) == (1, 0)


def test_release_returns_the_units(market: Market, tee: Variant, rotterdam: Warehouse) -> None:
    put(tee, rotterdam, on_hand=4)
    services.reserve([(tee.id, 3)], market, reference="WEB-1")

    assert services.release_reservation("WEB-1") == 3
    assert services.release_reservation("WEB-1") == 0
    assert stock_of(tee, rotterdam) == (4, 0)
    assert services.available([tee.id], market) == {tee.id: 4}
    assert Reservation.objects.get().status == Reservation.Status.RELEASED


def test_expired_holds_are_swept_and_live_ones_kept(
    market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=10)
    services.reserve([(tee.id, 2)], market, reference="SHORT", ttl=timedelta(minutes=15))
    services.reserve([(tee.id, 3)], market, reference="LONG", ttl=timedelta(hours=2))
    services.reserve([(tee.id, 1)], market, reference="OPEN")
    in_an_hour = timezone.now() + timedelta(hours=1)

    assert services.release_expired(in_an_hour) == 2
    assert services.release_expired(in_an_hour) == 0
    assert stock_of(tee, rotterdam) == (10, 4)
    assert held("SHORT") == []
    assert held("LONG") and held("OPEN")
    assert services.commit_reservation("SHORT") == []


def test_release_expired_defaults_to_now(
    market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=1)
    services.reserve([(tee.id, 1)], market, reference="WEB-1", ttl=timedelta(minutes=30))
    Reservation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert services.release_expired() == 1
    assert stock_of(tee, rotterdam) == (1, 0)


def test_restock_adds_units_and_logs_them(tee: Variant, rotterdam: Warehouse) -> None:
    put(tee, rotterdam, on_hand=2, allocated=1)

    services.restock(tee.id, rotterdam.id, 5, reason="restock", reference="PO-7")

    assert stock_of(tee, rotterdam) == (7, 1)
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.reason, movement.reference) == (5, "restock", "PO-7")


def test_first_restock_creates_the_stock_row(tee: Variant, rotterdam: Warehouse) -> None:
    services.restock(tee.id, rotterdam.id, 3, reason="return")

    assert stock_of(tee, rotterdam) == (3, 0)


@pytest.mark.parametrize(
    ("quantity", "reason", "field"),
    [(0, "restock", "quantity"), (-2, "restock", "quantity"), (2, "sale", "reason")],
)
def test_bad_restock_is_refused_naming_the_field(
    tee: Variant, rotterdam: Warehouse, quantity: int, reason: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.restock(tee.id, rotterdam.id, quantity, reason=reason)

    assert field in caught.value.message_dict
    assert not StockMovement.objects.exists()


def test_restock_of_unknown_variant_or_warehouse_names_it(
    tee: Variant, rotterdam: Warehouse
) -> None:
    with pytest.raises(ValidationError) as variant:
        services.restock(999_999, rotterdam.id, 1, reason="restock")
    with pytest.raises(ValidationError) as place:
        services.restock(tee.id, 999_999, 1, reason="restock")

    assert "variant" in variant.value.message_dict
    assert "warehouse" in place.value.message_dict
    assert not StockMovement.objects.exists()


def test_a_count_adjustment_cannot_remove_reserved_units(
    tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, on_hand=5, allocated=3)

    services.adjust(tee.id, rotterdam.id, -2, note="Damaged in storage")
    with pytest.raises(ValidationError) as caught:
        services.adjust(tee.id, rotterdam.id, -1, note="Lost")

    assert stock_of(tee, rotterdam) == (3, 3)
    assert "3 are reserved" in caught.value.message_dict["delta"][0]
    assert list(StockMovement.objects.values_list("delta", "reason")) == [(-2, "adjustment")]


def test_available_lists_every_asked_variant(
    market: Market, make_variant: MakeVariant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    tee, cap = make_variant("TEE"), make_variant("CAP")
    put(tee, rotterdam, on_hand=5, allocated=4)
    put(tee, leipzig, on_hand=2)

    assert services.available([tee.id, cap.id], market) == {tee.id: 3, cap.id: 0}
