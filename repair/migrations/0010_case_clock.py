"""The running clocks of a case's due dates (docs/rules.md §13): the day counted from and
the working days counted, so that a provisional date is counted again when its year is
entered. Four nullable columns, then the clocks of objections filled in: an objection's
decision is due 5 working days (plus any extension) after receipt. Repair cases set
before this keep empty clocks (their start day is not stored) and are left as they are.
No index or foreign key is created here, so the row updates after the new columns are
safe on PostgreSQL."""

from django.db import migrations, models

OBJECTION_DAYS = 5  # repair.services.common.OBJECTION_DAYS when this was written


def objection_clocks(apps, schema_editor):
    Case = apps.get_model("repair", "Case")
    objections = Case.objects.filter(kind="objection", decision_due__isnull=False)
    for case in objections.only("pk", "received_on", "extension_days", "state").iterator():
        days = OBJECTION_DAYS + case.extension_days
        fields = {"decision_due_from": case.received_on, "decision_due_days": days}
        if case.state == "submitted":
            fields.update(due_from=case.received_on, due_days=days)
        Case.objects.filter(pk=case.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("repair", "0009_rule_editions_r1_r2_r4")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="decision_due_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="decision due in (working days)"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="decision_due_from",
            field=models.DateField(blank=True, null=True, verbose_name="decision counted from"),
        ),
        migrations.AddField(
            model_name="case",
            name="due_days",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="next step due in (working days)"
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="due_from",
            field=models.DateField(blank=True, null=True, verbose_name="next step counted from"),
        ),
        migrations.RunPython(objection_clocks, migrations.RunPython.noop, elidable=True),
    ]
