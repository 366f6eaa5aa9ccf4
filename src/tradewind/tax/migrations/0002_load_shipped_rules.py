from django.db import migrations


def load(apps, schema_editor):
    from tradewind.tax.loading import RuleModels, sync_rules

    sync_rules(
        RuleModels(
            apps.get_model("tax", "Jurisdiction"),
            apps.get_model("tax", "TaxRate"),
            apps.get_model("tax", "DutyRate"),
            apps.get_model("tax", "Threshold"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("tax", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
