from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "tradewind.shipping"
    label = "shipping"
    verbose_name = "Shipping"
