"""Staff roles as Django groups, kept in step with the models after every migration.

A role is a group whose permissions come from a declarative table, so adding an app
means adding a line here rather than clicking permissions together in the admin.
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

OWNER = "Owner"
OPERATOR = "Operator"
MARKETER = "Marketer"
PLANNER = "Planner"
RISK = "Risk"
SUPPORT = "Support"

ALL = "*"
VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")

# role -> {app_label: actions}; "*" grants every permission of every app.
ROLE_GRANTS: dict[str, dict[str, tuple[str, ...]] | str] = {
    OWNER: ALL,
    OPERATOR: {
        app: EDIT
        for app in (
            "markets",
            "catalog",
            "pricing",
            "tax",
            "inventory",
            "shipping",
            "customers",
            "orders",
            "payments",
        )
    },
    MARKETER: {"markets": VIEW, "catalog": EDIT, "pricing": EDIT, "customers": VIEW},
    PLANNER: {
        "markets": VIEW,
        "catalog": VIEW,
        "pricing": VIEW,
        "inventory": EDIT,
        "shipping": VIEW,
        "orders": VIEW,
    },
    RISK: {
        "markets": VIEW,
        "catalog": VIEW,
        "tax": VIEW,
        "customers": VIEW,
        "orders": VIEW,
        "payments": VIEW,
    },
    # Support answers shoppers: sees their orders and stock, fixes addresses, runs returns.
    SUPPORT: {
        "markets": VIEW,
        "catalog": VIEW,
        "pricing": VIEW,
        "inventory": VIEW,
        "shipping": VIEW,
        "customers": ("view", "change"),
        "orders": ("view", "change"),
        "payments": VIEW,
    },
}
ROLES = tuple(ROLE_GRANTS)


def permissions_for(role: str) -> list[Permission]:
    grants = ROLE_GRANTS[role]
    perms = Permission.objects.select_related("content_type")
    if grants == ALL:
        return list(perms)
    assert isinstance(grants, dict)
    return [
        p
        for p in perms.filter(content_type__app_label__in=list(grants))
        if p.codename.split("_", 1)[0] in grants[p.content_type.app_label]
    ]


def sync_roles() -> None:
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_for(role))


def sync_roles_after_migrate(app_config: AppConfig, using: str, **kwargs: Any) -> None:
    """Sync once per migrate, after every app's permissions exist.

    ``post_migrate`` is sent once per app with models, in INSTALLED_APPS order, and auth
    creates each app's permissions in its own receiver, so only the last app's signal
    sees them all; that app's permissions are created here first because receivers run
    in connection order and this one was connected before auth's.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not with_models[-1]:
        return
    create_permissions(app_config, verbosity=0, using=using)
    sync_roles()
