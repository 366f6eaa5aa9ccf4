"""The checkout API, as a shopper's app uses it: cart, address, shipping, order."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tradewind.catalog.models import Variant
from tradewind.checkout.tests.conftest import (  # noqa: F401 (fixtures)
    APPROVED,
    BERLIN,
    DECLINED,
    _gateways,
    eu,
    put,
    rotterdam,
    stock_of,
    tee,
)
from tradewind.inventory.models import Warehouse
from tradewind.orders.models import Order

pytestmark = pytest.mark.django_db


def call(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(
        f"/api{path}", body, content_type="application/json", headers=headers
    )


@pytest.fixture
def token(client: Client, tee: Variant, rotterdam: Warehouse) -> str:  # noqa: F811
    """A cart with two tees, an address in Berlin and a shipping method chosen."""
    put(tee, rotterdam, 5)
    created = call(client, "post", "/carts", {"market": "eu", "language": "en"})
    assert created.status_code == 201
    cart_token: str = created.json()["token"]
    assert call(client, "post", f"/carts/{cart_token}/lines", {"sku": "TEE-M", "quantity": 2})
    address = {"email": "anna@example.com", "shipping_address": BERLIN}
    assert call(client, "put", f"/carts/{cart_token}/address", address).status_code == 200
    options = call(client, "get", f"/carts/{cart_token}/shipping-options").json()
    method = {"method_id": options[0]["method_id"]}
    assert call(client, "put", f"/carts/{cart_token}/shipping-method", method).status_code == 200
    return cart_token


def test_a_cart_is_priced_in_the_market_currency_with_tax_and_shipping(
    client: Client, token: str
) -> None:
    cart = call(client, "get", f"/carts/{token}").json()

    assert cart["step"] == "shipping"
    assert cart["lines"][0]["unit_price"] == {"amount": "25.00", "currency": "EUR"}
    assert cart["shipping_method"]["name"] == "Standard"
    assert cart["totals"]["total"] == {"amount": "54.90", "currency": "EUR"}
    assert cart["totals"]["prices_include_tax"] is True
    assert cart["totals"]["tax"]["amount"] != "0.00"


def test_placing_the_order_twice_with_one_key_gives_one_order(
    client: Client,
    token: str,
    tee: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    body = {"payment_method": "card", "payment_details": APPROVED}

    first = call(client, "post", f"/carts/{token}/order", body, **{"Idempotency-Key": "k1"})
    again = call(client, "post", f"/carts/{token}/order", body, **{"Idempotency-Key": "k1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert first.json()["payment"]["status"] == "captured"
    assert first.json()["total"] == {"amount": "54.90", "currency": "EUR"}
    assert Order.objects.count() == 1
    assert stock_of(tee, rotterdam) == (5, 2)
    assert call(client, "get", f"/carts/{token}").json()["order_number"] == first.json()["number"]


def test_a_declined_card_answers_with_the_pending_order_and_the_reason(
    client: Client, token: str
) -> None:
    body = {"payment_method": "card", "payment_details": DECLINED}

    answer = call(client, "post", f"/carts/{token}/order", body, **{"Idempotency-Key": "k1"})

    assert answer.status_code == 201
    assert answer.json()["status"] == "pending_payment"
    assert answer.json()["payment"]["status"] == "failed"
    assert answer.json()["payment"]["message"] == "Your card was declined."


def test_an_order_needs_an_idempotency_key(client: Client, token: str) -> None:
    body = {"payment_method": "card", "payment_details": APPROVED}

    answer = call(client, "post", f"/carts/{token}/order", body)

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == "Idempotency-Key"
    assert Order.objects.count() == 0


def test_address_errors_name_the_field(client: Client, token: str) -> None:
    body = {"email": "anna@example.com", "shipping_address": {**BERLIN, "postal_code": "X"}}

    answer = call(client, "put", f"/carts/{token}/address", body)

    assert answer.status_code == 422
    locs = [item["loc"] for item in answer.json()["detail"]]
    assert locs == [["body", "shipping_address", "postal_code"]]


def test_unknown_sku_quantity_and_market_are_field_errors(client: Client, token: str) -> None:
    unknown = call(client, "post", f"/carts/{token}/lines", {"sku": "NOPE", "quantity": 1})
    too_many = call(client, "patch", f"/carts/{token}/lines/TEE-M", {"quantity": 100})
    market = call(client, "post", "/carts", {"market": "mars"})

    assert unknown.status_code == too_many.status_code == market.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "sku"]
    assert too_many.json()["detail"][0]["loc"][-1] == "quantity"
    assert market.json()["detail"][0]["loc"] == ["body", "market"]


def test_lines_can_be_changed_and_removed(client: Client, token: str) -> None:
    changed = call(client, "patch", f"/carts/{token}/lines/TEE-M", {"quantity": 1}).json()
    assert changed["lines"][0]["quantity"] == 1
    assert changed["step"] == "address"  # the shipping quote must be chosen again

    removed = call(client, "delete", f"/carts/{token}/lines/TEE-M").json()
    assert removed["lines"] == []


def test_an_unknown_cart_is_404(client: Client, eu: object) -> None:  # noqa: F811
    assert call(client, "get", "/carts/no-such-token").status_code == 404
    assert call(client, "post", "/carts/no-such-token/lines", {"sku": "X"}).status_code == 404
