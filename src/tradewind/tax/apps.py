from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "tradewind.tax"
    label = "tax"
    verbose_name = "Tax & duties"
