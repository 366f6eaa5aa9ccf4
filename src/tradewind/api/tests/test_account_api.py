"""The account API, as a shopper's browser uses it: sign up or in, keep an address book,
read past orders and ask for a return."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tradewind.catalog.models import Variant
from tradewind.checkout import services as checkout
from tradewind.checkout.models import Cart
from tradewind.checkout.tests.conftest import (  # noqa: F401 (fixtures)
    BERLIN,
    _gateways,
    eu,
    hoodie,
    put,
    rotterdam,
    tee,
)
from tradewind.customers import services as customers
from tradewind.customers.models import Customer
from tradewind.inventory.models import Warehouse
from tradewind.markets.models import Market
from tradewind.orders import services as orders
from tradewind.orders.models import Order, OrderLine

pytestmark = pytest.mark.django_db

PASSWORD = "linen-in-the-summer-rain"
RETURN_DAYS = 14


def call(client: Client, method: str, path: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(
        f"/api/account{path}", body, content_type="application/json", headers=headers
    )


def customer(email: str = "anna@example.com") -> Customer:
    return customers.register(email, PASSWORD, first_name="Anna", language="en")


def sign_in(client: Client, email: str = "anna@example.com", **extra: Any) -> Any:
    answer = call(client, "post", "/sign-in", {"email": email, "password": PASSWORD, **extra})
    assert answer.status_code == 200, answer.content
    return answer.json()


def fields(answer: Any) -> list[str]:
    return [item["loc"][-1] for item in answer.json()["detail"]]


@pytest.fixture
def market(eu: Market) -> Market:  # noqa: F811
    eu.statutory_return_days = RETURN_DAYS
    eu.save(update_fields=["statutory_return_days"])
    return eu


def place(buyer: Customer | None, market: Market, variant: Variant, quantity: int = 2) -> Order:
    unit = Decimal("25.00")
    return orders.create_order(
        Order(
            market=market,
            customer=buyer,
            email=buyer.email if buyer else "guest@example.com",
            language="en",
            currency=market.currency,
            subtotal_amount=unit * quantity,
            total_amount=unit * quantity,
        ),
        [
            OrderLine(
                variant=variant,
                product_name="Tee",
                sku=variant.sku,
                quantity=quantity,
                currency=market.currency,
                unit_price=unit,
                total_amount=unit * quantity,
            )
        ],
    )


def deliver(order: Order, warehouse: Warehouse, at: datetime) -> Order:
    orders.transition(order, "paid", actor_label="payments:test")
    everything = {line.pk: line.quantity for line in order.lines.all()}
    shipment = orders.create_shipment(
        order, warehouse, everything, "DHL", "JD0001", shipped_at=at - timedelta(days=2)
    )
    return orders.confirm_delivery(shipment, delivered_at=at)


# --- signing up, in and out ---------------------------------------------------------------


def test_registering_opens_an_account_and_signs_in(client: Client, market: Market) -> None:
    body = {
        "email": "Anna@Example.com",
        "password": PASSWORD,
        "first_name": "Anna",
        "last_name": "Schmidt",
        "language": "de",
        "market": "eu",
    }

    answer = call(client, "post", "/register", body)

    assert answer.status_code == 201
    me = call(client, "get", "/me").json()
    assert me["email"] == "anna@example.com"
    assert (me["language"], me["market"], me["last_name"]) == ("de", "eu", "Schmidt")


def test_registering_an_email_twice_names_the_email(client: Client, market: Market) -> None:
    customer()

    answer = call(client, "post", "/register", {"email": "anna@example.com", "password": PASSWORD})

    assert answer.status_code == 422
    assert fields(answer) == ["email"]
    assert call(client, "get", "/me").status_code == 401


def test_registering_names_each_bad_field(client: Client, market: Market) -> None:
    body = {"email": "not-an-email", "password": "123", "market": "eu"}

    answer = call(client, "post", "/register", body)

    assert answer.status_code == 422
    assert set(fields(answer)) == {"email", "password"}
    unknown = call(client, "post", "/register", {**body, "market": "mars"})
    assert fields(unknown) == ["market"]


def test_wrong_credentials_get_one_generic_answer(client: Client, market: Market) -> None:
    customer()

    wrong_password = call(
        client, "post", "/sign-in", {"email": "anna@example.com", "password": "nope"}
    )
    unknown_email = call(client, "post", "/sign-in", {"email": "bob@example.com", "password": "x"})

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json() == {"detail": "Wrong email or password."}
    assert call(client, "get", "/me").status_code == 401


def test_signing_in_and_out(client: Client, market: Market) -> None:
    customer()

    signed_in = sign_in(client, email="ANNA@example.com")

    assert signed_in["customer"]["email"] == "anna@example.com"
    assert signed_in["cart_token"] is None
    assert call(client, "get", "/me").json()["first_name"] == "Anna"
    assert call(client, "post", "/sign-out").status_code == 204
    assert call(client, "get", "/me").status_code == 401


# --- the guest cart at sign-in ------------------------------------------------------------


def test_signing_in_merges_the_guest_cart_into_the_customers_cart(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    hoodie: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    put(tee, rotterdam, 10)
    put(hoodie, rotterdam, 10)
    anna = customer()
    saved = checkout.create_cart(market, "en", anna)
    checkout.add_line(saved, "TEE-M", 1)
    guest = checkout.create_cart(market, "en")
    checkout.add_line(guest, "TEE-M", 2)
    checkout.add_line(guest, "HOOD-M", 1)

    signed_in = sign_in(client, cart_token=guest.token)

    assert signed_in["cart_token"] == saved.token
    cart = client.get(f"/api/carts/{saved.token}").json()
    assert {line["sku"]: line["quantity"] for line in cart["lines"]} == {"TEE-M": 3, "HOOD-M": 1}
    assert client.get(f"/api/carts/{guest.token}").status_code == 404


def test_a_guest_cart_becomes_the_customers_when_they_have_none(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    put(tee, rotterdam, 10)
    anna = customer()
    guest = checkout.create_cart(market, "en")
    checkout.add_line(guest, "TEE-M", 2)

    assert sign_in(client, cart_token=guest.token)["cart_token"] == guest.token
    assert Cart.objects.get(pk=guest.pk).customer == anna


def test_an_unknown_cart_token_does_not_stop_the_sign_in(client: Client, market: Market) -> None:
    customer()

    assert sign_in(client, cart_token="expired-or-never-was")["cart_token"] is None
    assert call(client, "get", "/me").status_code == 200


# --- addresses ----------------------------------------------------------------------------


def test_an_address_book_of_checked_addresses(client: Client, market: Market) -> None:
    customer()
    sign_in(client)

    added = call(client, "post", "/addresses", BERLIN)

    assert added.status_code == 201
    assert added.json()["phone"] == "+49301234567"
    assert added.json()["is_default_shipping"] is True
    listed = call(client, "get", "/addresses").json()
    assert [a["id"] for a in listed] == [added.json()["id"]]
    deleted = call(client, "delete", f"/addresses/{added.json()['id']}")
    assert deleted.status_code == 204
    assert call(client, "get", "/addresses").json() == []


def test_a_bad_postal_code_and_phone_are_named(client: Client, market: Market) -> None:
    customer()
    sign_in(client)

    answer = call(client, "post", "/addresses", {**BERLIN, "postal_code": "1", "phone": "12"})

    assert answer.status_code == 422
    assert set(fields(answer)) == {"postal_code", "phone"}
    assert call(client, "get", "/addresses").json() == []


def test_another_customers_address_cannot_be_deleted(client: Client, market: Market) -> None:
    theirs = customers.add_address(customer("bob@example.com"), BERLIN)
    customer()
    sign_in(client)

    assert call(client, "delete", f"/addresses/{theirs.pk}").status_code == 404


def test_the_address_book_needs_a_signed_in_customer(client: Client, market: Market) -> None:
    assert call(client, "get", "/addresses").status_code == 401
    assert call(client, "post", "/addresses", BERLIN).status_code == 401


# --- order history ------------------------------------------------------------------------


def test_order_history_shows_only_the_customers_own_orders(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    django_assert_num_queries: Any,
) -> None:
    anna = customer()
    mine = [place(anna, market, tee, quantity) for quantity in (1, 2, 3)]
    place(customer("bob@example.com"), market, tee)
    place(None, market, tee)
    sign_in(client)

    # Session, customer, count and the page, however many orders the page holds.
    with django_assert_num_queries(4):
        page = call(client, "get", "/orders?limit=2").json()

    assert page["count"] == 3
    newest_first = sorted(mine, key=lambda o: (o.placed_at, o.pk), reverse=True)
    assert [o["number"] for o in page["items"]] == [o.number for o in newest_first[:2]]
    assert page["items"][0]["total"] == {"amount": "75.0000", "currency": "EUR"}
    rest = call(client, "get", "/orders?limit=2&offset=2").json()
    assert [o["number"] for o in rest["items"]] == [newest_first[2].number]


def test_an_order_shows_lines_tracking_and_the_return_deadline(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    delivered_at = timezone.now() - timedelta(days=3)
    order = deliver(place(customer(), market, tee), rotterdam, delivered_at)
    sign_in(client)

    detail = call(client, "get", f"/orders/{order.number}").json()

    assert [(line["sku"], line["quantity"]) for line in detail["lines"]] == [("TEE-M", 2)]
    assert detail["shipments"][0]["tracking_number"] == "JD0001"
    assert detail["status"] == "delivered"
    deadline = timezone.localdate(delivered_at) + timedelta(days=RETURN_DAYS)
    assert detail["return_deadline"] == deadline.isoformat()


def test_another_customers_order_is_not_found(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
) -> None:
    theirs = place(customer("bob@example.com"), market, tee)
    customer()
    sign_in(client)

    hidden = call(client, "get", f"/orders/{theirs.number}")
    unknown = call(client, "get", "/orders/TW-00000-00000")

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
    line = theirs.lines.get()
    asked = call(
        client,
        "post",
        f"/orders/{theirs.number}/returns",
        {"lines": {str(line.pk): 1}, "reason_code": "too_big"},
    )
    assert asked.status_code == 404


# --- returns ------------------------------------------------------------------------------


def test_a_return_within_the_window_is_requested(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    order = deliver(place(customer(), market, tee), rotterdam, timezone.now() - timedelta(days=3))
    line = order.lines.get()
    sign_in(client)

    answer = call(
        client,
        "post",
        f"/orders/{order.number}/returns",
        {"lines": {str(line.pk): 1}, "reason_code": "too_small", "note": "Runs small."},
    )

    assert answer.status_code == 201
    assert answer.json()["lines"] == [{"line_id": line.pk, "quantity": 1}]
    assert call(client, "get", f"/orders/{order.number}").json()["status"] == "return_requested"


def test_a_return_after_the_window_names_its_last_day(
    client: Client,
    market: Market,
    tee: Variant,  # noqa: F811
    rotterdam: Warehouse,  # noqa: F811
) -> None:
    delivered_at = timezone.now() - timedelta(days=RETURN_DAYS + 5)
    order = deliver(place(customer(), market, tee), rotterdam, delivered_at)
    line = order.lines.get()
    sign_in(client)

    answer = call(
        client,
        "post",
        f"/orders/{order.number}/returns",
        {"lines": {str(line.pk): 1}, "reason_code": "changed_mind"},
    )

    assert answer.status_code == 422
    assert fields(answer) == ["lines"]
    last_day = timezone.localdate(delivered_at) + timedelta(days=RETURN_DAYS)
    assert last_day.isoformat() in answer.json()["detail"][0]["msg"]
    assert call(client, "get", f"/orders/{order.number}").json()["status"] == "delivered"


# --- cross-site requests ------------------------------------------------------------------


def test_a_signed_in_change_without_the_csrf_token_is_refused(market: Market) -> None:
    browser = Client(enforce_csrf_checks=True)
    customer()
    sign_in(browser)
    secret = "k" * 32
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret

    forged = call(browser, "post", "/addresses", BERLIN)
    from_the_store = call(browser, "post", "/addresses", BERLIN, **{"X-CSRFToken": secret})

    assert forged.status_code == 403
    assert from_the_store.status_code == 201
    assert call(browser, "get", "/addresses").status_code == 200
