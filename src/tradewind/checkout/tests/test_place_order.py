"""Placing an order: one transaction, idempotent, never overselling, and a declined card
keeps the order and its stock for another try."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from moneyed import Money

from tradewind.catalog.models import Variant
from tradewind.checkout import services
from tradewind.checkout.tests.conftest import APPROVED, BERLIN, DECLINED, ReadyCart, put, stock_of
from tradewind.core.models import OutboxEvent
from tradewind.inventory.models import Reservation, Warehouse
from tradewind.orders.models import Order, OrderStatus
from tradewind.payments.models import Payment

pytestmark = pytest.mark.django_db


def place(cart: object, key: str = "key-1", **kwargs: object) -> services.PlacedOrder:
    values = {"payment_method": "card", "payment_details": APPROVED, **kwargs}
    return services.place_order(cart, idempotency_key=key, **values)  # type: ignore[arg-type]


def test_an_order_snapshots_lines_tax_and_shipping_and_holds_the_stock(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)
    cart = ready_cart((tee, 2))

    placed = place(cart)

    order = Order.objects.get()
    assert placed.created and placed.order == order
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.email, order.currency, order.checkout_token) == (
        "anna@example.com",
        "EUR",
        cart.token,
    )
    assert order.shipping_address["postal_code"] == "10115"
    assert order.shipping_method_name == "Standard"
    assert order.delivery_promise_from is not None
    (line,) = order.lines.all()
    assert (line.sku, line.product_name, line.options, line.quantity) == (
        "TEE-M",
        "Tee",
        {"Size": "M"},
        2,
    )
    # The EU market shows prices with tax: NL to DE is an OSS sale at Germany's 19%.
    assert line.unit_price == Decimal("25.00")
    assert line.tax_rate == Decimal(19)
    # Tax included in goods and shipping: 54.90 - 54.90 / 1.19, give or take a cent of rounding.
    assert abs(line.tax_amount - Decimal("8.77")) <= Decimal("0.01")
    assert line.regime == "EU_OSS" and line.tax_rule_ref.startswith("tax_rate#")
    assert order.subtotal_amount == Decimal("50.00")
    assert order.shipping_amount == Decimal("4.90")
    assert order.total_amount == Decimal("54.90")
    assert order.tax_amount == line.tax_amount
    assert stock_of(tee, rotterdam) == (5, 2)
    held = Reservation.objects.get(reference=order.number)
    assert (held.quantity, held.status, held.expires_at is not None) == (2, "held", True)
    assert OutboxEvent.objects.filter(topic="order.placed").count() == 1
    assert placed.payment is not None and placed.payment.status == "captured"
    assert placed.payment.amount == Money("54.90", "EUR")


def test_exclusive_markets_add_the_tax_on_top(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    tee.product.publications.get().market.__class__.objects.update(tax_display="exclusive")
    put(tee, rotterdam, 5)

    order = place(ready_cart((tee, 2))).order

    assert order.subtotal_amount == Decimal("50.00")
    assert order.tax_amount == Decimal("10.43")  # 19% of 50.00 + 4.90 shipping
    assert order.total_amount == Decimal("65.33")
    assert not order.prices_include_tax


def test_the_same_key_twice_returns_the_same_order(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)
    cart = ready_cart((tee, 1))

    first = place(cart)
    again = place(services.get_cart(cart.token))

    assert again.order.pk == first.order.pk and not again.created
    assert again.payment is not None and first.payment is not None
    assert again.payment.payment_id == first.payment.payment_id
    assert (Order.objects.count(), Payment.objects.count()) == (1, 1)
    assert stock_of(tee, rotterdam) == (5, 1)


def test_a_key_used_for_another_cart_is_refused(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)
    place(ready_cart((tee, 1)), key="shared")

    with pytest.raises(ValidationError) as refused:
        place(ready_cart((tee, 1)), key="shared")

    assert "idempotency_key" in refused.value.message_dict
    assert Order.objects.count() == 1
    assert stock_of(tee, rotterdam) == (5, 1)


def test_a_split_line_is_reserved_across_both_warehouses(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, 2)
    put(tee, leipzig, 3)

    order = place(ready_cart((tee, 4))).order

    (line,) = order.lines.all()
    assert line.quantity == 4
    held = {r.warehouse_id: r.quantity for r in Reservation.objects.filter(reference=order.number)}
    assert held in ({rotterdam.pk: 2, leipzig.pk: 2}, {rotterdam.pk: 1, leipzig.pk: 3})
    assert sum(held.values()) == 4
    assert stock_of(tee, rotterdam)[1] + stock_of(tee, leipzig)[1] == 4


def test_the_delivery_window_counts_from_the_warehouse_that_allocates(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, leipzig, 3)  # none in Rotterdam, the first choice

    cart = ready_cart((tee, 1))

    assert (cart.origin_warehouse_id, cart.origin_country) == (leipzig.pk, "DE")
    order = place(cart).order
    assert order.lines.get().regime == "EU_DOMESTIC"


def test_stock_sold_elsewhere_after_the_quote_moves_the_shipment_and_requotes(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    put(tee, rotterdam, 1)
    put(tee, leipzig, 3)
    cart = ready_cart((tee, 1))
    assert cart.origin_warehouse_id == rotterdam.pk
    place(ready_cart((tee, 1)), key="other-shopper")

    order = place(cart).order

    assert Reservation.objects.get(reference=order.number).warehouse_id == leipzig.pk
    assert services.get_cart(cart.token).origin_warehouse_id == leipzig.pk


def test_a_declined_card_keeps_the_order_pending_with_its_stock(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)
    cart = ready_cart((tee, 1))

    declined = place(cart, payment_details=DECLINED)

    assert declined.payment is not None
    assert declined.payment.status == "failed"
    assert declined.payment.message == "Your card was declined."
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert stock_of(tee, rotterdam) == (5, 1)
    assert Reservation.objects.get(reference=order.number).status == "held"

    retried = place(services.get_cart(cart.token), key="key-2")

    assert retried.order.pk == order.pk and not retried.created
    assert retried.payment is not None and retried.payment.status == "captured"
    assert Order.objects.count() == 1 and stock_of(tee, rotterdam) == (5, 1)


def test_malformed_card_details_are_field_errors(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)

    with pytest.raises(ValidationError) as refused:
        place(ready_cart((tee, 1)), payment_details={**APPROVED, "card_number": "1234"})

    assert "payment_details.card_number" in refused.value.message_dict


def test_cash_on_delivery_above_the_market_limit_is_refused_with_nothing_held(
    ready_cart: ReadyCart, hoodie: Variant, rotterdam: Warehouse
) -> None:
    put(hoodie, rotterdam, 5)
    cart = ready_cart((hoodie, 2))  # 120.00 + shipping, limit 100.00

    with pytest.raises(ValidationError) as refused:
        place(cart, payment_method="cod", payment_details={})

    assert (
        "Cash on delivery is available up to 100.00 EUR"
        in (refused.value.message_dict["payment_method"][0])
    )
    assert Order.objects.count() == 0
    assert stock_of(hoodie, rotterdam) == (5, 0)
    assert not Reservation.objects.exists()


def test_cash_on_delivery_within_the_limit_holds_stock_without_expiry(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)

    placed = place(ready_cart((tee, 1)), payment_method="cod", payment_details={})

    assert placed.payment is not None and placed.payment.succeeded
    assert Reservation.objects.get(reference=placed.order.number).expires_at is None


def test_more_than_the_stock_is_refused_naming_the_item(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 3)
    cart = ready_cart((tee, 3))
    place(ready_cart((tee, 2)), key="first")

    with pytest.raises(ValidationError) as refused:
        place(cart)

    assert refused.value.message_dict["lines"] == [
        "Only 1 of TEE-M left; lower the quantity to continue."
    ]
    assert Order.objects.count() == 1


def test_an_unfinished_checkout_names_the_missing_steps(eu: object, tee: Variant) -> None:
    cart = services.create_cart(eu, "en")  # type: ignore[arg-type]
    services.add_line(cart, tee.sku, 1)

    with pytest.raises(ValidationError) as refused:
        place(cart)

    assert set(refused.value.message_dict) == {"email", "shipping_address", "shipping_method"}


def test_an_ordered_cart_takes_no_more_lines(
    ready_cart: ReadyCart, tee: Variant, rotterdam: Warehouse
) -> None:
    put(tee, rotterdam, 5)
    cart = ready_cart((tee, 1))
    place(cart)

    with pytest.raises(ValidationError) as refused:
        services.add_line(services.get_cart(cart.token), tee.sku, 1)

    assert "cart" in refused.value.message_dict


# A two-line order in a market offering cash on delivery: the cart and its lines (2),
# prices (exchange rates, overrides: 2), the reservation (savepoint, plan, one update per
# line, insert, release: 6), exchange rates for the tax quote (1), the payment method's
# limits (1), the order (savepoint, order, lines, outbox event, release: 5), then the
# payment (lookup, payment, log, outbox event: 4). The test runs inside a transaction, so
# the two top-level transactions add a savepoint and release each (4); in production they
# are a plain BEGIN, which PostgreSQL does not even send: 20 queries there.
PLACEMENT_QUERIES = 25


def test_placing_an_order_costs_a_fixed_number_of_queries(
    ready_cart: ReadyCart,
    tee: Variant,
    hoodie: Variant,
    rotterdam: Warehouse,
    django_assert_num_queries: object,
) -> None:
    put(tee, rotterdam, 10)
    put(hoodie, rotterdam, 10)
    warm = ready_cart((tee, 1))
    place(warm, key="warm-up")  # the tax rules are read once per process
    cart = ready_cart((tee, 2), (hoodie, 1))

    with django_assert_num_queries(PLACEMENT_QUERIES):  # type: ignore[operator]
        place(cart, key="counted")

    assert Order.objects.count() == 2
    assert connection.vendor in ("sqlite", "postgresql")


def test_bad_address_and_phone_are_refused_by_field_and_the_cart_is_kept(
    eu: object, tee: Variant
) -> None:
    cart = services.create_cart(eu, "en")  # type: ignore[arg-type]
    services.add_line(cart, tee.sku, 2)

    with pytest.raises(ValidationError) as refused:
        services.set_contact_and_address(
            cart, "not-an-email", {**BERLIN, "postal_code": "ABC", "phone": "12"}
        )

    errors = refused.value.message_dict
    assert set(errors) == {"email", "shipping_address.postal_code", "shipping_address.phone"}
    kept = services.get_cart(cart.token)
    assert (kept.step, kept.email, kept.shipping_address) == ("cart", "", {})
    assert [(line.variant_id, line.quantity) for line in kept.lines.all()] == [(tee.pk, 2)]
