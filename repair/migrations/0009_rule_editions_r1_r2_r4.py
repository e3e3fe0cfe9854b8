"""Brings the seeded rule editions to the rulings of docs/rules.md §6 (R1, R2, R4, R9):
Document 527's dates, the 2021 draft as reference only, minor information not published
under Orders 58 and 36, Zhejiang's five years as retention, SAMR's unpublished warnings
and clocks, the permanent penalty types. Touches only the editions and their publicity
rules (a few dozen rows); records are recomputed by ``manage.py recompute_publicity``."""

import datetime as dt

from django.db import migrations


def sync_editions(apps, schema_editor):
    from rules.reference import RULE_EDITIONS

    RuleEdition = apps.get_model("repair", "RuleEdition")
    PublicityRule = apps.get_model("repair", "PublicityRule")
    for data in RULE_EDITIONS:
        data = dict(data)
        rules = data.pop("rules")
        code = data.pop("code")
        for key in ("effective_from", "effective_until"):
            if data.get(key):
                data[key] = dt.date.fromisoformat(data[key])
        edition, _ = RuleEdition.objects.update_or_create(code=code, defaults=data)
        kept = []
        for info_kind, severity, months, published, repair_allowed, repair_min in rules:
            rule, _ = PublicityRule.objects.update_or_create(
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
            kept.append(rule.pk)
        PublicityRule.objects.filter(edition=edition).exclude(pk__in=kept).delete()


class Migration(migrations.Migration):
    dependencies = [("repair", "0008_rules_r1_r2_r4")]

    operations = [migrations.RunPython(sync_editions, migrations.RunPython.noop)]
