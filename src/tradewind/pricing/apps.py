from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "tradewind.pricing"
    label = "pricing"
    verbose_name = "Pricing"
