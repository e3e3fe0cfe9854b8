"""No job acts on a provisional deadline inside a statutory holiday (rules.md §13): 2027 is
not entered, so its deadlines are provisional; one that falls on National Day 2027 (1–3
October) holds until the next working day, Monday 4 October."""

from __future__ import annotations

import datetime as dt

import pytest

from lists.exceptions import ListingNotAllowed
from lists.models import CreditList, ListEntry
from lists.services import (
    list_entries_expire,
    list_entry_list,
    list_entry_notify,
    list_entry_obligation_fulfilled,
    list_entry_propose,
)
from repair.models import CalendarYear
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_listing_waits_past_a_provisional_notice_deadline_inside_national_day_2027(system):
    assert not CalendarYear.objects.filter(year=2027, entered=True).exists()
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="提供虚假材料骗取登记",
        proposed_on=D(2027, 9, 10),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2027, 9, 14))
    # A deadline stored as Saturday 2 October 2027, provisional (e.g. counted before the
    # statutory holidays were).
    ListEntry.objects.filter(pk=entry.pk).update(
        objection_deadline=D(2027, 10, 2), objection_deadline_provisional=True
    )
    entry.refresh_from_db()
    for day in (D(2027, 10, 2), D(2027, 10, 3), D(2027, 10, 4)):
        with pytest.raises(ListingNotAllowed) as excinfo:
            list_entry_list(actor=system, entry=entry, listed_on=day)
        assert excinfo.value.field == "listed_on"
        assert "2027-10-04" in str(excinfo.value)
    entry = list_entry_list(actor=system, entry=entry, listed_on=D(2027, 10, 5))
    assert (entry.status, entry.listed_on) == ("listed", D(2027, 10, 5))


def test_a_provisional_deadline_not_on_a_statutory_holiday_is_kept(system):
    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="提供虚假材料骗取登记",
        proposed_on=D(2027, 9, 10),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2027, 9, 14))
    # 16, 17, 20–24, 27–29 September (Mid-Autumn, Wednesday 15 September, skipped).
    assert (entry.objection_deadline, entry.objection_deadline_provisional) == (
        D(2027, 9, 29),
        True,
    )
    entry = list_entry_list(actor=system, entry=entry, listed_on=D(2027, 9, 30))
    assert entry.status == "listed"


def test_removal_job_waits_past_a_provisional_removal_date_inside_national_day_2027(
    system, make_listed
):
    entry = make_listed("cn-dishonest-judgment-debtors", listed_on=D(2027, 6, 1))
    entry = list_entry_obligation_fulfilled(actor=system, entry=entry, fulfilled_on=D(2027, 9, 27))
    ListEntry.objects.filter(pk=entry.pk).update(
        removal_due=D(2027, 10, 1), removal_due_provisional=True
    )
    for day in (D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)):
        counts = list_entries_expire(on=day, actor=system)
        assert counts["entries_fulfilled"] == 0
        assert ListEntry.objects.get(pk=entry.pk).status == "listed"
    counts = list_entries_expire(on=D(2027, 10, 4), actor=system)
    assert counts["entries_fulfilled"] == 1
    assert ListEntry.objects.get(pk=entry.pk).removed_on == D(2027, 10, 4)


def test_entering_2027_recomputes_the_stored_provisional_deadlines_and_logs_them(
    system, make_listed, django_capture_on_commit_callbacks
):
    from enterprises.models import AuditEvent, JobRun
    from repair.models import CalendarDay

    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="提供虚假材料骗取登记",
        proposed_on=D(2027, 9, 20),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2027, 9, 23))
    # 24, 27–30 September, 1 October statutory, 4–8 October.
    assert (entry.objection_deadline, entry.objection_deadline_provisional) == (
        D(2027, 10, 8),
        True,
    )
    removal = make_listed("cn-dishonest-judgment-debtors", listed_on=D(2027, 6, 1))
    removal = list_entry_obligation_fulfilled(
        actor=system, entry=removal, fulfilled_on=D(2027, 9, 29)
    )
    assert (removal.removal_due, removal.removal_due_provisional) == (D(2027, 10, 5), True)
    # The official calendar of 2027 (as an official might enter it): 1–7 October off,
    # Sunday 26 September and Saturday 9 October worked.
    for day in range(1, 8):
        CalendarDay.objects.create(date=D(2027, 10, day), kind="holiday", name="National Day")
    for day in (D(2027, 9, 26), D(2027, 10, 9)):
        CalendarDay.objects.create(date=day, kind="makeup", name="National Day")
    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.create(year=2027, entered=True, source="State Council notice")
    entry.refresh_from_db()
    # 24, Sunday 26, 27–30 September; 8, Saturday 9, 11, 12 October.
    assert (entry.objection_deadline, entry.objection_deadline_provisional) == (
        D(2027, 10, 12),
        False,
    )
    removal.refresh_from_db()
    # 30 September; 8 and Saturday 9 October.
    assert (removal.removal_due, removal.removal_due_provisional) == (D(2027, 10, 9), False)
    run = JobRun.objects.get(name="provisional_deadlines_recompute")
    assert run.status == "succeeded"
    # The run's counts of list entries (cases are counted beside them, rules.md §13).
    assert {k: v for k, v in run.counts.items() if k.startswith("list_")} == {
        "list_deadlines_checked": 2,
        "list_deadlines_changed": 2,
    }
    assert run.counts["case_deadlines_changed"] == 0
    logged = AuditEvent.objects.filter(object_type="lists.listentry", object_id=str(entry.pk))
    assert any("2027-10-08 → 2027-10-12" in e.reason for e in logged)
    # Run again: nothing provisional is left.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarYear.objects.filter(year=2027).get().save()
    counts = JobRun.objects.filter(name="provisional_deadlines_recompute").latest("pk").counts
    assert counts["list_deadlines_checked"] == counts["list_deadlines_changed"] == 0


def test_the_command_recomputes_by_hand(system):
    from io import StringIO

    from django.core.management import call_command

    entry = list_entry_propose(
        actor=system,
        credit_list=CreditList.objects.get(slug="cn-samr-serious-violation"),
        subject=SubjectFactory(),
        reason="提供虚假材料骗取登记",
        proposed_on=D(2027, 9, 20),
    )
    entry = list_entry_notify(actor=system, entry=entry, notified_on=D(2027, 9, 23))
    # A deadline stored before the statutory holidays were counted (weekends alone).
    ListEntry.objects.filter(pk=entry.pk).update(objection_deadline=D(2027, 10, 7))
    out = StringIO()
    call_command("recompute_provisional_deadlines", stdout=out)
    entry.refresh_from_db()
    assert (entry.objection_deadline, entry.objection_deadline_provisional) == (
        D(2027, 10, 8),
        True,
    )
    assert "list_deadlines_changed=1" in out.getvalue()


def test_loading_calendar_rows_as_they_are_recomputes_nothing(django_capture_on_commit_callbacks):
    # A restored database or a fixture saves rows raw: no deadline changes, no job run.
    from django.core import serializers

    from core.models import JobRun

    year = CalendarYear.objects.get(year=2026)
    dumped = serializers.serialize("json", [year])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for obj in serializers.deserialize("json", dumped):
            obj.save()
    assert callbacks == []
    assert not JobRun.objects.filter(name="provisional_deadlines_recompute").exists()
