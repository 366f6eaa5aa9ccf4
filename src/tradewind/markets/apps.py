from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "tradewind.markets"
    label = "markets"
    verbose_name = "Markets & currencies"
