"""Shipments per warehouse fulfil an order in part or in full; delivery is confirmed per
parcel and the order is delivered when the last one arrives."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tradewind.core.models import OutboxEvent
from tradewind.inventory.models import Warehouse
from tradewind.orders import services
from tradewind.orders.states import IllegalTransition
from tradewind.orders.tests.conftest import PLACED, MakeOrder, lines_of, paid

pytestmark = pytest.mark.django_db


def test_shipping_some_units_fulfils_the_order_partially(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]

    shipment = services.create_shipment(order, rotterdam, {tee.pk: 2}, "DHL", " JD01 ")

    order.refresh_from_db()
    assert order.status == "partially_fulfilled"
    assert shipment.tracking_number == "JD01"
    assert list(shipment.lines.values_list("line__sku", "quantity")) == [("TEE-M", 2)]
    event = OutboxEvent.objects.get(topic="shipment.created")
    assert event.payload["tracking_number"] == "JD01"
    assert event.payload["lines"] == [{"sku": "TEE-M", "quantity": 2}]


def test_shipping_the_rest_from_another_warehouse_fulfils_it(
    make_order: MakeOrder, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    order = paid(make_order())
    lines = lines_of(order)
    services.create_shipment(order, rotterdam, {lines["TEE-M"].pk: 2}, "DHL", "A")

    services.create_shipment(
        order, leipzig, {lines["TEE-M"].pk: 1, lines["CAP-1"].pk: 1}, "DPD", "B"
    )

    order.refresh_from_db()
    assert order.status == "fulfilled" and order.fulfilled_at is not None
    assert [t.to_status for t in order.transitions.all()] == [
        "paid",
        "partially_fulfilled",
        "fulfilled",
    ]
    assert set(order.shipments.values_list("warehouse__code", flat=True)) == {
        "rotterdam",
        "leipzig",
    }


def test_a_further_partial_shipment_keeps_the_status_without_a_new_transition(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]
    services.create_shipment(order, rotterdam, {tee.pk: 1}, "DHL", "A")

    services.create_shipment(order, rotterdam, {tee.pk: 1}, "DHL", "B")

    order.refresh_from_db()
    assert order.status == "partially_fulfilled"
    assert order.transitions.filter(to_status="partially_fulfilled").count() == 1
    assert order.shipments.count() == 2


def test_shipping_everything_at_once_fulfils_it_directly(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    everything = {item.pk: item.quantity for item in order.lines.all()}

    services.create_shipment(order, rotterdam, everything, "UPS", "1Z")

    order.refresh_from_db()
    assert order.status == "fulfilled"
    assert not order.transitions.filter(to_status="partially_fulfilled").exists()


def test_shipping_more_than_is_left_is_refused_naming_the_line(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]
    services.create_shipment(order, rotterdam, {tee.pk: 2}, "DHL", "A")

    with pytest.raises(ValidationError) as refused:
        services.create_shipment(order, rotterdam, {tee.pk: 2}, "DHL", "B")

    assert refused.value.message_dict["lines"] == [
        "TEE-M: 2 to ship, but only 1 of 3 are still to be shipped."
    ]
    assert order.shipments.count() == 1


def test_bad_shipment_input_is_refused_per_field(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]

    with pytest.raises(ValidationError) as refused:
        services.create_shipment(order, rotterdam, {tee.pk: 0}, " ", "A")
    assert set(refused.value.message_dict) == {"lines", "carrier"}

    with pytest.raises(ValidationError, match="is not part of order"):
        services.create_shipment(order, rotterdam, {tee.pk + 999: 1}, "DHL", "A")


def test_an_unpaid_order_cannot_ship(make_order: MakeOrder, rotterdam: Warehouse) -> None:
    order = make_order()
    tee = lines_of(order)["TEE-M"]

    with pytest.raises(IllegalTransition, match="'pending_payment' cannot become"):
        services.create_shipment(order, rotterdam, {tee.pk: 1}, "DHL", "A")

    assert not order.shipments.exists()


def test_the_order_is_delivered_when_its_last_parcel_arrives(
    make_order: MakeOrder, rotterdam: Warehouse, leipzig: Warehouse
) -> None:
    order = paid(make_order())
    lines = lines_of(order)
    first = services.create_shipment(
        order, rotterdam, {lines["TEE-M"].pk: 3}, "DHL", "A", shipped_at=PLACED
    )
    second = services.create_shipment(
        order, leipzig, {lines["CAP-1"].pk: 1}, "DPD", "B", shipped_at=PLACED
    )

    after_first = services.confirm_delivery(second, delivered_at=PLACED + timedelta(days=3))
    assert after_first.status == "fulfilled"

    done = services.confirm_delivery(first, delivered_at=PLACED + timedelta(days=2))

    assert done.status == "delivered"
    # The return window counts from the day the last parcel arrived, not the latest call.
    assert done.delivered_at == PLACED + timedelta(days=3)
    assert OutboxEvent.objects.filter(topic="shipment.delivered").count() == 2
    assert OutboxEvent.objects.filter(topic="order.delivered").count() == 1


def test_a_delivered_parcel_of_a_partly_shipped_order_does_not_deliver_it(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]
    shipment = services.create_shipment(order, rotterdam, {tee.pk: 3}, "DHL", "A")

    after = services.confirm_delivery(shipment)

    assert after.status == "partially_fulfilled"
    shipment.refresh_from_db()
    assert shipment.delivered_at is not None


def test_delivery_is_confirmed_once_and_never_before_shipping(
    make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    tee = lines_of(order)["TEE-M"]
    shipment = services.create_shipment(
        order, rotterdam, {tee.pk: 1}, "DHL", "A", shipped_at=PLACED
    )

    with pytest.raises(ValidationError, match="before shipping"):
        services.confirm_delivery(shipment, delivered_at=PLACED - timedelta(hours=1))

    services.confirm_delivery(shipment, delivered_at=PLACED + timedelta(days=1))
    with pytest.raises(ValidationError, match="already confirmed delivered on 2025-03-02"):
        services.confirm_delivery(shipment)
