"""Every role exists after migrate, with the permissions its table grants."""

import pytest
from django.contrib.auth.models import Group, Permission

from tradewind.core.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_every_role_exists_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_owner_has_every_permission() -> None:
    assert Group.objects.get(name="Owner").permissions.count() == Permission.objects.count()


def test_support_looks_at_the_store_and_changes_only_customers_and_orders() -> None:
    support = codenames("Support")

    assert {"catalog.view_product", "markets.view_market", "pricing.view_priceoverride"} <= support
    assert {"customers.change_address", "orders.change_order"} <= support
    changes = {c for c in support if c.split(".")[1].startswith(("add_", "change_", "delete_"))}
    assert {c.split(".")[0] for c in changes} == {"customers", "orders"}
    assert not any(c.split(".")[1].startswith(("add_", "delete_")) for c in support)
    assert "auth.view_user" not in support


def test_operator_runs_markets_catalog_and_pricing() -> None:
    operator = codenames("Operator")

    assert {"markets.change_fxrate", "catalog.change_variant", "pricing.add_priceoverride"} <= (
        operator
    )
    assert "auth.change_user" not in operator


def test_marketer_edits_the_catalog_but_only_views_markets() -> None:
    marketer = codenames("Marketer")

    assert "catalog.change_product" in marketer
    assert "markets.view_market" in marketer
    assert "markets.change_market" not in marketer


def test_risk_has_no_pricing_access() -> None:
    assert not any(c.startswith("pricing.") for c in codenames("Risk"))


def test_sync_restores_a_role_tampered_with() -> None:
    planner = Group.objects.get(name="Planner")
    granted = set(planner.permissions.all())
    planner.permissions.add(Permission.objects.get(codename="delete_market"))
    Group.objects.filter(name="Risk").delete()

    sync_roles()

    assert set(planner.permissions.all()) == granted
    assert Group.objects.filter(name="Risk").exists()
