"""Notice before listing per list, and the abnormal-operations list without a term
(rules.md §5.2, §5.3).

Only the SAMR serious-violation list gives 10 working days' notice before listing; the
other seeded lists list without notice. The abnormal-operations list has no term: its
entries stay until the obligation is performed, and after 36 months listed they move onto
the SAMR serious-violation list. Listed abnormal-operations entries lose the 36-month
term end they were given, so the nightly job no longer removes them as "term over".
"""

import django.db.models.deletion
from django.db import migrations, models

# The data changes are in 0004: on PostgreSQL the foreign keys and indexes added here are
# created when this migration ends, which must not follow row updates in one transaction.
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


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0009_record_removals'),
        ('lists', '0002_seed_lists'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditlist',
            name='moves_after_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='move after (months listed)'),
        ),
        migrations.AddField(
            model_name='creditlist',
            name='moves_to',
            field=models.ForeignKey(blank=True, help_text='Abnormal operations: an entry listed this long without the obligation performed is proposed for the SAMR serious-violation list.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='moved_from_lists', to='lists.creditlist', verbose_name='unperformed entries move onto'),
        ),
        migrations.AddField(
            model_name='listentry',
            name='moved_from',
            field=models.ForeignKey(blank=True, help_text='The abnormal-operations entry whose 3 years on the list proposed this one.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='moved_to_entries', to='lists.listentry', verbose_name='moved from the entry'),
        ),
        migrations.AlterField(
            model_name='creditlist',
            name='objection_working_days',
            field=models.PositiveSmallIntegerField(default=0, help_text="Notice before listing, as the list's own basis sets it: 0 lists an entry without notice (court lists); SAMR serious-violation list: 10 working days.", verbose_name='working days to object before listing'),
        ),
        migrations.AddConstraint(
            model_name='creditlist',
            constraint=models.CheckConstraint(condition=models.Q(('moves_to__isnull', True), ('moves_after_months__gt', 0), _connector='OR'), name='credit_list_move_has_months', violation_error_message='Say after how many months entries move.'),
        ),
        migrations.AddConstraint(
            model_name='listentry',
            constraint=models.UniqueConstraint(condition=models.Q(('moved_from__isnull', False)), fields=('moved_from',), name='list_entry_moved_once'),
        ),
    ]
