from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "tradewind.storefront"
    label = "storefront"
    verbose_name = "Storefront"
