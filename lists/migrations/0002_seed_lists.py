"""Seed the disciplinary-measures editions and the lists the thesis names."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from lists.reference import CREDIT_LISTS, MEASURE_EDITIONS, MEASURES

    Department = apps.get_model("enterprises", "Department")
    Edition = apps.get_model("lists", "DisciplinaryMeasureEdition")
    Measure = apps.get_model("lists", "DisciplinaryMeasure")
    CreditList = apps.get_model("lists", "CreditList")
    editions = {}
    for code, jurisdiction, name_zh, name_en, issuer, start, url, supplements in MEASURE_EDITIONS:
        editions[code], _ = Edition.objects.update_or_create(
            code=code,
            defaults={
                "jurisdiction": jurisdiction,
                "name_zh": name_zh,
                "name_en": name_en,
                "issuer": issuer,
                "effective_from": dt.date.fromisoformat(start),
                "source_url": url,
                "supplements": editions.get(supplements) if supplements else None,
            },
        )
    measures = {}
    for edition, number, code, category, name_zh, name_en, extends in MEASURES:
        measures[code], _ = Measure.objects.update_or_create(
            edition=editions[edition],
            code=code,
            defaults={
                "number": number,
                "category": category,
                "name_zh": name_zh,
                "name_en": name_en,
                "extends": measures[extends[1]] if extends else None,
            },
        )
    departments = {d.code: d for d in Department.objects.all()}
    for position, data in enumerate(CREDIT_LISTS):
        data = dict(data)
        codes = data.pop("measures")
        slug = data.pop("slug")
        data["authority"] = departments[data.pop("authority")]
        credit_list, _ = CreditList.objects.update_or_create(
            slug=slug, defaults={**data, "position": position}
        )
        credit_list.measures.set([measures[code] for code in codes])


class Migration(migrations.Migration):
    dependencies = [("lists", "0001_initial"), ("enterprises", "0003_record_indexes_validators")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
