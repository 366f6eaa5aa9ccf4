from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tradewind.insights"
    label = "insights"
    verbose_name = "Customer insights"
