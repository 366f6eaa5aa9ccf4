"""Staff find orders by number, email or SKU, and change their status only through
actions that go through the lifecycle."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tradewind.core.models import OutboxEvent
from tradewind.inventory.models import Warehouse
from tradewind.orders import services
from tradewind.orders.models import Order, ReturnRequest
from tradewind.orders.tests.conftest import PLACED, MakeOrder, delivered, lines_of, paid

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:orders_order_changelist")
RETURNS = reverse("admin:orders_returnrequest_changelist")


def act(client, url: str, action: str, *objects) -> list[str]:
    response = client.post(
        url,
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_orders_are_found_by_sku_number_and_email(admin_client, make_order: MakeOrder) -> None:
    order = make_order()

    for term in ("CAP-1", order.number, "ana@example"):
        page = admin_client.get(CHANGELIST, {"q": term}).content.decode()
        assert order.number in page
    assert order.number not in admin_client.get(CHANGELIST, {"q": "NOPE-9"}).content.decode()


def test_the_list_filters_by_status(admin_client, make_order: MakeOrder) -> None:
    waiting, done = make_order(), paid(make_order())

    page = admin_client.get(CHANGELIST, {"status__exact": "paid"}).content.decode()

    assert done.number in page and waiting.number not in page


def test_the_status_cannot_be_edited_by_hand(admin_client, make_order: MakeOrder) -> None:
    order = make_order()
    url = reverse("admin:orders_order_change", args=[order.pk])

    page = admin_client.get(url).content.decode()
    assert 'name="status"' not in page
    assert 'name="email"' in page
    assert "Card captured" not in page  # no history yet

    paid(order)
    assert "Card captured" in admin_client.get(url).content.decode()


def test_marking_paid_in_the_admin_goes_through_the_lifecycle(
    admin_client, admin_user, make_order: MakeOrder
) -> None:
    order = make_order()

    messages = act(admin_client, CHANGELIST, "mark_paid", order)

    assert messages == ["1 order(s) marked as paid."]
    record = order.transitions.get()
    assert (record.to_status, record.actor) == ("paid", admin_user)
    assert OutboxEvent.objects.filter(topic="order.paid").exists()


def test_an_illegal_admin_action_is_explained_not_applied(
    admin_client, make_order: MakeOrder
) -> None:
    order = make_order()
    services.cancel(order)

    messages = act(admin_client, CHANGELIST, "mark_paid", order)

    assert messages == [
        f"{order.number}: An order that is 'cancelled' is final and cannot become 'paid'."
    ]
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_delivery_and_return_handling_from_the_admin(
    admin_client, admin_user, make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = paid(make_order())
    everything = {line.pk: line.quantity for line in order.lines.all()}
    services.create_shipment(order, rotterdam, everything, "DHL", "A")

    assert act(admin_client, CHANGELIST, "confirm_deliveries", order) == [
        "1 order(s) confirmed delivered."
    ]
    order.refresh_from_db()
    assert order.status == "delivered"
    request = services.request_return(order, {lines_of(order)["CAP-1"].pk: 1}, "damaged")

    act(admin_client, RETURNS, "approve", request)
    approved = OutboxEvent.objects.get(topic="return.approved")
    assert approved.payload["actor"] == admin_user.username
    act(admin_client, RETURNS, "receive_write_off", request)
    act(admin_client, RETURNS, "request_refund", request)

    request.refresh_from_db()
    assert request.status == "refund_requested"
    assert request.refund_amount == 15
    assert list(request.lines.values_list("restock", flat=True)) == [False]


def test_the_return_list_filters_by_reason(
    admin_client, make_order: MakeOrder, rotterdam: Warehouse
) -> None:
    order = delivered(make_order(), rotterdam, PLACED + timedelta(days=1))
    services.request_return(
        order, {lines_of(order)["TEE-M"].pk: 1}, "too_big", now=PLACED + timedelta(days=2)
    )

    assert order.number in admin_client.get(RETURNS, {"reason__exact": "too_big"}).content.decode()
    assert (
        order.number not in admin_client.get(RETURNS, {"reason__exact": "damaged"}).content.decode()
    )
    assert ReturnRequest.objects.count() == 1


def test_orders_cannot_be_added_or_deleted_in_the_admin(admin_client) -> None:
    assert admin_client.get(reverse("admin:orders_order_add")).status_code == 403
    assert Order.objects.count() == 0
