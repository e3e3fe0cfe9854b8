"""Seed the source departments, Zhejiang's divisions and the industry sections."""

from django.db import migrations


def seed(apps, schema_editor):
    from enterprises.reference import DEPARTMENTS, INDUSTRIES, REGIONS

    Department = apps.get_model("enterprises", "Department")
    Region = apps.get_model("enterprises", "Region")
    Industry = apps.get_model("enterprises", "Industry")
    for code, name_zh, name_en, level, centre in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "level": level, "is_credit_centre": centre},
        )
    for code, name_zh, name_en, level, parent in REGIONS:
        Region.objects.update_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "level": level, "parent_id": parent},
        )
    for code, name_zh, name_en in INDUSTRIES:
        Industry.objects.update_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
