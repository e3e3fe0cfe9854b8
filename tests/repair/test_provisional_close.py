"""The nightly job does not close a repair whose provisional publication end falls inside a
statutory holiday (rules.md §13): 2027 is not entered; Friday 1 October 2027 is National
Day, so the job treats the end as Monday 4 October."""

from __future__ import annotations

import datetime as dt

import pytest

from repair import services
from repair.models import Case, CaseKind, CaseState

pytestmark = pytest.mark.django_db

D = dt.date


def test_repair_with_provisional_publication_end_on_national_day_2027_closes_after_it(
    subject, department
):
    case = Case.objects.create(
        kind=CaseKind.REPAIR,
        reference="R-2027-000001",
        access_code_hash="x" * 64,
        subject=subject,
        department=department,
        contact_name="张三",
        contact_email="zhang@example.org",
        received_on=D(2027, 9, 1),
        state=CaseState.PUBLISHED,
        carried_out_on=D(2027, 9, 24),
        publication_ends=D(2027, 10, 1),
    )
    for day in (D(2027, 10, 2), D(2027, 10, 3), D(2027, 10, 4)):
        counts = services.case_deadlines_remind(on=day)
        assert (counts["closed"], counts["held_provisional"]) == (0, 1)
        case.refresh_from_db()
        assert case.state == CaseState.PUBLISHED
    counts = services.case_deadlines_remind(on=D(2027, 10, 5))
    assert (counts["closed"], counts["held_provisional"]) == (1, 0)
    case.refresh_from_db()
    assert (case.state, case.closed_on) == (CaseState.CLOSED, D(2027, 10, 5))


def test_emails_mark_a_provisional_due_date(subject, department, record, reviewer):
    from django.core import mail
    from django.utils import translation

    from .conftest import committing, pdf

    # Received Wednesday 30 December 2026: 2 working days are 31 December and Monday
    # 4 January 2027 (1 January is a statutory holiday; 2027 is not entered).
    with translation.override("en"), committing():
        case, _code = services.repair_application_submit(
            subject=subject,
            records=[record],
            contact_name="x",
            contact_email="x@example.org",
            files=[("opinion", pdf()), ("commitment", pdf())],
            on=D(2026, 12, 30),
        )
    assert (case.due_on, case.due_provisional) == (D(2027, 1, 4), True)
    mark = "2027-01-04 (provisional: the holiday calendar of that year is not published yet)"
    assert any(mark in m.body for m in mail.outbox if m.to == ["x@example.org"])
    mail.outbox.clear()
    with translation.override("en"):
        services.case_deadlines_remind(on=D(2026, 12, 31))
    (reminder,) = [m for m in mail.outbox if m.to == ["reviewer@example.org"]]
    assert f"{case.reference}" in reminder.body and mark in reminder.body
