"""Sets the Zhejiang editions' ``keeps_public_while_listed`` (rules.md §6.4). Touches only
the few edition rows."""

from django.db import migrations


def set_zhejiang(apps, schema_editor):
    RuleEdition = apps.get_model("repair", "RuleEdition")
    RuleEdition.objects.filter(jurisdiction="zhejiang").update(keeps_public_while_listed=True)


class Migration(migrations.Migration):
    dependencies = [("repair", "0006_ruleedition_keeps_public_while_listed")]

    operations = [migrations.RunPython(set_zhejiang, migrations.RunPython.noop)]
