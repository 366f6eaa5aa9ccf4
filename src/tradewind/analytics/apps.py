from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tradewind.analytics"
    label = "analytics"
    verbose_name = "Analytics"
