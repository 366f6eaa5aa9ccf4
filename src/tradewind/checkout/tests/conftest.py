"""A European store selling tees from Rotterdam and Leipzig, and a shopper in Berlin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from tradewind.catalog.models import Product, Publication, Variant
from tradewind.checkout import services
from tradewind.checkout.models import Cart
from tradewind.inventory.models import MarketWarehouse, Stock, Warehouse
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.payments.models import MarketPaymentSettings
from tradewind.shipping.models import ShippingMethod, ShippingZone

APPROVED = {"card_number": "4242424242424242", "card_expiry": "12/40", "card_cvc": "123"}
DECLINED = {**APPROVED, "card_number": "4000000000000002"}
BERLIN = {
    "name": "Anna Schmidt",
    "street_address_1": "Hauptstraße 5",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "phone": "030 1234567",
}
ReadyCart = Callable[..., Cart]


@pytest.fixture(autouse=True)
def _gateways(settings: Any) -> Iterator[None]:
    from tradewind.tax.services import invalidate_rules

    settings.TRADEWIND_TEST_CARD_SECRET = "whsec_test_card"
    settings.TRADEWIND_CARD_PROVIDER = "test_card"
    # Rolled-back tests leave no signal behind: start each with rules read from its database.
    invalidate_rules()
    yield
    invalidate_rules()


def _ensure_tax_rules() -> None:
    """A migration loads the shipped rules, but a transactional test empties every table
    when it ends; tests after one in the same process load them again."""
    from tradewind.tax.models import Jurisdiction
    from tradewind.tax.services import load_tax_rules

    if not Jurisdiction.objects.exists():
        load_tax_rules()


@pytest.fixture
def eu(db: Any) -> Market:
    _ensure_tax_rules()
    found = market(
        ("DE", "FR", "NL"),
        code="eu",
        name="Europe",
        currency="EUR",
        subfolder="de-de",
        payment_methods=["card", "cod", "bank_transfer"],
    )
    MarketPaymentSettings.objects.create(market=found, cod_max_amount=Decimal(100))
    zone = ShippingZone.objects.create(market=found, name="EU")
    ShippingMethod.objects.create(
        zone=zone,
        name="Standard",
        carrier="DHL",
        flat_price=Decimal("4.90"),
        default_min_days=2,
        default_max_days=4,
    )
    return found


def warehouse(market: Market, code: str, country: str, priority: int, handling: int) -> Warehouse:
    found = Warehouse.objects.create(
        code=code, name=code.title(), country=country, city=code.title(), handling_days=handling
    )
    MarketWarehouse.objects.create(market=market, warehouse=found, priority=priority)
    return found


@pytest.fixture
def rotterdam(eu: Market) -> Warehouse:
    return warehouse(eu, "rotterdam", "NL", 1, 1)


@pytest.fixture
def leipzig(eu: Market) -> Warehouse:
    return warehouse(eu, "leipzig", "DE", 2, 2)


def product(market: Market, handle: str, sku: str, price: str, **fields: Any) -> Variant:
    made = Product.objects.create(
        handle=handle,
        name=handle.title(),
        status=Product.Status.ACTIVE,
        hs_code="610910",
        origin_country="PT",
        weight_grams=200,
        option_names=["Size"],
        **fields,
    )
    Publication.objects.create(product=made, market=market)
    return Variant.objects.create(
        product=made, sku=sku, price_amount=Decimal(price), options={"Size": "M"}
    )


@pytest.fixture
def tee(eu: Market) -> Variant:
    return product(eu, "tee", "TEE-M", "25.00")


@pytest.fixture
def hoodie(eu: Market) -> Variant:
    return product(eu, "hoodie", "HOOD-M", "60.00")


def put(variant: Variant, where: Warehouse, on_hand: int) -> Stock:
    return Stock.objects.create(variant=variant, warehouse=where, on_hand=on_hand)


def stock_of(variant: Variant, where: Warehouse) -> tuple[int, int]:
    row = Stock.objects.get(variant=variant, warehouse=where)
    return row.on_hand, row.allocated


@pytest.fixture
def ready_cart(eu: Market) -> ReadyCart:
    """A cart through steps one and two: items, contact and address, shipping chosen."""

    def make(*items: tuple[Variant, int], email: str = "anna@example.com") -> Cart:
        cart = services.create_cart(eu, "en")
        for variant, quantity in items:
            services.add_line(cart, variant.sku, quantity)
        services.set_contact_and_address(cart, email, BERLIN)
        option = services.shipping_options(cart)[0]
        services.set_shipping_method(cart, option.method_id)
        return services.get_cart(cart.token)

    return make
