"""The admin API: staff tokens, role checks, and orders, fulfilment, refunds, returns and
stock driven over HTTP as a staff tool or an integration would."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tradewind.api.auth import issue_token
from tradewind.catalog.models import Product, Variant
from tradewind.cli import main
from tradewind.core.models import StaffToken
from tradewind.core.staff import create_staff
from tradewind.inventory import services as inventory
from tradewind.inventory.models import MarketWarehouse, Stock, Warehouse
from tradewind.markets.models import Market
from tradewind.markets.tests.factories import market
from tradewind.orders import services as orders
from tradewind.orders.models import Order, OrderLine, ReturnRequest, Shipment
from tradewind.payments import services as payments
from tradewind.payments.models import Payment

pytestmark = pytest.mark.django_db

API = "/api/admin"
PLACED = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/40", "card_cvc": "123"}
PASSWORD = "a-long-staff-passphrase"

Call = Callable[..., Any]
MakeOrder = Callable[..., Order]


@pytest.fixture(autouse=True)
def _test_gateway(settings: Any) -> None:
    settings.TRADEWIND_CARD_PROVIDER = "test_card"
    settings.TRADEWIND_TEST_CARD_SECRET = "whsec_admin_api"


@pytest.fixture
def eu(db: None) -> Market:
    return market(
        ("DE", "FR"),
        code="eu",
        currency="EUR",
        subfolder="de-de",
        payment_methods=["card"],
        statutory_return_days=14,
    )


@pytest.fixture
def us(db: None) -> Market:
    return market(("US",), code="us")


@pytest.fixture
def amsterdam(eu: Market) -> Warehouse:
    found = Warehouse.objects.create(code="nl-ams", name="Amsterdam", country="NL", city="A")
    MarketWarehouse.objects.create(market=eu, warehouse=found, priority=1)
    return found


@pytest.fixture
def tee(db: None) -> Variant:
    product = Product.objects.create(handle="tee", name="Tee")
    return Variant.objects.create(product=product, sku="TEE-M", price_amount=Decimal(20))


@pytest.fixture
def cap(db: None) -> Variant:
    product = Product.objects.create(handle="cap", name="Cap")
    return Variant.objects.create(product=product, sku="CAP-1", price_amount=Decimal(15))


def line(variant: Variant, quantity: int, unit: str) -> OrderLine:
    total = Decimal(unit) * quantity
    return OrderLine(
        variant=variant,
        product_name=variant.product.name,
        sku=variant.sku,
        quantity=quantity,
        unit_price=Decimal(unit),
        total_amount=total,
    )


@pytest.fixture
def make_order(eu: Market, tee: Variant, cap: Variant) -> MakeOrder:
    """An order for 3 tees at 20 and 1 cap at 15, plus 5 shipping: 80 in all."""

    def make(
        *, where: Market | None = None, email: str = "ana@example.com", **fields: Any
    ) -> Order:
        chosen = where or eu
        items = [line(tee, 3, "20.00"), line(cap, 1, "15.00")]
        for item in items:
            item.currency = chosen.currency
        fields.setdefault("placed_at", PLACED)
        order = Order(
            market=chosen,
            email=email,
            language="de",
            currency=chosen.currency,
            subtotal_amount=Decimal(75),
            shipping_amount=Decimal(5),
            total_amount=Decimal(80),
            **fields,
        )
        return orders.create_order(order, items)

    return make


def staff_member(role: str, email: str | None = None) -> User:
    return create_staff(email or f"{role.lower()}@example.com", PASSWORD, role=role)


def token_for(role: str) -> str:
    return issue_token(staff_member(role), "tests").secret


@pytest.fixture
def call(client: Client) -> Call:
    """``call(token, "get", "/orders", query_or_json)`` against the admin API."""

    def send(token: str | None, method: str, path: str, data: Any = None, **headers: str) -> Any:
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if method == "get":
            return client.get(API + path, data or {}, headers=headers)
        return client.post(
            API + path,
            data if data is not None else {},
            content_type="application/json",
            headers=headers,
        )

    return send


@pytest.fixture
def operator() -> str:
    return token_for("Operator")


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    return [item["loc"][-1] for item in response.json()["detail"]]


def paid(order: Order) -> Order:
    return orders.transition(order, "paid", actor_label="payments:test")


def pay_by_card(order: Order) -> Payment:
    result = payments.start_payment(
        order_id=order.pk,
        reference=order.number,
        amount=order.total,
        market=order.market,
        method="card",
        details=CARD,
        idempotency_key=f"pay-{order.number}",
    )
    return Payment.objects.get(pk=result.payment_id)


# --- tokens -------------------------------------------------------------------------------


def test_a_token_secret_is_given_once_and_only_its_hash_is_kept(call: Call) -> None:
    issued = issue_token(staff_member("Operator"), "ERP sync")

    stored = StaffToken.objects.get()
    assert stored.key_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert stored.key_prefix == issued.secret[:8]
    assert issued.secret not in {str(v) for v in stored.__dict__.values()}
    assert stored.last_used_at is None

    assert call(issued.secret, "get", "/orders").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_requests_without_a_live_token_are_unauthorized(call: Call) -> None:
    user = staff_member("Operator")
    expired = issue_token(user, "old", expires_at=timezone.now() + timedelta(seconds=1))
    StaffToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )

    assert call(None, "get", "/orders").status_code == 401
    assert call("not-a-token", "get", "/orders").json() == {"detail": "Unknown API token."}
    answer = call(expired.secret, "get", "/orders")
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_a_revoked_token_stops_working_at_once(call: Call, admin_client: Client) -> None:
    issued = issue_token(staff_member("Operator"), "laptop")
    assert call(issued.secret, "get", "/orders").status_code == 200

    admin_client.post(
        reverse("admin:core_stafftoken_changelist"),
        {"action": "revoke", "_selected_action": [issued.token.pk]},
    )

    answer = call(issued.secret, "get", "/orders")
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_a_deactivated_staff_members_tokens_stop_working(call: Call) -> None:
    user = staff_member("Operator")
    issued = issue_token(user, "laptop")
    user.is_active = False
    user.save()

    answer = call(issued.secret, "get", "/orders")
    assert answer.status_code == 401
    assert "not active" in answer.json()["detail"]


def test_tokens_are_only_for_staff_and_need_a_name() -> None:
    shopper = User.objects.create_user("shopper@example.com", password=PASSWORD)
    with pytest.raises(Exception, match="not an active staff member"):
        issue_token(shopper, "x")
    with pytest.raises(Exception, match="Name the token"):
        issue_token(staff_member("Support"), "  ")


def test_the_cli_creates_a_token_and_shows_it_once(capsys: Any, call: Call) -> None:
    staff_member("Support", "sam@example.com")

    assert main(["token", "create", "sam@example.com", "--name", "helpdesk"]) == 0
    out = capsys.readouterr().out
    secret = next(ln for ln in out.splitlines() if ln.startswith("Token: ")).removeprefix("Token: ")

    assert StaffToken.objects.get().name == "helpdesk"
    assert call(secret, "get", "/orders").status_code == 200


def test_the_cli_refuses_an_unknown_account_in_one_line(capsys: Any) -> None:
    assert main(["token", "create", "nobody@example.com"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "tradewind: error: No staff account for nobody@example.com; create it with 'createstaff'."
    ]


# --- roles --------------------------------------------------------------------------------


def test_support_reads_orders_but_cannot_refund(call: Call, make_order: MakeOrder) -> None:
    order = make_order()
    support = token_for("Support")

    assert call(support, "get", f"/orders/{order.number}").status_code == 200
    answer = call(
        support, "post", f"/orders/{order.number}/refunds", {"amount": "5", "reason": "x"}
    )
    assert answer.status_code == 403
    assert "payments.change_payment" in answer.json()["detail"]


def test_planner_adjusts_stock_but_cannot_refund(
    call: Call, make_order: MakeOrder, amsterdam: Warehouse, tee: Variant
) -> None:
    order = make_order()
    planner = token_for("Planner")

    adjusted = call(
        planner,
        "post",
        "/stock/adjustments",
        {"sku": "TEE-M", "warehouse": "nl-ams", "delta": 4, "note": "count", "reason": "restock"},
    )
    assert adjusted.status_code == 201
    answer = call(
        planner, "post", f"/orders/{order.number}/refunds", {"amount": "5", "reason": "x"}
    )
    assert answer.status_code == 403


def test_a_marketer_cannot_see_stock_or_orders(call: Call) -> None:
    marketer = token_for("Marketer")

    answer = call(marketer, "get", "/stock")
    assert answer.status_code == 403
    assert "inventory.view_stock" in answer.json()["detail"]
    assert "orders.view_order" in call(marketer, "get", "/orders").json()["detail"]


# --- reading orders -----------------------------------------------------------------------


def test_orders_are_listed_newest_first_and_filtered(
    call: Call, operator: str, make_order: MakeOrder, us: Market
) -> None:
    old = make_order(placed_at=PLACED - timedelta(days=10), email="bo@example.com")
    new = make_order()
    american = make_order(where=us, placed_at=PLACED + timedelta(days=1))
    paid(new)

    def numbers(**query: Any) -> list[str]:
        answer = call(operator, "get", "/orders", query)
        assert answer.status_code == 200, answer.content
        return [item["number"] for item in answer.json()["items"]]

    assert numbers() == [american.number, new.number, old.number]
    assert numbers(status="paid") == [new.number]
    assert numbers(market="us") == [american.number]
    assert numbers(placed_from="2025-03-01", placed_to="2025-03-01") == [new.number]
    assert numbers(placed_to="2025-02-28") == [old.number]
    assert numbers(q="BO@example.com") == [old.number]
    assert numbers(q=new.number.lower()) == [new.number]
    page = call(operator, "get", "/orders", {"limit": 1, "offset": 1}).json()
    assert (page["total"], [i["number"] for i in page["items"]]) == (3, [new.number])
    assert page["items"][0]["total"] == "80.00"


def test_listing_orders_refuses_bad_filters_naming_them(call: Call, operator: str) -> None:
    assert fields_of(call(operator, "get", "/orders", {"market": "mars"})) == ["market"]
    assert fields_of(call(operator, "get", "/orders", {"status": "lost"})) == ["status"]
    assert fields_of(call(operator, "get", "/orders", {"limit": 0})) == ["limit"]
    backwards = {"placed_from": "2025-03-02", "placed_to": "2025-03-01"}
    assert fields_of(call(operator, "get", "/orders", backwards)) == ["placed_to"]


def test_listing_orders_costs_the_same_queries_for_any_page_size(
    call: Call,
    operator: str,
    make_order: MakeOrder,
    django_assert_num_queries: Any,
) -> None:
    make_order()
    call(operator, "get", "/orders")  # the token's first use records it

    # token, the user's permissions and group permissions, the page, the count
    with django_assert_num_queries(5):
        assert len(call(operator, "get", "/orders").json()["items"]) == 1
    for _ in range(5):
        make_order()
    with django_assert_num_queries(5):
        assert len(call(operator, "get", "/orders").json()["items"]) == 6


def test_an_order_is_shown_with_its_whole_history(
    call: Call, operator: str, make_order: MakeOrder, amsterdam: Warehouse
) -> None:
    order = make_order()
    pay_by_card(order)
    paid(order)
    tee_line = order.lines.get(sku="TEE-M")
    orders.create_shipment(order, amsterdam, {tee_line.pk: 2}, "DHL", "JD01")

    detail = call(operator, "get", f"/orders/{order.number}").json()

    assert detail["status"] == "partially_fulfilled"
    assert [(ln["sku"], ln["quantity"], ln["total"]) for ln in detail["lines"]] == [
        ("TEE-M", 3, "60.00"),
        ("CAP-1", 1, "15.00"),
    ]
    assert [t["to_status"] for t in detail["transitions"]] == ["paid", "partially_fulfilled"]
    assert detail["shipments"][0]["lines"] == {str(tee_line.pk): 2}
    assert detail["payments"][0]["status"] == "captured"
    assert detail["payments"][0]["captured"] == "80.00"
    assert call(operator, "get", "/orders/TW-NOPE").status_code == 404


# --- changing orders ----------------------------------------------------------------------


def test_staff_move_an_order_and_are_recorded_as_the_actor(
    call: Call, make_order: MakeOrder
) -> None:
    order = make_order()
    token = issue_token(staff_member("Operator", "olga@example.com"), "ops").secret

    answer = call(
        token,
        "post",
        f"/orders/{order.number}/transitions",
        {"to": "cancelled", "reason": "Customer called"},
    )

    assert answer.status_code == 200
    last = answer.json()["transitions"][-1]
    assert (last["to_status"], last["actor"], last["reason"]) == (
        "cancelled",
        "olga@example.com",
        "Customer called",
    )


def test_an_illegal_move_is_refused_with_the_state_machines_message(
    call: Call, operator: str, make_order: MakeOrder
) -> None:
    order = make_order()

    answer = call(operator, "post", f"/orders/{order.number}/transitions", {"to": "delivered"})

    assert answer.status_code == 409
    assert answer.json()["detail"] == (
        "An order that is 'pending_payment' cannot become 'delivered'. "
        "Allowed next: paid, cancelled."
    )
    assert fields_of(
        call(operator, "post", f"/orders/{order.number}/transitions", {"to": "lost"})
    ) == ["to"]


def test_shipping_part_of_an_order_from_a_warehouse(
    call: Call, operator: str, make_order: MakeOrder, amsterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee_line = order.lines.get(sku="TEE-M")

    answer = call(
        operator,
        "post",
        f"/orders/{order.number}/shipments",
        {
            "warehouse": "nl-ams",
            "lines": {str(tee_line.pk): 3},
            "carrier": "DHL",
            "tracking_number": "JD0001",
        },
    )

    assert answer.status_code == 201, answer.content
    shipped = answer.json()
    assert (shipped["order_status"], shipped["warehouse"], shipped["lines"]) == (
        "partially_fulfilled",
        "nl-ams",
        {str(tee_line.pk): 3},
    )
    assert Shipment.objects.get().tracking_number == "JD0001"


def test_a_bad_shipment_is_refused_naming_the_field(
    call: Call, operator: str, make_order: MakeOrder, amsterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee_line = order.lines.get(sku="TEE-M")
    good = {"warehouse": "nl-ams", "lines": {str(tee_line.pk): 1}, "carrier": "DHL"}
    path = f"/orders/{order.number}/shipments"

    assert fields_of(call(operator, "post", path, {**good, "warehouse": "mars"})) == ["warehouse"]
    assert fields_of(call(operator, "post", path, {**good, "carrier": " "})) == ["carrier"]
    too_many = call(operator, "post", path, {**good, "lines": {str(tee_line.pk): 4}})
    assert fields_of(too_many) == ["lines"]
    assert "only 3 of 3" in too_many.json()["detail"][0]["msg"]
    assert not Shipment.objects.exists()

    unpaid = make_order()
    refused = call(
        operator,
        "post",
        f"/orders/{unpaid.number}/shipments",
        {**good, "lines": {str(unpaid.lines.get(sku="TEE-M").pk): 1}},
    )
    assert refused.status_code == 409
    assert "pending_payment" in refused.json()["detail"]


def test_confirming_delivery_of_the_last_parcel_delivers_the_order(
    call: Call, operator: str, make_order: MakeOrder, amsterdam: Warehouse
) -> None:
    order = paid(make_order())
    everything = {item.pk: item.quantity for item in order.lines.all()}
    shipment = orders.create_shipment(order, amsterdam, everything, "DHL", "JD02")

    answer = call(operator, "post", f"/shipments/{shipment.pk}/delivered")

    assert answer.status_code == 200, answer.content
    assert answer.json()["order_status"] == "delivered"
    assert answer.json()["delivered_at"] is not None
    again = call(operator, "post", f"/shipments/{shipment.pk}/delivered")
    assert fields_of(again) == ["delivered_at"]
    assert call(operator, "post", "/shipments/999999/delivered").status_code == 404


def test_refunding_part_of_a_captured_payment(
    call: Call, operator: str, make_order: MakeOrder
) -> None:
    order = make_order()
    payment = pay_by_card(order)
    path = f"/orders/{order.number}/refunds"

    answer = call(
        operator,
        "post",
        path,
        {"amount": "30.00", "reason": "Goodwill"},
        **{"Idempotency-Key": "rf-1"},
    )
    replay = call(
        operator,
        "post",
        path,
        {"amount": "30.00", "reason": "Goodwill"},
        **{"Idempotency-Key": "rf-1"},
    )

    assert answer.status_code == 201, answer.content
    assert answer.json()["succeeded"] is True
    assert answer.json()["payment_status"] == "partially_refunded"
    assert replay.json()["id"] == answer.json()["id"]
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("30.00")


def test_a_refund_beyond_what_was_captured_is_refused_naming_the_amount(
    call: Call, operator: str, make_order: MakeOrder
) -> None:
    order = make_order()
    path = f"/orders/{order.number}/refunds"

    assert call(operator, "post", path, {"amount": "10", "reason": "x"}).status_code == 409
    payment = pay_by_card(order)
    too_much = call(operator, "post", path, {"amount": "80.01", "reason": "x"})
    assert fields_of(too_much) == ["amount"]
    assert "At most 80.00 EUR" in too_much.json()["detail"][0]["msg"]
    assert fields_of(call(operator, "post", path, {"amount": "1.001", "reason": "x"})) == ["amount"]
    assert fields_of(call(operator, "post", path, {"amount": "-1", "reason": "x"})) == ["amount"]
    assert fields_of(call(operator, "post", path, {"amount": "1", "reason": " "})) == ["reason"]
    payment.refresh_from_db()
    assert payment.refunded_amount == 0


# --- returns ------------------------------------------------------------------------------


@pytest.fixture
def returned(make_order: MakeOrder, amsterdam: Warehouse, tee: Variant) -> ReturnRequest:
    """A delivered order whose shopper asked to return one tee."""
    Stock.objects.create(variant=tee, warehouse=amsterdam, on_hand=10)
    order = paid(make_order())
    everything = {item.pk: item.quantity for item in order.lines.all()}
    shipment = orders.create_shipment(order, amsterdam, everything, "DHL", "JD03")
    orders.confirm_delivery(shipment)
    tee_line = order.lines.get(sku="TEE-M")
    return orders.request_return(order, {tee_line.pk: 1}, "too_small")


def test_staff_approve_and_receive_a_return_back_into_stock(
    call: Call, operator: str, returned: ReturnRequest, tee: Variant
) -> None:
    tee_line = returned.lines.get().line_id

    approved = call(operator, "post", f"/returns/{returned.pk}/approve")
    received = call(
        operator, "post", f"/returns/{returned.pk}/receive", {"restock": {str(tee_line): True}}
    )

    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "received"
    assert Stock.objects.get(variant=tee).on_hand == 11
    assert Order.objects.get(pk=returned.order_id).status == "returned"


def test_a_return_in_the_wrong_state_or_without_decisions_is_refused(
    call: Call, operator: str, returned: ReturnRequest
) -> None:
    early = call(operator, "post", f"/returns/{returned.pk}/receive", {"restock": {}})
    assert early.status_code == 409
    assert "only a return that is 'approved'" in early.json()["detail"]

    call(operator, "post", f"/returns/{returned.pk}/approve")
    assert call(operator, "post", f"/returns/{returned.pk}/approve").status_code == 409
    undecided = call(operator, "post", f"/returns/{returned.pk}/receive", {"restock": {}})
    assert fields_of(undecided) == ["restock"]
    assert call(operator, "post", "/returns/424242/approve").status_code == 404


# --- stock --------------------------------------------------------------------------------


def test_stock_is_listed_per_sku_and_warehouse(
    call: Call, operator: str, eu: Market, amsterdam: Warehouse, tee: Variant, cap: Variant
) -> None:
    Stock.objects.create(variant=tee, warehouse=amsterdam, on_hand=10)
    Stock.objects.create(variant=cap, warehouse=amsterdam, on_hand=2)
    inventory.reserve([(tee.pk, 3)], eu, reference="TW-TEST")

    everything = call(operator, "get", "/stock", {"warehouse": "nl-ams"}).json()
    tees = call(operator, "get", "/stock", {"sku": "TEE-M"}).json()

    assert [i["sku"] for i in everything["items"]] == ["CAP-1", "TEE-M"]
    assert tees["items"] == [
        {"sku": "TEE-M", "warehouse": "nl-ams", "on_hand": 10, "allocated": 3, "available": 7}
    ]
    assert fields_of(call(operator, "get", "/stock", {"warehouse": "mars"})) == ["warehouse"]


def test_adjusting_stock_cannot_take_away_units_promised_to_orders(
    call: Call, operator: str, eu: Market, amsterdam: Warehouse, tee: Variant
) -> None:
    Stock.objects.create(variant=tee, warehouse=amsterdam, on_hand=10)
    inventory.reserve([(tee.pk, 8)], eu, reference="TW-TEST")
    adjust = {"sku": "TEE-M", "warehouse": "nl-ams", "note": "Cycle count"}

    counted = call(operator, "post", "/stock/adjustments", {**adjust, "delta": -2})
    too_many = call(operator, "post", "/stock/adjustments", {**adjust, "delta": -1})

    assert counted.status_code == 201, counted.content
    assert counted.json()["on_hand"] == 8
    assert fields_of(too_many) == ["delta"]
    assert "8 are reserved" in too_many.json()["detail"][0]["msg"]
    assert Stock.objects.get().on_hand == 8


def test_bad_stock_adjustments_are_refused_naming_the_field(
    call: Call, operator: str, amsterdam: Warehouse, tee: Variant
) -> None:
    good = {"sku": "TEE-M", "warehouse": "nl-ams", "delta": 5, "note": "Delivery"}

    assert fields_of(call(operator, "post", "/stock/adjustments", {**good, "sku": "NOPE"})) == [
        "sku"
    ]
    assert fields_of(call(operator, "post", "/stock/adjustments", {**good, "delta": 0})) == [
        "delta"
    ]
    assert fields_of(call(operator, "post", "/stock/adjustments", {**good, "note": " "})) == [
        "note"
    ]
    restock_down = {**good, "delta": -5, "reason": "restock"}
    assert fields_of(call(operator, "post", "/stock/adjustments", restock_down)) == ["delta"]
    assert not Stock.objects.exists()
