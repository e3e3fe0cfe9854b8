"""SAMR Order 45 clocks (rules.md §6.7): a market-regulation penalty is published within
20 working days of the decision and withdrawn within 3 working days once the decision is
revoked; officials see the late and overdue ones, their own department's only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.actors import Actor
from enterprises.models import AuditEvent, CreditRecord, Department, RecordState
from enterprises.order45 import (
    LATE,
    WITHDRAWAL_OVERDUE,
    order45_overdue,
    record_order45_clock,
)
from enterprises.services import record_create, record_update
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory, make_officer

pytestmark = pytest.mark.django_db

RECORDS = "admin:enterprises_creditrecord_changelist"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def amr(db) -> Department:
    return Department.objects.get(code="zj-amr")  # market regulation: SAMR's editions


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _penalty(department, decided, entered, title="处罚", **extra):
    extra.setdefault("publicity_end", decided + dt.timedelta(days=365))
    record = CreditRecordFactory(department=department, decision_date=decided, title=title, **extra)
    CreditRecord.objects.filter(pk=record.pk).update(created_at=_at(entered))
    record.refresh_from_db()
    return record


# --- publication within 20 working days ------------------------------------------------


def test_publication_deadline_twenty_working_days_after_the_decision(amr):
    """Decided Monday 2026-03-02 (Order 107): publish by 2026-03-30. Entered on
    2026-03-30: in time; entered on 2026-03-31: late."""
    in_time = _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 30))
    late = _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 31))
    clock = record_order45_clock(in_time)
    assert clock is not None
    assert clock.edition == "samr-order107-2025"
    assert clock.publish_by.date == dt.date(2026, 3, 30) and not clock.publish_by.provisional
    assert clock.published_on == dt.date(2026, 3, 30) and not clock.published_late
    late_clock = record_order45_clock(late)
    assert late_clock is not None and late_clock.published_late
    assert "publish by 2026-03-30" in late_clock.describe()


def test_publication_deadline_counts_make_up_days_around_national_day(amr):
    """Decided Friday 2025-09-19 (Order 45): the Sunday 28 September and Saturday
    11 October 2025 are make-up working days, 1–8 October holidays: publish by
    2025-10-23. Entered on 2025-10-24: late."""
    record = _penalty(amr, dt.date(2025, 9, 19), dt.date(2025, 10, 24))
    clock = record_order45_clock(record)
    assert clock is not None and clock.edition == "samr-order45-2021"
    assert clock.publish_by.date == dt.date(2025, 10, 23)
    assert clock.published_late


def test_publication_deadline_in_a_year_not_entered_is_provisional(amr):
    """Decided 2026-12-10: 20 working days end in 2027 (calendar not entered; New Year's
    Day skipped): publish by 2027-01-08, provisional."""
    record = _penalty(amr, dt.date(2026, 12, 10), dt.date(2026, 12, 11))
    clock = record_order45_clock(record)
    assert clock is not None
    assert clock.publish_by.date == dt.date(2027, 1, 8) and clock.publish_by.provisional
    assert "(provisional)" in clock.describe()


def test_no_clock_outside_market_regulation_or_for_records_not_public(amr):
    eco = Department.objects.get(code="zj-eco")
    assert record_order45_clock(_penalty(eco, dt.date(2026, 3, 2), dt.date(2026, 6, 1))) is None
    hidden = _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 6, 1), disclosure="government")
    assert record_order45_clock(hidden) is None
    licence = _penalty(
        amr,
        dt.date(2026, 3, 2),
        dt.date(2026, 6, 1),
        kind="licence",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
    )
    assert record_order45_clock(licence) is None


# --- withdrawal within 3 working days ----------------------------------------------------


def test_entering_the_revocation_withdraws_the_record_audited(amr):
    """The department enters that the decision of 2026-03-02 was revoked on 2026-03-10:
    the record leaves public view (revoked) in the same update, with an audit row."""
    officer = Actor.for_user(make_officer(amr))
    record = record_create(
        actor=officer,
        subject=SubjectFactory(),
        department=amr,
        data={
            "kind": "penalty",
            "decision_date": dt.date(2026, 3, 2),
            "title": "违反广告法",
            "document_number": "浙市监罚〔2026〕45号",
            "severity": "general",
            "penalty_type": "fine",
            "fine_amount": 20000,
        },
    )
    assert record.state == RecordState.ACTIVE
    record = record_update(
        actor=officer,
        record=record,
        data={"decision_revoked_on": dt.date(2026, 3, 10)},
        reason="行政复议撤销",
    )
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    assert record not in CreditRecord.objects.public()
    audit = AuditEvent.objects.filter(
        object_type="enterprises.creditrecord", object_id=str(record.pk), action="state"
    ).last()
    assert audit is not None and "2026-03-10" in audit.reason and "行政复议撤销" in audit.reason
    assert audit.actor_label == officer.label


def test_withdrawal_deadline_three_working_days_after_revocation(amr):
    """Revoked on Tuesday 2026-03-10: withdraw by Friday 2026-03-13. Still public on
    2026-03-13: not overdue; on 2026-03-16: overdue. Withdrawn 2026-03-12: in time;
    withdrawn 2026-03-16: late."""
    public = _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    CreditRecord.objects.filter(pk=public.pk).update(decision_revoked_on=dt.date(2026, 3, 10))
    public.refresh_from_db()
    clock = record_order45_clock(public, on=dt.date(2026, 3, 13))
    assert clock is not None and clock.withdraw_by is not None
    assert clock.withdraw_by.date == dt.date(2026, 3, 13)
    assert not clock.withdrawal_overdue
    overdue = record_order45_clock(public, on=dt.date(2026, 3, 16))
    assert overdue is not None and overdue.withdrawal_overdue
    assert "withdraw by 2026-03-13" in overdue.describe() and "overdue" in overdue.describe()

    def withdrawn(day: dt.date) -> CreditRecord:
        record = _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
        CreditRecord.objects.filter(pk=record.pk).update(
            decision_revoked_on=dt.date(2026, 3, 10),
            state=RecordState.REVOKED,
            state_changed_at=_at(day),
        )
        record.refresh_from_db()
        return record

    in_time = record_order45_clock(withdrawn(dt.date(2026, 3, 12)), on=dt.date(2026, 6, 1))
    assert in_time is not None and in_time.withdrawn_on == dt.date(2026, 3, 12)
    assert not in_time.withdrawn_late and not in_time.overdue
    late = record_order45_clock(withdrawn(dt.date(2026, 3, 16)), on=dt.date(2026, 6, 1))
    assert late is not None and late.withdrawn_late


def test_withdrawal_deadline_over_new_year_is_provisional(amr):
    """Revoked Tuesday 2026-12-29: 30 and 31 December, New Year's Day skipped, Monday
    2027-01-04 — provisional (2027 not entered)."""
    record = _penalty(amr, dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    CreditRecord.objects.filter(pk=record.pk).update(decision_revoked_on=dt.date(2026, 12, 29))
    record.refresh_from_db()
    clock = record_order45_clock(record, on=dt.date(2026, 12, 30))
    assert clock is not None and clock.withdraw_by is not None
    assert clock.withdraw_by.date == dt.date(2027, 1, 4) and clock.withdraw_by.provisional


# --- what officials see ----------------------------------------------------------------


@pytest.fixture
def spread(amr):
    """Late, in-time and overdue records of two market-regulation departments and one
    other department."""
    city = DepartmentFactory(code="hz-amr", level=Department.Level.MUNICIPAL)
    eco = Department.objects.get(code="zj-eco")
    records = {
        "late": _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 31), "ORDER45-LATE"),
        "very_late": _penalty(amr, dt.date(2025, 1, 6), dt.date(2026, 3, 31), "ORDER45-OLD"),
        "in_time": _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 30), "ORDER45-OK"),
        "overdue": _penalty(amr, dt.date(2026, 3, 2), dt.date(2026, 3, 4), "ORDER45-OPEN"),
        "city_late": _penalty(city, dt.date(2026, 3, 2), dt.date(2026, 4, 1), "ORDER45-CITY"),
        "eco_late": _penalty(eco, dt.date(2026, 3, 2), dt.date(2026, 6, 1), "ORDER45-ECO"),
    }
    CreditRecord.objects.filter(pk=records["overdue"].pk).update(
        decision_revoked_on=dt.date(2026, 3, 10)
    )
    return records


def test_overdue_query_finds_late_and_withdrawal_overdue(spread, amr):
    found = set(order45_overdue(on=dt.date(2026, 6, 1)).values_list("title", flat=True))
    assert found == {"ORDER45-LATE", "ORDER45-OLD", "ORDER45-OPEN", "ORDER45-CITY"}
    late = order45_overdue(which=LATE, on=dt.date(2026, 6, 1)).values_list("title", flat=True)
    assert set(late) == {"ORDER45-LATE", "ORDER45-OLD", "ORDER45-CITY"}
    withdrawal = order45_overdue(which=WITHDRAWAL_OVERDUE, on=dt.date(2026, 6, 1))
    assert set(withdrawal.values_list("title", flat=True)) == {"ORDER45-OPEN"}
    # Scoped: a department's own queryset in, its own records out.
    own = order45_overdue(CreditRecord.objects.for_department(amr.pk), on=dt.date(2026, 6, 1))
    assert "ORDER45-CITY" not in set(own.values_list("title", flat=True))


def test_admin_filter_shows_an_official_only_their_department(client, spread, amr):
    client = Client()
    client.force_login(make_officer(amr))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(RECORDS), {"order45": "any"})
    assert response.status_code == 200
    titles = {record.title for record in response.context["cl"].result_list}
    assert titles == {"ORDER45-LATE", "ORDER45-OLD", "ORDER45-OPEN"}
    assert "Order 45: late / withdrawal overdue" in response.content.decode()
    response = client.get(reverse(RECORDS), {"order45": WITHDRAWAL_OVERDUE})
    assert {record.title for record in response.context["cl"].result_list} == {"ORDER45-OPEN"}
    change = client.get(reverse("admin:enterprises_creditrecord_change", args=[spread["late"].pk]))
    assert change.status_code == 200
    assert "publish by 2026-03-30" in change.content.decode()
