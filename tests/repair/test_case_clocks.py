"""Provisional due dates of cases are counted again when their year is entered (rules.md
§13), from the clock stored with them; each change is audited. 2027 is not entered in the
seeded calendar: its statutory holidays are skipped (National Day 1–3 October), its
extra rest days and make-up days are not known."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from core.actors import Actor
from enterprises.models import AuditEvent, JobRun
from repair import services
from repair.models import CalendarDay, CalendarYear, Case
from tests.factories import CreditRecordFactory

from .conftest import committing, pdf

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def enter_2027() -> None:
    """The State Council's calendar for 2027 as an official would type it in: National Day
    1–7 October off, Saturday 9 October a make-up working day."""
    with committing():
        for day in range(1, 8):
            CalendarDay.objects.create(date=D(2027, 10, day), kind="holiday", name="国庆节")
        CalendarDay.objects.create(date=D(2027, 10, 9), kind="makeup", name="国庆节调休")
        CalendarYear.objects.create(year=2027, entered=True, source="国务院办公厅通知")


def object_to(record, on: dt.date) -> Case:
    case, _code = services.objection_submit(
        subject=record.subject,
        records=[record],
        grounds="factual_error",
        explanation="处罚金额有误",
        contact_name="李四",
        contact_email="li@example.org",
        on=on,
    )
    return case


def test_an_objection_due_date_is_recounted_when_2027_is_entered(subject, department):
    record = CreditRecordFactory(
        subject=subject,
        department=department,
        decision_date=D(2027, 3, 1),
        publicity_end=D(2028, 3, 1),
    )
    case = object_to(record, D(2027, 9, 28))
    # Tuesday 28 September: 29, 30 September, (1–3 October statutory), 4, 5, 6 October.
    assert (case.due_on, case.due_provisional) == (D(2027, 10, 6), True)
    assert (case.decision_due, case.decision_due_provisional) == (D(2027, 10, 6), True)
    assert (case.due_from, case.due_days) == (D(2027, 9, 28), 5)
    assert (case.decision_due_from, case.decision_due_days) == (D(2027, 9, 28), 5)

    enter_2027()

    case.refresh_from_db()
    # 29, 30 September, (1–7 October off), 8, Saturday 9 (make-up), Monday 11 October.
    assert (case.due_on, case.due_provisional) == (D(2027, 10, 11), False)
    assert (case.decision_due, case.decision_due_provisional) == (D(2027, 10, 11), False)
    audit = AuditEvent.objects.filter(object_type="repair.case", object_id=str(case.pk)).last()
    assert audit.actor_label == "system:provisional_deadlines_recompute"
    assert "2027-10-06" in audit.reason and "2027-10-11" in audit.reason
    assert audit.before["due_on"] == "2027-10-06" and audit.after["due_on"] == "2027-10-11"
    job = JobRun.objects.filter(name="provisional_deadlines_recompute").latest("pk")
    assert job.counts["case_deadlines_changed"] == 1
    assert job.counts["case_deadlines_checked"] == 2


def test_an_extended_objection_counts_its_extension_again(subject, department, reviewer):
    record = CreditRecordFactory(
        subject=subject, department=department, decision_date=D(2027, 3, 1)
    )
    case = object_to(record, D(2027, 9, 20))
    services.objection_extend(
        actor=Actor.for_user(reviewer), case=case, days=10, reason="需要现场核查"
    )
    case.refresh_from_db()
    # Monday 20 September + 15 working days, Mid-Autumn (Wednesday 15 September) before
    # it and 1–3 October skipped: 21–24, 27–30 September, 4–8, 11, 12 October.
    assert (case.due_on, case.due_from, case.due_days) == (D(2027, 10, 12), D(2027, 9, 20), 15)
    enter_2027()
    case.refresh_from_db()
    # 21–24, 27–30 September, 8, 9 (make-up), 11–15 October.
    assert (case.due_on, case.due_provisional) == (D(2027, 10, 15), False)
    assert case.decision_due == D(2027, 10, 15)


def test_a_published_repair_and_its_decision_due_date_are_recounted(subject, department, reviewer):
    record = CreditRecordFactory(
        subject=subject,
        department=department,
        decision_date=D(2027, 1, 4),
        publicity_end=D(2028, 1, 4),
    )
    case, _code = services.repair_application_submit(
        subject=subject,
        records=[record],
        contact_name="李四",
        contact_email="li@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
        on=D(2027, 9, 27),
    )
    actor = Actor.for_user(reviewer)
    services.repair_accept(actor=actor, case=case, on=D(2027, 9, 28))
    services.repair_decide(actor=actor, case=case, grant=True, reasons="同意", on=D(2027, 9, 29))
    services.repair_carry_out(actor=actor, case=case, on=D(2027, 9, 30))
    case.refresh_from_db()
    # Decision due 15 working days after Tuesday 28 September, 1–3 October skipped.
    assert (case.decision_due, case.decision_due_provisional) == (D(2027, 10, 20), True)
    # Published Thursday 30 September for 5 working days: 4–8 October.
    assert (case.publication_ends, case.due_on, case.due_provisional) == (
        D(2027, 10, 8),
        D(2027, 10, 8),
        True,
    )

    enter_2027()

    case.refresh_from_db()
    # 29, 30 September, 8, 9 (make-up), 11–15, 18–22, 25 October.
    assert (case.decision_due, case.decision_due_provisional) == (D(2027, 10, 25), False)
    # 8, 9 (make-up), 11, 12, 13 October.
    assert (case.publication_ends, case.due_on, case.due_provisional) == (
        D(2027, 10, 13),
        D(2027, 10, 13),
        False,
    )


def test_a_due_date_without_a_clock_is_left_and_counted(subject, department):
    record = CreditRecordFactory(subject=subject, department=department)
    case = object_to(record, D(2027, 9, 28))
    # A case whose date was set before clocks were stored (and not filled in by 0010).
    Case.objects.filter(pk=case.pk).update(
        due_from=None, due_days=None, decision_due_from=None, decision_due_days=None
    )
    enter_2027()
    case.refresh_from_db()
    assert (case.due_on, case.due_provisional) == (D(2027, 10, 6), True)
    job = JobRun.objects.filter(name="provisional_deadlines_recompute").latest("pk")
    assert job.counts["case_deadlines_no_clock"] == 2
    assert job.counts["case_deadlines_changed"] == 0


def test_the_command_recounts_cases_too(subject, department):
    record = CreditRecordFactory(subject=subject, department=department)
    case = object_to(record, D(2027, 9, 28))
    # The year entered without the recount (rows loaded raw), then the operator runs it.
    for day in range(1, 8):
        CalendarDay.objects.create(date=D(2027, 10, day), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=D(2027, 10, 9), kind="makeup", name="国庆节调休")
    CalendarYear.objects.bulk_create([CalendarYear(year=2027, entered=True, source="raw")])
    call_command("recompute_provisional_deadlines", stdout=StringIO())
    case.refresh_from_db()
    assert (case.due_on, case.due_provisional) == (D(2027, 10, 11), False)
    # A second run finds nothing to change.
    call_command("recompute_provisional_deadlines", stdout=StringIO())
    job = JobRun.objects.filter(name="provisional_deadlines_recompute").latest("pk")
    assert job.counts["case_deadlines_changed"] == 0


def test_migration_fills_in_the_clocks_of_objections(subject, department):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("repair.migrations.0010_case_clock")
    record = CreditRecordFactory(subject=subject, department=department)
    case = object_to(record, D(2027, 9, 28))
    Case.objects.filter(pk=case.pk).update(
        extension_days=3,
        due_from=None,
        due_days=None,
        decision_due_from=None,
        decision_due_days=None,
    )
    migration.objection_clocks(apps, None)
    case.refresh_from_db()
    assert (case.due_from, case.due_days) == (D(2027, 9, 28), 8)
    assert (case.decision_due_from, case.decision_due_days) == (D(2027, 9, 28), 8)
