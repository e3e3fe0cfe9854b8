"""The State Taxation Administration's Zhejiang branch is a national department
(docs/rules.md §6.1): one row."""

from django.db import migrations


def forwards(apps, schema_editor):
    Department = apps.get_model("enterprises", "Department")
    Department.objects.filter(code="zj-tax").update(level="national")


def backwards(apps, schema_editor):
    Department = apps.get_model("enterprises", "Department")
    Department.objects.filter(code="zj-tax").update(level="provincial")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0010_rules_r1_r2_r4")]

    operations = [migrations.RunPython(forwards, backwards)]
