"""Choosing which warehouses ship an order: a pure function over stock figures.

The planner prefers fewest shipments. It first looks for one warehouse that holds the
whole order; failing that it repeatedly picks the warehouse that can ship the most
remaining lines whole; only a line no single warehouse can cover is split, and the split
draws on warehouses already shipping the order before opening another parcel.

The two strategies decide which warehouse wins when several would do:
``priority`` follows the market's warehouse order; ``highest_stock`` picks the fullest
warehouse, which spreads the draw-down and keeps thin forward stock for its own region.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Strategy(StrEnum):
    PRIORITY = "priority"
    HIGHEST_STOCK = "highest_stock"


@dataclass(frozen=True)
class Allocation:
    variant_id: int
    warehouse_id: int
    quantity: int


@dataclass(frozen=True)
class WarehouseStock:
    """Units free to sell per variant in one warehouse."""

    warehouse_id: int
    available: Mapping[int, int] = field(default_factory=dict)

    def free(self, variant_id: int) -> int:
        return max(self.available.get(variant_id, 0), 0)


class OutOfStock(Exception):
    def __init__(self, variant_id: int, requested: int, available: int) -> None:
        self.variant_id = variant_id
        self.requested = requested
        self.available = available
        super().__init__(
            f"Variant {variant_id}: {requested} requested but only {available} available."
        )


def merge_lines(lines: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Quantities per variant, in first-seen order; a variant listed twice is one line."""
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        if quantity <= 0:
            raise ValueError(f"Variant {variant_id}: quantity must be positive, not {quantity}.")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    return merged


def allocate(
    lines: Sequence[tuple[int, int]],
    warehouses: Sequence[WarehouseStock],
    strategy: Strategy = Strategy.PRIORITY,
) -> list[Allocation]:
    """Allocate every line or raise OutOfStock for the first line that cannot be met.

    ``warehouses`` come in the market's priority order, highest first.
    """
    wanted = merge_lines(lines)
    for variant_id, quantity in wanted.items():
        total = sum(w.free(variant_id) for w in warehouses)
        if total < quantity:
            raise OutOfStock(variant_id, quantity, total)

    rank = _ranking(wanted, warehouses, strategy)
    chosen: dict[int, int] = {}  # variant -> warehouse shipping the whole line
    remaining = dict(wanted)
    used: set[int] = set()
    while remaining:
        best = min(warehouses, key=lambda w: (-_covered(w, remaining), rank(w, None)))
        covered = [v for v, q in remaining.items() if best.free(v) >= q]
        if not covered:
            break
        used.add(best.warehouse_id)
        for variant_id in covered:
            chosen[variant_id] = best.warehouse_id
            del remaining[variant_id]

    allocations: list[Allocation] = []
    for variant_id, quantity in wanted.items():
        if variant_id in chosen:
            allocations.append(Allocation(variant_id, chosen[variant_id], quantity))
        else:
            allocations.extend(_split(variant_id, quantity, warehouses, used, rank))
    return allocations


def _split(
    variant_id: int,
    quantity: int,
    warehouses: Sequence[WarehouseStock],
    used: set[int],
    rank: Callable[[WarehouseStock, int | None], tuple[int, int]],
) -> list[Allocation]:
    """Spread one line; parcels already going out come first, then new ones."""
    order = sorted(warehouses, key=lambda w: (w.warehouse_id not in used, rank(w, variant_id)))
    parts: list[Allocation] = []
    for warehouse in order:
        take = min(warehouse.free(variant_id), quantity)
        if take:
            parts.append(Allocation(variant_id, warehouse.warehouse_id, take))
            used.add(warehouse.warehouse_id)
            quantity -= take
        if not quantity:
            break
    return parts


def _covered(warehouse: WarehouseStock, remaining: Mapping[int, int]) -> int:
    return sum(1 for v, q in remaining.items() if warehouse.free(v) >= q)


def _ranking(
    wanted: Mapping[int, int], warehouses: Sequence[WarehouseStock], strategy: Strategy
) -> Callable[[WarehouseStock, int | None], tuple[int, int]]:
    """A sort key: lower is preferred. Ties always fall back to market priority.

    Called with a variant id it ranks for that line alone; with None, for the whole order.
    """
    position = {w.warehouse_id: i for i, w in enumerate(warehouses)}

    def key(warehouse: WarehouseStock, variant_id: int | None) -> tuple[int, int]:
        if strategy is Strategy.PRIORITY:
            return (0, position[warehouse.warehouse_id])
        variants = wanted if variant_id is None else (variant_id,)
        stock = sum(warehouse.free(v) for v in variants)
        return (-stock, position[warehouse.warehouse_id])

    return key
