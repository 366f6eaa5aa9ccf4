from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "tradewind.orders"
    label = "orders"
    verbose_name = "Orders"
