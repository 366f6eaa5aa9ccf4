from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tradewind.core"
    label = "core"
    verbose_name = "Staff & roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tradewind.core import roles

        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="tradewind.sync_roles")
