from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "tradewind.payments"
    label = "payments"
    verbose_name = "Payments"
