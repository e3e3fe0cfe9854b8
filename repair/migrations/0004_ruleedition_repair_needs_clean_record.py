"""Zhejiang's repair condition as edition data: no new negative information between the
decision and the application (rules.md §8.1). Touches only the few edition rows."""

from django.db import migrations, models


def set_zhejiang(apps, schema_editor):
    RuleEdition = apps.get_model("repair", "RuleEdition")
    RuleEdition.objects.filter(jurisdiction="zhejiang").update(repair_needs_clean_record=True)


class Migration(migrations.Migration):
    dependencies = [("repair", "0003_objections_and_repair")]

    operations = [
        migrations.AddField(
            model_name="ruleedition",
            name="repair_needs_clean_record",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Zhejiang: no new negative information may arise between the decision "
                    "and the application for repair."
                ),
                verbose_name="repair needs a clean record since the decision",
            ),
        ),
        migrations.RunPython(set_zhejiang, migrations.RunPython.noop),
    ]
