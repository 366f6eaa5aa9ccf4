"""The demo brand's operations: warehouses and their stock, which warehouse serves which
market, shipping zones with rates and transit times, and payment settings per market.

The brand ships from its central warehouse near Porto, keeps a forward warehouse in New
Jersey for the US and a regional one in Singapore for Asia. Shipping prices are set per
currency as a brand would (round local figures), not converted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tradewind.catalog.models import Variant
from tradewind.demo.bulk import RowWriter
from tradewind.inventory.models import (
    MarketAllocationPolicy,
    MarketWarehouse,
    Stock,
    StockMovement,
    Warehouse,
)
from tradewind.markets.models import Market
from tradewind.payments.models import MarketPaymentSettings
from tradewind.shipping.models import (
    RateType,
    ServiceLevel,
    ShippingMethod,
    ShippingZone,
    TransitTime,
    WeightBracket,
)


@dataclass(frozen=True)
class WarehouseSpec:
    code: str
    name: str
    kind: str
    country: str
    city: str
    address: str
    postal_code: str
    handling_days: int


WAREHOUSES: tuple[WarehouseSpec, ...] = (
    WarehouseSpec(
        "pt-maia", "Porto central warehouse", "central", "PT", "Maia",
        "Rua da Lionesa 446", "4475-079", 1,
    ),
    WarehouseSpec(
        "us-edison", "New Jersey forward warehouse", "forward", "US", "Edison",
        "300 Raritan Center Pkwy", "08837", 1,
    ),
    WarehouseSpec(
        "sg-changi", "Singapore regional warehouse", "regional", "SG", "Singapore",
        "21 Changi South Ave 2", "486149", 1,
    ),
)  # fmt: skip

EUROPE = ("dach", "fr", "es", "it", "nl", "eu", "gb")
# Warehouses per market, first tried first. The Gulf is closer to Porto by air freight
# than to Singapore for this brand's carriers; Japan is served from Singapore.
ROUTES: dict[str, tuple[str, ...]] = {
    **{code: ("pt-maia",) for code in EUROPE},
    "us": ("us-edison", "pt-maia"),
    "jp": ("sg-changi", "pt-maia"),
    "sg": ("sg-changi", "pt-maia"),
    "my": ("sg-changi", "pt-maia"),
    "id": ("sg-changi", "pt-maia"),
    "ae": ("pt-maia", "sg-changi"),
    "sa": ("pt-maia", "sg-changi"),
}
# Where a line cannot come from the first warehouse, Asia takes the fullest one.
HIGHEST_STOCK_MARKETS = frozenset({"jp", "sg", "my", "id"})

# Standard business days in transit by (market, warehouse country); express is faster.
TRANSIT: dict[str, dict[str, tuple[int, int]]] = {
    **{code: {"PT": (2, 5)} for code in EUROPE if code != "gb"},
    "gb": {"PT": (3, 6)},
    "us": {"US": (2, 5), "PT": (5, 9)},
    "jp": {"SG": (3, 6), "PT": (6, 10)},
    "sg": {"SG": (1, 2), "PT": (6, 10)},
    "my": {"SG": (2, 4), "PT": (7, 11)},
    "id": {"SG": (3, 6), "PT": (8, 12)},
    "ae": {"PT": (4, 7), "SG": (5, 8)},
    "sa": {"PT": (5, 8), "SG": (6, 9)},
}


@dataclass(frozen=True)
class Rates:
    """Local shipping prices: economy by weight (≤1 kg, ≤3 kg, ≤10 kg), standard flat
    and free from ``free_over``, express flat."""

    economy: tuple[Decimal, ...]
    standard: Decimal
    free_over: Decimal
    express: Decimal


def _d(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


RATES: dict[str, Rates] = {
    "EUR": Rates(_d("3.95", "6.95", "11.95"), Decimal("4.95"), Decimal(60), Decimal("14.95")),
    "USD": Rates(_d("4.95", "8.95", "14.95"), Decimal("5.95"), Decimal(75), Decimal("19.95")),
    "GBP": Rates(_d("3.50", "5.95", "10.95"), Decimal("3.95"), Decimal(50), Decimal("12.95")),
    "JPY": Rates(_d("700", "1200", "2000"), Decimal(800), Decimal(10000), Decimal(2500)),
    "SGD": Rates(_d("5.00", "9.00", "15.00"), Decimal(6), Decimal(90), Decimal(19)),
    "MYR": Rates(_d("12.00", "20.00", "35.00"), Decimal(15), Decimal(250), Decimal(50)),
    "IDR": Rates(_d("40000", "70000", "120000"), Decimal(45000), Decimal(900000), Decimal(150000)),
    "AED": Rates(_d("20", "35", "60"), Decimal(25), Decimal(250), Decimal(70)),
    "SAR": Rates(_d("20", "35", "60"), Decimal(25), Decimal(250), Decimal(70)),
}  # fmt: skip
BRACKET_GRAMS = (1000, 3000, 10000)

CARRIERS: dict[str, tuple[str, str]] = {  # market: (economy/standard, express)
    **{code: ("DHL Parcel", "DHL Express") for code in EUROPE},
    "gb": ("Royal Mail", "DHL Express"),
    "us": ("UPS", "UPS"),
    "jp": ("Yamato", "DHL Express"),
    "sg": ("Ninja Van", "DHL Express"),
    "my": ("J&T Express", "DHL Express"),
    "id": ("J&T Express", "DHL Express"),
    "ae": ("Aramex", "DHL Express"),
    "sa": ("Aramex", "DHL Express"),
}

# Cash on delivery limits and bank transfer terms where those methods are offered.
COD_LIMITS: dict[str, Decimal] = {
    "my": Decimal(1000),
    "id": Decimal(3_000_000),
    "ae": Decimal(2000),
    "sa": Decimal(2000),
}
BANK_TRANSFER_DAYS: dict[str, int] = {"id": 3}


@dataclass(frozen=True)
class OperationsCounts:
    warehouses: int
    stock_rows: int
    units: int
    zones: int
    methods: int


def primary_warehouse(market_code: str) -> str:
    return ROUTES[market_code][0]


def transit_days(market_code: str) -> tuple[int, int]:
    """Standard transit from the warehouse that serves the market first."""
    origin = next(w.country for w in WAREHOUSES if w.code == primary_warehouse(market_code))
    return TRANSIT[market_code][origin]


def create_operations(seed: int, markets: list[Market]) -> OperationsCounts:
    warehouses = {
        spec.code: Warehouse(
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            country=spec.country,
            city=spec.city,
            address_line1=spec.address,
            postal_code=spec.postal_code,
            handling_days=spec.handling_days,
        )
        for spec in WAREHOUSES
    }
    for warehouse in warehouses.values():
        warehouse.full_clean()
        warehouse.save()
    by_code = {market.code: market for market in markets}
    MarketWarehouse.objects.bulk_create(
        MarketWarehouse(market=by_code[code], warehouse=warehouses[w], priority=rank)
        for code, route in ROUTES.items()
        if code in by_code
        for rank, w in enumerate(route)
    )
    MarketAllocationPolicy.objects.bulk_create(
        MarketAllocationPolicy(
            market=market,
            strategy="highest_stock" if market.code in HIGHEST_STOCK_MARKETS else "priority",
        )
        for market in markets
    )
    stock_rows, units = _create_stock(seed, list(warehouses.values()))
    zones, methods = _create_shipping(markets)
    MarketPaymentSettings.objects.bulk_create(
        MarketPaymentSettings(
            market=market,
            cod_max_amount=COD_LIMITS.get(market.code),
            bank_transfer_days=BANK_TRANSFER_DAYS.get(market.code, 7),
        )
        for market in markets
    )
    return OperationsCounts(len(warehouses), stock_rows, units, zones, methods)


def _create_stock(seed: int, warehouses: list[Warehouse]) -> tuple[int, int]:
    """Opening stock of every variant in every warehouse, with its ledger entry; a fixed
    number of statements however large the catalog."""
    rng = random.Random(f"stock-{seed}")
    # the forward and regional warehouses hold a fraction of the central range
    depth = {"central": (120, 900), "forward": (20, 240), "regional": (20, 300)}
    stock: list[dict[str, Any]] = []
    movements: list[dict[str, Any]] = []
    now = timezone.now().astimezone(UTC).replace(tzinfo=None)
    with RowWriter() as writer:
        opened = writer.moment(now)
        for variant_id in Variant.objects.order_by("pk").values_list("pk", flat=True):
            for warehouse in warehouses:
                low, high = depth[warehouse.kind]
                units = rng.randint(low, high)
                place = {"variant_id": variant_id, "warehouse_id": warehouse.pk}
                stock.append({**place, "on_hand": units})
                movements.append(
                    {
                        **place,
                        "delta": units,
                        "reason": StockMovement.Reason.RESTOCK.value,
                        "note": "Opening stock",
                        "at": opened,
                    }
                )
        for row, row_id in zip(stock, writer.ids(Stock, len(stock)), strict=True):
            row["id"] = row_id
        for row, row_id in zip(movements, writer.ids(StockMovement, len(movements)), strict=True):
            row["id"] = row_id
        writer.insert(Stock, stock)
        writer.insert(StockMovement, movements)
        writer.finish()
    return len(stock), sum(row["on_hand"] for row in stock)


def _create_shipping(markets: list[Market]) -> tuple[int, int]:
    countries = {w.code: w.country for w in WAREHOUSES}
    zones = ShippingZone.objects.bulk_create(
        ShippingZone(market=market, name=market.name, countries=[]) for market in markets
    )
    methods: list[tuple[ShippingMethod, str]] = []
    for zone, market in zip(zones, markets, strict=True):
        rates = RATES[market.currency]
        standard, express = CARRIERS[market.code]
        low, high = transit_days(market.code)
        methods += [
            (
                ShippingMethod(
                    zone=zone,
                    name="Economy",
                    carrier=standard,
                    service_level=ServiceLevel.ECONOMY,
                    rate_type=RateType.WEIGHT,
                    default_min_days=low + 1,
                    default_max_days=high + 3,
                    position=0,
                ),
                "economy",
            ),
            (
                ShippingMethod(
                    zone=zone,
                    name="Standard",
                    carrier=standard,
                    service_level=ServiceLevel.STANDARD,
                    rate_type=RateType.FREE_OVER,
                    flat_price=rates.standard,
                    free_over=rates.free_over,
                    default_min_days=low,
                    default_max_days=high,
                    position=1,
                ),
                "standard",
            ),
            (
                ShippingMethod(
                    zone=zone,
                    name="Express",
                    carrier=express,
                    service_level=ServiceLevel.EXPRESS,
                    rate_type=RateType.FLAT,
                    flat_price=rates.express,
                    default_min_days=max(1, low // 2),
                    default_max_days=max(1, high // 2),
                    position=2,
                ),
                "express",
            ),
        ]
    created = ShippingMethod.objects.bulk_create(m for m, _ in methods)
    brackets: list[WeightBracket] = []
    transit: list[TransitTime] = []
    for method, (_, level) in zip(created, methods, strict=True):
        market = method.zone.market
        if level == "economy":
            prices = RATES[market.currency].economy
            brackets += [
                WeightBracket(method=method, up_to_grams=grams, price=price)
                for grams, price in zip(BRACKET_GRAMS, prices, strict=True)
            ]
        for warehouse_code in ROUTES[market.code]:
            origin = countries[warehouse_code]
            low, high = TRANSIT[market.code][origin]
            if level == "economy":
                low, high = low + 1, high + 3
            elif level == "express":
                low, high = max(1, low // 2), max(1, high // 2)
            transit.append(
                TransitTime(method=method, origin_country=origin, min_days=low, max_days=high)
            )
    WeightBracket.objects.bulk_create(brackets)
    TransitTime.objects.bulk_create(transit)
    return len(zones), len(created)
