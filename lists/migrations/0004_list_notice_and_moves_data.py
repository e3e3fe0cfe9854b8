"""Data of 0003: notice only on the SAMR serious-violation list; the abnormal-operations
list without a term, moving unperformed entries after 36 months (rules.md §5.2, §5.3).
Its own migration so that 0003's foreign keys and indexes exist before rows change."""

from django.db import migrations

SAMR_SERIOUS = "cn-samr-serious-violation"
ABNORMAL = "cn-abnormal-operations"
SEEDED = [
    "cn-class-a-taxpayers",
    "cn-water-transport-red",
    "cn-dishonest-judgment-debtors",
    SAMR_SERIOUS,
    ABNORMAL,
    "zj-class-a-taxpayers",
    "zj-contract-abiding",
    "zj-dishonest-judgment-debtors",
    "zj-culture-tourism-black",
    "zj-eco-serious",
    "zj-production-safety-serious",
    "zj-wage-arrears",
]


def forwards(apps, schema_editor):
    CreditList = apps.get_model("lists", "CreditList")
    ListEntry = apps.get_model("lists", "ListEntry")
    CreditList.objects.filter(slug__in=SEEDED).exclude(slug=SAMR_SERIOUS).update(
        objection_working_days=0
    )
    CreditList.objects.filter(slug=SAMR_SERIOUS).update(objection_working_days=10)
    serious = CreditList.objects.filter(slug=SAMR_SERIOUS).first()
    CreditList.objects.filter(slug=ABNORMAL).update(
        term_months=None,
        moves_to=serious,
        moves_after_months=36 if serious else None,
        end_rule_text="Removed once the obligation is performed; after 3 years on it without "
        "performing, the enterprise is proposed for the SAMR serious-violation list.",
    )
    ListEntry.objects.filter(credit_list__slug=ABNORMAL, status="listed").update(term_end=None)


def backwards(apps, schema_editor):
    CreditList = apps.get_model("lists", "CreditList")
    CreditList.objects.filter(slug__in=SEEDED).update(objection_working_days=10)
    CreditList.objects.filter(slug=ABNORMAL).update(
        term_months=36, moves_to=None, moves_after_months=None
    )


class Migration(migrations.Migration):

    dependencies = [
        ('lists', '0003_list_notice_and_moves'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
