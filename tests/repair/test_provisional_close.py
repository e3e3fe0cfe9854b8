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
