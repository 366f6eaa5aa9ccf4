"""Returns: asked for within the market's window, for delivered units only, approved,
received back to stock or written off, and refunded through payments."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tradewind.catalog.models import Variant
from tradewind.core.models import OutboxEvent
from tradewind.inventory.models import Stock, Warehouse
from tradewind.markets.models import Market
from tradewind.orders import services
from tradewind.orders.models import ReturnReason, ReturnRequest
from tradewind.orders.states import IllegalTransition
from tradewind.orders.tests.conftest import PLACED, MakeOrder, delivered, line, lines_of, paid

pytestmark = pytest.mark.django_db

DELIVERED = PLACED + timedelta(days=3)  # 2025-03-04


def on_day(days: int) -> datetime:
    """``days`` after the delivery day, late in the evening."""
    return DELIVERED.replace(hour=23, minute=30) + timedelta(days=days)


def ask(order, quantities: dict[str, int], reason: str = "too_small", **kw) -> ReturnRequest:
    lines = lines_of(order)
    return services.request_return(
        order, {lines[sku].pk: qty for sku, qty in quantities.items()}, reason, **kw
    )


def test_the_eu_window_accepts_day_14(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)

    request = ask(order, {"TEE-M": 1}, now=on_day(14), note="Runs small")

    order.refresh_from_db()
    assert order.status == "return_requested"
    assert request.reason == "too_small" and request.note == "Runs small"
    assert (
        order.transitions.get(to_status="return_requested").reason == "Size too small: Runs small"
    )
    event = OutboxEvent.objects.get(topic="return.requested")
    assert event.payload["lines"] == [{"sku": "TEE-M", "quantity": 1}]


def test_the_eu_window_refuses_day_15_naming_the_last_day(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)

    with pytest.raises(ValidationError) as refused:
        ask(order, {"TEE-M": 1}, now=on_day(15))

    assert refused.value.messages == [
        f"The return window for order {order.number} closed on 2025-03-18 "
        "(14 days from delivery on 2025-03-04)."
    ]
    order.refresh_from_db()
    assert order.status == "delivered"
    assert not ReturnRequest.objects.exists()


def test_a_longer_merchant_policy_extends_the_window(
    make_order: MakeOrder, us: Market, rotterdam: Warehouse, tee: Variant
) -> None:
    order = delivered(make_order(in_market=us, lines=[line(tee, 2, "25.00")]), rotterdam, DELIVERED)

    with pytest.raises(ValidationError, match="closed on 2025-04-03 \\(30 days"):
        ask(order, {"TEE-M": 1}, now=on_day(31))
    ask(order, {"TEE-M": 1}, now=on_day(30))


def test_a_market_without_a_window_takes_no_returns(
    make_order: MakeOrder, rotterdam: Warehouse, tee: Variant
) -> None:
    nowhere = Market.objects.create(
        code="xx", name="Nowhere", currency="EUR", default_language="en", subfolder="xx"
    )
    order = delivered(make_order(in_market=nowhere), rotterdam, DELIVERED)

    with pytest.raises(ValidationError, match="Nowhere cannot be returned"):
        ask(order, {"TEE-M": 1}, now=on_day(0))


def test_an_undelivered_order_cannot_be_returned(make_order: MakeOrder) -> None:
    order = paid(make_order())

    with pytest.raises(IllegalTransition, match="'paid' cannot become 'return_requested'"):
        ask(order, {"TEE-M": 1}, now=on_day(1))


def test_more_units_than_delivered_are_refused(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)

    with pytest.raises(ValidationError) as refused:
        ask(order, {"TEE-M": 4, "CAP-1": 1}, now=on_day(2))

    assert refused.value.message_dict == {
        "lines": ["TEE-M: 4 to return, but only 3 were delivered and not already returned."]
    }


def test_units_already_returned_cannot_be_returned_again(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    first = settle(ask(order, {"TEE-M": 2}, now=on_day(1)), restock=False)
    services.mark_refunded(services.refund_return(first))

    with pytest.raises(ValidationError, match="only 1 were delivered and not already returned"):
        ask(order, {"TEE-M": 2}, now=on_day(2))
    ask(order, {"TEE-M": 1}, now=on_day(2))


def test_one_return_at_a_time(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    ask(order, {"TEE-M": 1}, now=on_day(1))

    with pytest.raises(ValidationError, match="already has a return in progress"):
        ask(order, {"CAP-1": 1}, now=on_day(1))


def test_bad_return_input_is_refused_per_field(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)

    with pytest.raises(ValidationError) as refused:
        services.request_return(order, {}, "too_ugly", now=on_day(1))

    assert set(refused.value.message_dict) == {"lines", "reason_code"}
    assert "too_small" in refused.value.message_dict["reason_code"][0]


def test_the_reasons_kept_for_analysis() -> None:
    assert ReturnReason.values == [
        "too_small",
        "too_big",
        "not_as_described",
        "damaged",
        "changed_mind",
        "late_delivery",
        "other",
    ]


def settle(request: ReturnRequest, *, restock: bool) -> ReturnRequest:
    services.approve_return(request)
    lines = request.lines.values_list("line_id", flat=True)
    return services.receive_return(request, dict.fromkeys(lines, restock))


def test_received_units_go_back_to_the_warehouse_that_shipped_them(
    make_order: MakeOrder, rotterdam: Warehouse, tee: Variant
) -> None:
    Stock.objects.create(variant=tee, warehouse=rotterdam, on_hand=10)
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = ask(order, {"TEE-M": 2, "CAP-1": 1}, reason="damaged", now=on_day(1))
    services.approve_return(request)
    lines = lines_of(order)

    services.receive_return(request, {lines["TEE-M"].pk: True, lines["CAP-1"].pk: False})

    assert Stock.objects.get(variant=tee, warehouse=rotterdam).on_hand == 12
    order.refresh_from_db()
    assert order.status == "returned"
    kept = dict(request.lines.values_list("line__sku", "restock"))
    assert kept == {"TEE-M": True, "CAP-1": False}
    event = OutboxEvent.objects.get(topic="return.received")
    assert {(row["sku"], row["reason"], row["restock"]) for row in event.payload["lines"]} == {
        ("TEE-M", "damaged", True),
        ("CAP-1", "damaged", False),
    }


def test_receiving_needs_a_decision_for_every_line(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = ask(order, {"TEE-M": 2, "CAP-1": 1}, now=on_day(1))
    services.approve_return(request)

    with pytest.raises(ValidationError) as refused:
        services.receive_return(request, {lines_of(order)["TEE-M"].pk: True})

    assert refused.value.message_dict["restock"] == [
        "CAP-1: decide whether it goes back to stock or is written off."
    ]


def test_a_return_must_be_approved_before_it_is_received(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = ask(order, {"TEE-M": 1}, now=on_day(1))

    with pytest.raises(ValidationError, match="only a return that is 'approved' can be received"):
        services.receive_return(request, {lines_of(order)["TEE-M"].pk: False})


def test_a_partial_return_is_refunded_in_part_through_payments(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = settle(ask(order, {"TEE-M": 1}, now=on_day(1)), restock=False)

    asked = services.refund_return(request)

    assert asked.refund_amount == Decimal("20.00")
    event = OutboxEvent.objects.get(topic="return.refund_requested")
    assert Decimal(event.payload["amount"]) == Decimal(20)
    order.refresh_from_db()
    assert order.status == "returned"  # until payments has moved the money

    after = services.mark_refunded(asked, reference="re_123")

    assert after.status == "partially_refunded"
    assert after.refunded_amount == Decimal(20)


def test_returning_everything_refunds_everything_including_delivery(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    first = settle(ask(order, {"TEE-M": 1}, now=on_day(1)), restock=False)
    services.mark_refunded(services.refund_return(first))
    rest = settle(ask(order, {"TEE-M": 2, "CAP-1": 1}, now=on_day(5)), restock=False)

    asked = services.refund_return(rest)
    after = services.mark_refunded(asked)

    assert asked.refund_amount == Decimal(60)  # 40 + 15 of goods + 5 of delivery
    assert after.status == "refunded"
    assert after.refunded_amount == after.total_amount == Decimal(80)


def test_a_refund_above_what_is_left_is_refused(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = settle(ask(order, {"TEE-M": 1}, now=on_day(1)), restock=False)

    with pytest.raises(ValidationError) as refused:
        services.refund_return(request, amount=Decimal("80.01"))

    assert "at most 80.0000 EUR" in refused.value.message_dict["amount"][0]
    services.refund_return(request, amount=Decimal("12.50"))


def test_a_rejected_return_puts_the_order_back_and_frees_the_units(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, DELIVERED)
    request = ask(order, {"TEE-M": 3}, now=on_day(1))

    with pytest.raises(ValidationError, match="reason"):
        services.reject_return(request, reason=" ")
    services.reject_return(request, reason="Worn and washed")

    order.refresh_from_db()
    assert order.status == "delivered"
    assert order.transitions.get(to_status="delivered", from_status="return_requested").reason == (
        "Worn and washed"
    )
    ask(order, {"TEE-M": 3}, now=on_day(2))
