"""Warehouses and stock are run from the admin; every count change goes to the ledger."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from tradewind.catalog.models import Variant
from tradewind.inventory import services
from tradewind.inventory.models import MarketWarehouse, Stock, StockMovement, Warehouse
from tradewind.inventory.tests.conftest import MakeVariant, put, stock_of
from tradewind.markets.models import Market

pytestmark = pytest.mark.django_db

STOCK_LIST = reverse("admin:inventory_stock_changelist")
ADD_STOCK = reverse("admin:inventory_stock_add")


def test_warehouse_is_added_with_the_markets_it_serves(admin_client, market: Market) -> None:
    response = admin_client.post(
        reverse("admin:inventory_warehouse_add"),
        {
            "code": "sg-sin",
            "name": "Singapore forward",
            "kind": "forward",
            "country": "SG",
            "city": "Singapore",
            "handling_days": "2",
            "is_active": "on",
            "market_links-TOTAL_FORMS": "1",
            "market_links-INITIAL_FORMS": "0",
            "market_links-0-market": market.pk,
            "market_links-0-priority": "3",
        },
    )

    assert response.status_code == 302
    link = MarketWarehouse.objects.get()
    assert (link.warehouse.code, link.market, link.priority) == ("sg-sin", market, 3)


def test_unknown_warehouse_country_is_a_field_error(admin_client) -> None:
    response = admin_client.post(
        reverse("admin:inventory_warehouse_add"),
        {
            "code": "x",
            "name": "X",
            "kind": "central",
            "country": "XX",
            "city": "X",
            "handling_days": "1",
            "market_links-TOTAL_FORMS": "0",
            "market_links-INITIAL_FORMS": "0",
        },
    )

    assert "country" in response.context["adminform"].form.errors
    assert not Warehouse.objects.exists()


def test_stock_added_in_the_admin_is_a_logged_restock(
    admin_client, tee: Variant, rotterdam: Warehouse
) -> None:
    response = admin_client.post(
        ADD_STOCK,
        {"variant": tee.pk, "warehouse": rotterdam.pk, "change_by": "12", "note": "First delivery"},
    )

    assert response.status_code == 302
    assert stock_of(tee, rotterdam) == (12, 0)
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.reason, movement.note) == (12, "restock", "First delivery")


def test_removing_reserved_units_is_a_field_error(
    admin_client, market: Market, tee: Variant, rotterdam: Warehouse
) -> None:
    stock = put(tee, rotterdam, on_hand=5)
    services.reserve([(tee.id, 4)], market, reference="WEB-1")
    change = reverse("admin:inventory_stock_change", args=[stock.pk])

    refused = admin_client.post(change, {"change_by": "-2", "note": "Broken"})
    accepted = admin_client.post(change, {"change_by": "-1", "note": "Broken"})

    assert refused.context["adminform"].form.errors["change_by"] == [
        "Only 1 units are free to remove; the rest are reserved."
    ]
    assert accepted.status_code == 302
    assert stock_of(tee, rotterdam) == (4, 4)
    assert list(StockMovement.objects.values_list("delta", "reason")) == [(-1, "adjustment")]


def test_stock_list_finds_low_stock_and_searches_by_sku(
    admin_client, make_variant: MakeVariant, rotterdam: Warehouse
) -> None:
    put(make_variant("TEE-S"), rotterdam, on_hand=3)
    put(make_variant("TEE-M"), rotterdam, on_hand=80)
    put(make_variant("CAP"), rotterdam, on_hand=2, allocated=2)

    def listed(**query: str) -> list[str]:
        rows = admin_client.get(STOCK_LIST, query).context["cl"].result_list
        return sorted(row.variant.sku for row in rows)

    assert listed(availability="low") == ["TEE-S"]
    assert listed(availability="out") == ["CAP"]
    assert listed(q="tee") == ["TEE-M", "TEE-S"]
    assert listed(warehouse__id__exact=str(rotterdam.pk)) == ["CAP", "TEE-M", "TEE-S"]


@pytest.mark.parametrize("model", ["reservation", "stockmovement"])
def test_reservations_and_movements_are_read_only(admin_client, model: str) -> None:
    assert admin_client.get(reverse(f"admin:inventory_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:inventory_{model}_add")).status_code == 403


def test_view_only_staff_see_stock_but_cannot_change_it(tee: Variant, rotterdam: Warehouse) -> None:
    stock = put(tee, rotterdam, on_hand=5)
    viewer = User.objects.create_user("support@example.com", password="x", is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="inventory", codename__startswith="view")
    )
    client = Client()
    client.force_login(viewer)
    change = reverse("admin:inventory_stock_change", args=[stock.pk])

    assert client.get(STOCK_LIST).status_code == 200
    assert client.post(change, {"change_by": "10"}).status_code == 403
    assert stock_of(tee, rotterdam) == (5, 0)
    assert Stock.objects.count() == 1
