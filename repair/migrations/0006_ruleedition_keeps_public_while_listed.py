"""Zhejiang's rule that negative information stays public while its subject is on a
serious black list, as edition data (rules.md §6.4): the column only; the rows are set by
0007 (on PostgreSQL data changes stay out of a migration that changes the schema)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("repair", "0005_objection_to_refusal")]

    operations = [
        migrations.AddField(
            model_name="ruleedition",
            name="keeps_public_while_listed",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Zhejiang: a record whose publicity ends while its subject is on a serious "
                    "black list in force stays public until the listing ends."
                ),
                verbose_name="kept public while on a serious black list",
            ),
        ),
    ]
