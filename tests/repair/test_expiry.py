"""The nightly expiry job (rules.md §6.4): ends publicity, never deletes, audits, rescores."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from enterprises.models import AuditEvent, CreditRecord, JobRun, Subject
from lists.models import CreditList, ListEntry
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from repair.services import records_expire
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date


def _listed(system, slug, subject, listed_on):
    credit_list = CreditList.objects.get(slug=slug)
    entry = list_entry_propose(
        actor=system, credit_list=credit_list, subject=subject, reason="r", proposed_on=listed_on
    )
    if credit_list.is_black:
        entry = list_entry_notify(
            actor=system, entry=entry, notified_on=listed_on - dt.timedelta(30)
        )
    return list_entry_list(actor=system, entry=entry, listed_on=listed_on)


def test_expiry_ends_publicity_once_and_catches_up(client, system_actor):
    subject = SubjectFactory()
    due = CreditRecordFactory(subject=subject, publicity_end=D(2026, 11, 20), title="已到期处罚")
    due_earlier = CreditRecordFactory(subject=subject, publicity_end=D(2026, 11, 14))
    today = CreditRecordFactory(subject=subject, publicity_end=D(2026, 11, 25))
    permanent = CreditRecordFactory(
        subject=subject, publicity_end=None, penalty_type="licence_revoked", fine_amount=None
    )
    entry = _listed(system_actor, "cn-class-a-taxpayers", subject, D(2025, 11, 1))
    assert entry.term_end == D(2026, 10, 31)
    Subject.objects.filter(pk=subject.pk).update(rescore_requested_at=None)
    assert due.title in client.get(f"/enterprises/{subject.uscc}/feed/").content.decode()

    # A week without runs: one run on 25 November catches up everything due before it.
    result = records_expire(on=D(2026, 11, 25))

    assert result.counts == {
        "records_expired": 2,
        "held_while_listed": 0,
        "entries_term_over": 1,
        "entries_fulfilled": 0,
        "entries_moved_on": 0,
        "entries_move_waiting": 0,
        "records_archived": 0,
    }
    states = dict(CreditRecord.objects.values_list("pk", "state"))
    assert states[due.pk] == states[due_earlier.pk] == "expired"
    assert states[today.pk] == states[permanent.pk] == "active"  # its last day is today
    assert not CreditRecord.objects.public().filter(pk=due.pk).exists()
    assert CreditRecord.objects.filter(pk=due.pk).exists()  # still there for officials
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason, entry.removed_on) == (
        "removed",
        "term_over",
        D(2026, 11, 25),
    )
    assert Subject.objects.get(pk=subject.pk).rescore_requested_at is not None
    # One audit row for the batch: every record with its previous state and end date.
    audit = AuditEvent.objects.get(object_type="enterprises.creditrecord", action="state")
    assert audit.actor_label == "system:expire_records"
    assert "2026-11-25" in audit.reason
    first, second = sorted([due.pk, due_earlier.pk])
    assert audit.object_id == f"{first}-{second}"
    assert audit.before == {
        "records": {
            str(due.pk): ["active", "2026-11-20"],
            str(due_earlier.pk): ["active", "2026-11-14"],
        }
    }
    assert audit.after == {"state": "expired", "records": [first, second]}
    assert due.title not in client.get(f"/enterprises/{subject.uscc}/feed/").content.decode()
    run = JobRun.objects.get(pk=result.job_id)
    assert run.status == "succeeded" and run.counts["records_expired"] == 2

    events = AuditEvent.objects.count()
    again = records_expire(on=D(2026, 11, 25))
    assert again.counts == {
        "records_expired": 0,
        "held_while_listed": 0,
        "entries_term_over": 0,
        "entries_fulfilled": 0,
        "entries_moved_on": 0,
        "entries_move_waiting": 0,
        "records_archived": 0,
    }
    assert AuditEvent.objects.count() == events


def test_expiry_in_batches_leaves_a_record_changed_meanwhile_alone(system_actor):
    subject = SubjectFactory()
    records = [
        CreditRecordFactory(subject=subject, publicity_end=D(2026, 11, 1) + dt.timedelta(days=n))
        for n in range(5)
    ]

    def revoke_after_first_batch(done: int, total: int) -> None:
        # Revoked after the job read the due list: the job must leave it alone.
        if done == 2:
            CreditRecord.objects.filter(pk=records[3].pk).update(state="revoked")

    result = records_expire(on=D(2026, 11, 25), batch_size=2, on_progress=revoke_after_first_batch)

    assert result.records == 4
    states = dict(CreditRecord.objects.values_list("pk", "state"))
    assert [states[r.pk] for r in records] == ["expired"] * 3 + ["revoked", "expired"]
    batches = AuditEvent.objects.filter(object_type="enterprises.creditrecord", action="state")
    assert batches.count() == 3  # batches of 2, 2 (one of them skipped: revoked) and 1
    assert sorted(pk for b in batches for pk in b.after["records"]) == sorted(
        r.pk for r in records if r.pk != records[3].pk
    )


def test_court_removal_falls_due_and_the_job_removes_it(system_actor):
    from lists.services import list_entry_obligation_fulfilled

    entry = _listed(system_actor, "cn-dishonest-judgment-debtors", SubjectFactory(), D(2026, 3, 2))
    list_entry_obligation_fulfilled(actor=system_actor, entry=entry, fulfilled_on=D(2026, 9, 30))
    assert records_expire(on=D(2026, 10, 9)).counts["entries_fulfilled"] == 0
    assert records_expire(on=D(2026, 10, 10)).counts["entries_fulfilled"] == 1
    assert ListEntry.objects.get(pk=entry.pk).removal_reason == "obligation_fulfilled"


def test_command_runs_the_job():
    CreditRecordFactory(publicity_end=D(2020, 1, 1), decision_date=D(2019, 1, 1))
    out = io.StringIO()
    call_command("expire_records", "--on", "2026-11-25", stdout=out)
    assert "records_expired=1" in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("expire_records", "--on", "25/11/2026")


def test_task_is_registered_and_scheduled_at_one():
    from creditsite.schedules import SCHEDULES
    from repair.tasks import expire_records_task

    schedule = SCHEDULES["expire-records-nightly"]
    assert schedule.task == expire_records_task.name == "repair.expire_records"
    assert (schedule.crontab.hour, schedule.crontab.minute) == ("1", "0")
    assert isinstance(expire_records_task.delay().get(), dict)
