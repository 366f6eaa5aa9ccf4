"""The warehouse planner, on plain numbers: fewest parcels first, then the strategy."""

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.inventory.allocation import (
    Allocation,
    OutOfStock,
    Strategy,
    WarehouseStock,
    allocate,
    merge_lines,
)

# Warehouse ids in the market's priority order: Rotterdam first, then Leipzig, then a
# small forward store in Paris.
ROTTERDAM, LEIPZIG, PARIS = 1, 2, 3
TEE, CAP, BAG = 100, 200, 300


def stock(**per_warehouse: dict[int, int]) -> list[WarehouseStock]:
    ids = {"rotterdam": ROTTERDAM, "leipzig": LEIPZIG, "paris": PARIS}
    return [WarehouseStock(ids[name], free) for name, free in per_warehouse.items()]


@pytest.mark.parametrize("strategy", list(Strategy))
def test_one_warehouse_that_holds_the_whole_order_ships_it(strategy: Strategy) -> None:
    warehouses = stock(rotterdam={TEE: 5}, leipzig={TEE: 5, CAP: 2}, paris={CAP: 9})

    assert allocate([(TEE, 2), (CAP, 1)], warehouses, strategy) == [
        Allocation(TEE, LEIPZIG, 2),
        Allocation(CAP, LEIPZIG, 1),
    ]


def test_priority_takes_the_first_warehouse_that_can_ship() -> None:
    warehouses = stock(rotterdam={TEE: 3}, leipzig={TEE: 50})

    assert allocate([(TEE, 3)], warehouses, Strategy.PRIORITY) == [Allocation(TEE, ROTTERDAM, 3)]


def test_highest_stock_takes_the_fullest_warehouse() -> None:
    warehouses = stock(rotterdam={TEE: 3}, leipzig={TEE: 50})

    assert allocate([(TEE, 3)], warehouses, Strategy.HIGHEST_STOCK) == [Allocation(TEE, LEIPZIG, 3)]


def test_highest_stock_ties_fall_back_to_priority() -> None:
    warehouses = stock(rotterdam={TEE: 7}, leipzig={TEE: 7})

    assert allocate([(TEE, 1)], warehouses, Strategy.HIGHEST_STOCK) == [
        Allocation(TEE, ROTTERDAM, 1)
    ]


def test_a_line_no_warehouse_can_cover_splits_in_priority_order() -> None:
    warehouses = stock(rotterdam={TEE: 4}, leipzig={TEE: 1}, paris={TEE: 10})

    assert allocate([(TEE, 12)], warehouses, Strategy.PRIORITY) == [
        Allocation(TEE, ROTTERDAM, 4),
        Allocation(TEE, LEIPZIG, 1),
        Allocation(TEE, PARIS, 7),
    ]


def test_highest_stock_splits_from_the_fullest_down_for_fewer_parcels() -> None:
    warehouses = stock(rotterdam={TEE: 4}, leipzig={TEE: 1}, paris={TEE: 10})

    assert allocate([(TEE, 12)], warehouses, Strategy.HIGHEST_STOCK) == [
        Allocation(TEE, PARIS, 10),
        Allocation(TEE, ROTTERDAM, 2),
    ]


def test_lines_are_grouped_into_the_fewest_warehouses() -> None:
    # Line by line in priority order would send three parcels (tee from Rotterdam, cap
    # from Leipzig, bag from Paris); Leipzig can ship the tee too, so two parcels go.
    warehouses = stock(rotterdam={TEE: 1}, leipzig={TEE: 1, CAP: 1}, paris={BAG: 1})

    assert allocate([(TEE, 1), (CAP, 1), (BAG, 1)], warehouses, Strategy.PRIORITY) == [
        Allocation(TEE, LEIPZIG, 1),
        Allocation(CAP, LEIPZIG, 1),
        Allocation(BAG, PARIS, 1),
    ]


