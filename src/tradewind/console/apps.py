from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tradewind.console"
    label = "console"
    verbose_name = "Console"
