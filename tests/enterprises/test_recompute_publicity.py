"""Recomputing the publicity of stored records under the editions as they are now
(docs/rules.md §6.8): dry run, batches, audit, tombstones, idempotence; and archiving after
the retention period (§6.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from core.models import JobRun
from enterprises.models import AuditEvent, CreditRecord, Department, RecordEdition, RecordRemoval
from enterprises.recompute import publicity_recompute
from repair.services import records_expire
from rules.models import RuleEdition
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 12, 2)


def _old(department_code, decision, severity, end, edition_code="zj-regulation-2018", **extra):
    """A record as the rules before 2026-12-02 left it: Zhejiang's 60 months stored."""
    record = CreditRecordFactory(
        subject=SubjectFactory(),
        department=Department.objects.get(code=department_code),
        decision_date=decision,
        severity=severity,
        publicity_end=end,
        **extra,
    )
    RecordEdition.objects.create(record=record, edition=RuleEdition.objects.get(code=edition_code))
    return record


@pytest.fixture
def old_records():
    return {
        # Provincial, general, decided 2025-06-01: 60 months → Order 58's 12 (past today).
        "general": _old("zj-eco", D(2025, 6, 1), "general", D(2030, 6, 1)),
        # Provincial, serious, decided 2026-04-01: 60 months → Order 36's 36.
        "serious": _old("zj-eco", D(2026, 4, 1), "serious", D(2031, 4, 1)),
        # The STA's Zhejiang branch, minor, decided 2026-04-01: not published now.
        "minor": _old("zj-tax", D(2026, 4, 1), "minor", D(2031, 4, 1)),
        # An end given by hand: no stored edition, left alone.
        "by_hand": CreditRecordFactory(
            department=Department.objects.get(code="zj-eco"),
            decision_date=D(2026, 4, 1),
            severity="general",
            publicity_end=D(2026, 10, 1),
        ),
    }


def test_dry_run_counts_and_writes_nothing(old_records):
    audit_before = AuditEvent.objects.count()
    result = publicity_recompute(dry_run=True, on=TODAY)
    assert (result.examined, result.changed, result.skipped_unrecorded) == (4, 3, 1)
    assert result.counts == {
        ("penalty", "cn-ndrc-order58-2023", "end_earlier"): 1,
        ("penalty", "cn-ndrc-order36-2026", "end_earlier"): 1,
        ("penalty", "cn-ndrc-order36-2026", "unpublished"): 1,
    }
    assert result.now_past_end == 1
    assert CreditRecord.objects.get(pk=old_records["general"].pk).publicity_end == D(2030, 6, 1)
    assert AuditEvent.objects.count() == audit_before
    assert JobRun.objects.get(pk=result.job_id).name == "recompute_publicity:dry-run"


def test_run_changes_audits_and_is_idempotent(old_records):
    result = publicity_recompute(on=TODAY, batch_size=2)
    assert result.changed == 3
    general = CreditRecord.objects.get(pk=old_records["general"].pk)
    serious = CreditRecord.objects.get(pk=old_records["serious"].pk)
    minor = CreditRecord.objects.get(pk=old_records["minor"].pk)
    by_hand = CreditRecord.objects.get(pk=old_records["by_hand"].pk)
    assert (general.state, general.publicity_end) == ("active", D(2026, 6, 1))
    assert (serious.state, serious.publicity_end) == ("active", D(2029, 4, 1))
    assert (minor.state, minor.publicity_end) == ("unpublished", D(2026, 4, 1))
    assert by_hand.publicity_end == D(2026, 10, 1)
    applied = RecordEdition.objects.get(record=serious)
    assert (applied.edition.code, applied.local_edition.code) == (
        "cn-ndrc-order36-2026",
        "zj-regulation-2018",
    )
    assert RecordEdition.objects.get(record=minor).unpublished_reason
    # The minor record left the public file: a tombstone for the feeds.
    assert RecordRemoval.objects.filter(record_id=minor.pk, reason="withdrawn").exists()
    # Batches of two: two audit rows, each saying what every record was.
    rows = AuditEvent.objects.filter(reason__contains="recomputed").order_by("pk")
    befores = {}
    for row in rows:
        befores.update(row.before["records"])
    assert befores[str(general.pk)] == ["active", "2030-06-01", "zj-regulation-2018"]
    assert len(befores) == 3
    # A second run finds nothing to change.
    again = publicity_recompute(on=TODAY)
    assert again.changed == 0
    assert AuditEvent.objects.filter(reason__contains="recomputed").count() == rows.count()
    # The past end is the expiry job's.
    records_expire(on=TODAY)
    assert CreditRecord.objects.get(pk=general.pk).state == "expired"


def test_include_unrecorded_takes_ends_without_an_edition(old_records):
    result = publicity_recompute(on=TODAY, include_unrecorded=True)
    assert result.changed == 4
    by_hand = CreditRecord.objects.get(pk=old_records["by_hand"].pk)
    assert by_hand.publicity_end == D(2027, 4, 1)


def test_the_command_prints_counts_per_kind_and_edition(old_records, capsys):
    call_command("recompute_publicity", "--dry-run")
    out = capsys.readouterr().out
    assert "would change" in out and "cn-ndrc-order36-2026" in out and "unpublished" in out


def test_archived_after_sixty_months_unless_listed(system_actor):
    from lists.models import CreditList
    from lists.services import list_entry_list, list_entry_notify, list_entry_propose

    expired = _old("zj-eco", D(2021, 11, 30), "general", D(2022, 11, 30), state="expired")
    recent = _old("zj-eco", D(2021, 12, 3), "general", D(2022, 12, 3), state="expired")
    listed = _old("zj-eco", D(2021, 6, 1), "general", D(2022, 6, 1), state="expired")
    credit_list = CreditList.objects.get(slug="zj-dishonest-judgment-debtors")
    entry = list_entry_propose(
        actor=system_actor,
        credit_list=credit_list,
        subject=listed.subject,
        reason="拒不履行",
        proposed_on=D(2026, 6, 1),
    )
    entry = list_entry_notify(actor=system_actor, entry=entry, notified_on=D(2026, 6, 1))
    list_entry_list(actor=system_actor, entry=entry, listed_on=D(2026, 6, 1))
    result = records_expire(on=TODAY)
    assert result.counts["records_archived"] == 1
    states = dict(CreditRecord.objects.values_list("pk", "state"))
    assert states[expired.pk] == "archived"  # decided 2021-11-30: retention over 2026-11-30
    assert states[recent.pk] == "expired"  # retained until 2026-12-03
    assert states[listed.pk] == "expired"  # the serious listing extends retention
    assert records_expire(on=TODAY).counts["records_archived"] == 0