def test_equally_good_groupings_follow_priority() -> None:
    warehouses = stock(rotterdam={TEE: 1, BAG: 1}, leipzig={TEE: 1, CAP: 1}, paris={BAG: 1, CAP: 1})

    assert allocate([(TEE, 1), (CAP, 1), (BAG, 1)], warehouses, Strategy.PRIORITY) == [
        Allocation(TEE, ROTTERDAM, 1),
        Allocation(CAP, LEIPZIG, 1),
        Allocation(BAG, ROTTERDAM, 1),
    ]


def test_a_split_line_draws_first_on_warehouses_already_shipping() -> None:
    # CAP goes whole from Leipzig; TEE must split, and takes Leipzig's units before
    # Rotterdam's even though Rotterdam has the higher priority.
    warehouses = stock(rotterdam={TEE: 5}, leipzig={TEE: 3, CAP: 2})

    assert allocate([(TEE, 6), (CAP, 2)], warehouses, Strategy.PRIORITY) == [
        Allocation(TEE, LEIPZIG, 3),
        Allocation(TEE, ROTTERDAM, 3),
        Allocation(CAP, LEIPZIG, 2),
    ]


def test_a_variant_listed_twice_is_one_line() -> None:
    warehouses = stock(rotterdam={TEE: 2}, leipzig={TEE: 3})

    assert allocate([(TEE, 1), (TEE, 2)], warehouses) == [Allocation(TEE, LEIPZIG, 3)]


def test_short_stock_names_the_line_and_what_is_there() -> None:
    warehouses = stock(rotterdam={TEE: 2, CAP: 1}, leipzig={TEE: 3})

    with pytest.raises(OutOfStock) as caught:
        allocate([(CAP, 1), (TEE, 6)], warehouses)

    assert (caught.value.variant_id, caught.value.requested, caught.value.available) == (
        TEE,
        6,
        5,
    )
    assert str(caught.value) == f"Variant {TEE}: 6 requested but only 5 available."


def test_no_warehouses_means_nothing_is_available() -> None:
    with pytest.raises(OutOfStock) as caught:
        allocate([(TEE, 1)], [])

    assert caught.value.available == 0


def test_negative_figures_count_as_nothing_free() -> None:
    warehouses = stock(rotterdam={TEE: -2}, leipzig={TEE: 2})

    assert allocate([(TEE, 2)], warehouses) == [Allocation(TEE, LEIPZIG, 2)]


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantities_must_be_positive(quantity: int) -> None:
    with pytest.raises(ValueError, match="quantity must be positive"):
        merge_lines([(TEE, quantity)])


free_units = st.integers(min_value=0, max_value=6)
warehouse_stock = st.fixed_dictionaries({TEE: free_units, CAP: free_units, BAG: free_units})
order = st.lists(
    st.tuples(st.sampled_from([TEE, CAP, BAG]), st.integers(min_value=1, max_value=8)),
    min_size=1,
    max_size=4,
)


@given(
    free=st.lists(warehouse_stock, min_size=0, max_size=4),
    lines=order,
    strategy=st.sampled_from(list(Strategy)),
)
def test_allocations_fill_every_line_exactly_within_stock(
    free: list[dict[int, int]], lines: list[tuple[int, int]], strategy: Strategy
) -> None:
    warehouses = [WarehouseStock(i + 1, f) for i, f in enumerate(free)]
    wanted = merge_lines(lines)
    try:
        allocations = allocate(lines, warehouses, strategy)
    except OutOfStock as short:
        assert short.requested == wanted[short.variant_id]
        assert short.available == sum(f[short.variant_id] for f in free) < short.requested
        return

    filled: dict[int, int] = defaultdict(int)
    for a in allocations:
        assert a.quantity > 0
        assert a.quantity <= free[a.warehouse_id - 1][a.variant_id]
        filled[a.variant_id] += a.quantity
    assert filled == wanted
    assert len({(a.variant_id, a.warehouse_id) for a in allocations}) == len(allocations)
    if any(all(f[v] >= q for v, q in wanted.items()) for f in free):
        assert len({a.warehouse_id for a in allocations}) == 1
