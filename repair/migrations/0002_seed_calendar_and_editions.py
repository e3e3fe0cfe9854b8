"""Seed the working-day calendar from chinese-calendar and the rule editions."""

import datetime as dt

from django.db import migrations


def seed_calendar(apps, schema_editor):
    from chinese_calendar import constants

    CalendarDay = apps.get_model("repair", "CalendarDay")
    CalendarYear = apps.get_model("repair", "CalendarYear")
    rows = {}
    for day, holiday in constants.holidays.items():
        rows[day] = CalendarDay(date=day, kind="holiday", name=str(holiday))
    for day, holiday in constants.workdays.items():
        rows[day] = CalendarDay(date=day, kind="makeup", name=str(holiday))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([row for day, row in rows.items() if day not in existing])
    years = sorted({day.year for day in rows})
    for year in range(years[0], years[-1] + 1):
        CalendarYear.objects.update_or_create(
            year=year, defaults={"entered": True, "source": "chinese-calendar"}
        )


def seed_editions(apps, schema_editor):
    from rules.reference import RULE_EDITIONS

    RuleEdition = apps.get_model("repair", "RuleEdition")
    PublicityRule = apps.get_model("repair", "PublicityRule")
    # The reference data grows with later migrations' fields: take what this model has.
    known = {f.name for f in RuleEdition._meta.get_fields()}
    for data in RULE_EDITIONS:
        data = {k: v for k, v in data.items() if k in known or k == "rules"}
        rules = data.pop("rules")
        code = data.pop("code")
        for key in ("effective_from", "effective_until"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        edition, _ = RuleEdition.objects.update_or_create(code=code, defaults=data)
        for info_kind, severity, months, published, repair_allowed, repair_min in rules:
            PublicityRule.objects.update_or_create(
                edition=edition,
                info_kind=info_kind,
                severity=severity,
                defaults={
                    "publicity_months": months,
                    "published": published,
                    "repair_allowed": repair_allowed,
                    "repair_min_months": repair_min,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("repair", "0001_initial")]

    operations = [
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
        migrations.RunPython(seed_editions, migrations.RunPython.noop),
    ]
