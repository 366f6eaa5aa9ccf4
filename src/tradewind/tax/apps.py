from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "tradewind.tax"
    label = "tax"
    verbose_name = "Tax & duties"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tradewind.tax.services import RULE_MODELS, invalidate_rules

        for model in RULE_MODELS:
            post_save.connect(invalidate_rules, sender=model, dispatch_uid=f"tax-rules-{model}")
            post_delete.connect(
                invalidate_rules, sender=model, dispatch_uid=f"tax-rules-del-{model}"
            )
