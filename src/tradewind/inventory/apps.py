from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "tradewind.inventory"
    label = "inventory"
    verbose_name = "Inventory"
