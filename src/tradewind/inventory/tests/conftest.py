"""A small European store: two warehouses serving one market, and a tee to sell."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tradewind.catalog.models import Product, Variant
from tradewind.inventory.models import MarketWarehouse, Stock, Warehouse
from tradewind.markets.models import Market

MakeVariant = Callable[[str], Variant]


@pytest.fixture
def market(db: Any) -> Market:
    return Market.objects.create(
        code="eu", name="Europe", currency="EUR", default_language="en", subfolder="en-eu"
    )


@pytest.fixture
def make_variant(db: Any) -> MakeVariant:
    product = Product.objects.create(handle="basics", name="Basics")

    def make(sku: str) -> Variant:
        return Variant.objects.create(product=product, sku=sku, price_amount=Decimal(20))

    return make


@pytest.fixture
def tee(make_variant: MakeVariant) -> Variant:
    return make_variant("TEE-M")


def warehouse(code: str, *, country: str = "NL", **fields: Any) -> Warehouse:
    return Warehouse.objects.create(
        code=code, name=fields.pop("name", code.title()), country=country, city="City", **fields
    )


@pytest.fixture
def rotterdam(market: Market) -> Warehouse:
    found = warehouse("rotterdam", kind=Warehouse.Kind.CENTRAL)
    MarketWarehouse.objects.create(market=market, warehouse=found, priority=1)
    return found


@pytest.fixture
def leipzig(market: Market) -> Warehouse:
    found = warehouse("leipzig", country="DE", kind=Warehouse.Kind.REGIONAL)
    MarketWarehouse.objects.create(market=market, warehouse=found, priority=2)
    return found


def put(variant: Variant, where: Warehouse, on_hand: int, allocated: int = 0) -> Stock:
    return Stock.objects.create(
        variant=variant, warehouse=where, on_hand=on_hand, allocated=allocated
    )


def stock_of(variant: Variant, where: Warehouse) -> tuple[int, int]:
    """(on_hand, allocated) as stored now."""
    row = Stock.objects.get(variant=variant, warehouse=where)
    return row.on_hand, row.allocated
