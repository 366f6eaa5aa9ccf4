from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tradewind.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from tradewind.catalog import signals

        signals.connect()
