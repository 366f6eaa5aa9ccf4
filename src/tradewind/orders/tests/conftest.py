"""A European store (14-day statutory returns) and a US one (30-day merchant policy), a
warehouse, two products and a way to place orders in them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from tradewind.catalog.models import Product, Variant
from tradewind.inventory.models import MarketWarehouse, Stock, Warehouse
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.orders import services
from tradewind.orders.models import Order, OrderLine, Shipment

PLACED = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
MakeOrder = Callable[..., Order]


@pytest.fixture
def eu(db: Any) -> Market:
    return market(
        ("DE", "FR"), code="eu", currency="EUR", subfolder="de-de", statutory_return_days=14
    )


@pytest.fixture
def us(db: Any) -> Market:
    return market(("US",), code="us", merchant_return_days=30)


@pytest.fixture
def rotterdam(eu: Market) -> Warehouse:
    found = Warehouse.objects.create(code="rotterdam", name="Rotterdam", country="NL", city="R")
    MarketWarehouse.objects.create(market=eu, warehouse=found, priority=1)
    return found


@pytest.fixture
def leipzig(eu: Market) -> Warehouse:
    found = Warehouse.objects.create(code="leipzig", name="Leipzig", country="DE", city="L")
    MarketWarehouse.objects.create(market=eu, warehouse=found, priority=2)
    return found


@pytest.fixture
def tee(db: Any) -> Variant:
    product = Product.objects.create(handle="tee", name="Tee")
    return Variant.objects.create(product=product, sku="TEE-M", price_amount=Decimal(20))


@pytest.fixture
def cap(db: Any) -> Variant:
    product = Product.objects.create(handle="cap", name="Cap")
    return Variant.objects.create(product=product, sku="CAP-1", price_amount=Decimal(15))


def stock(variant: Variant, where: Warehouse, on_hand: int) -> Stock:
    return Stock.objects.create(variant=variant, warehouse=where, on_hand=on_hand)


def line(variant: Variant, quantity: int, unit: str) -> OrderLine:
    """A line whose price includes 19% VAT, broken down as the tax engine would."""
    total = Decimal(unit) * quantity
    net = (total / Decimal("1.19")).quantize(Decimal("0.01"))
    return OrderLine(
        variant=variant,
        product_name=variant.product.name,
        sku=variant.sku,
        quantity=quantity,
        unit_price=Decimal(unit),
        net_amount=net,
        tax_rate=Decimal(19),
        tax_amount=total - net,
        total_amount=total,
        regime="DOMESTIC",
        tax_rule_ref="tax_rate#1 (2020-01-01): DE VAT",
    )


@pytest.fixture
def make_order(eu: Market, tee: Variant, cap: Variant) -> MakeOrder:
    """An EUR order for 3 tees at 20 and 1 cap at 15, plus 5 shipping: 80 in all."""

    def make(
        *, in_market: Market | None = None, lines: list[OrderLine] | None = None, **fields: Any
    ) -> Order:
        chosen = in_market or eu
        items = lines or [line(tee, 3, "20.00"), line(cap, 1, "15.00")]
        subtotal = sum((item.total_amount for item in items), start=Decimal(0))
        order = Order(
            market=chosen,
            email="ana@example.com",
            language="de",
            currency=chosen.currency,
            shipping_address={"country": "DE", "city": "Berlin"},
            subtotal_amount=subtotal,
            shipping_amount=Decimal(5),
            tax_amount=sum((item.tax_amount for item in items), start=Decimal(0)),
            total_amount=subtotal + 5,
            placed_at=PLACED,
            **fields,
        )
        for item in items:
            item.currency = chosen.currency
        return services.create_order(order, items)

    return make


def lines_of(order: Order) -> dict[str, OrderLine]:
    return {item.sku: item for item in order.lines.all()}


def paid(order: Order) -> Order:
    return services.transition(order, "paid", actor_label="payments:test", reason="Card captured")


def delivered(order: Order, warehouse: Warehouse, at: datetime) -> Order:
    """Pay, ship everything in one parcel, and deliver it at ``at``."""
    paid(order)
    everything = {item.pk: item.quantity for item in order.lines.all()}
    shipment = services.create_shipment(
        order, warehouse, everything, "DHL", "JD0001", shipped_at=PLACED
    )
    return services.confirm_delivery(shipment, delivered_at=at)


def shipment_of(order: Order) -> Shipment:
    return order.shipments.get()
