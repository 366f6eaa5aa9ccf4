"""Merging a guest's cart into the customer's at sign-in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tradewind.catalog.models import Variant
from tradewind.checkout import services
from tradewind.checkout.models import Cart
from tradewind.checkout.tests.conftest import put
from tradewind.customers.models import Customer
from tradewind.inventory.models import Warehouse
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market

pytestmark = pytest.mark.django_db


def quantities(cart: Cart) -> dict[str, int]:
    return {line.variant.sku: line.quantity for line in cart.lines.select_related("variant")}


def carts(eu: Market, *guest_items: tuple[str, int], mine: tuple[str, int]) -> tuple[Cart, Cart]:
    anna = Customer.objects.create(email="anna@example.com")
    customer_cart = services.create_cart(eu, "en", anna)
    services.add_line(customer_cart, *mine)
    guest = services.create_cart(eu, "en")
    for sku, quantity in guest_items:
        services.add_line(guest, sku, quantity)
    return guest, customer_cart


def test_guest_lines_join_the_customers_cart_with_quantities_added(
    eu: Market, tee: Variant, hoodie: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 10)
    put(hoodie, rotterdam, 10)
    guest, mine = carts(eu, ("TEE-M", 2), ("HOOD-M", 1), mine=("TEE-M", 1))

    merged = services.merge_carts(guest, mine)

    assert merged.pk == mine.pk
    assert quantities(mine) == {"TEE-M": 3, "HOOD-M": 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()


def test_merged_quantities_are_capped_at_the_stock_left(
    eu: Market, tee: Variant, hoodie: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 4)
    put(hoodie, rotterdam, 0)
    guest, mine = carts(eu, ("TEE-M", 3), ("HOOD-M", 2), mine=("TEE-M", 2))

    services.merge_carts(guest, mine)

    assert quantities(mine) == {"TEE-M": 4}


def test_a_merge_forgets_the_chosen_shipping_quote(
    eu: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 10)
    guest, mine = carts(eu, ("TEE-M", 1), mine=("TEE-M", 1))
    Cart.objects.filter(pk=mine.pk).update(shipping_method_id=1, step="shipping")
    mine.refresh_from_db()

    services.merge_carts(guest, mine)

    mine.refresh_from_db()
    assert (mine.shipping_method_id, mine.step) == (None, "cart")


def test_carts_of_different_markets_are_not_merged(
    eu: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 10)
    _, mine = carts(eu, mine=("TEE-M", 1))
    elsewhere = services.create_cart(market(("US",), code="us"), "en")

    with pytest.raises(ValidationError) as refused:
        services.merge_carts(elsewhere, mine)

    assert "cart" in refused.value.message_dict
    assert Cart.objects.filter(pk=elsewhere.pk).exists()
    assert quantities(mine) == {"TEE-M": 1}
