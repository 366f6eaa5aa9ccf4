from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "tradewind.customers"
    label = "customers"
    verbose_name = "Customers"
