from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "tradewind.checkout"
    label = "checkout"
    verbose_name = "Checkout"
