"""Repair eligibility: boundaries under each national edition, permanent records, bans,
subjects listed too often; on the public file and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils.translation import override

from enterprises.models import Department
from repair.eligibility import FROM, NEVER, NOW, record_eligibility
from repair.models import RepairBan
from tests.factories import CreditRecordFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def national():
    return DepartmentFactory(code="mee-test", level=Department.Level.NATIONAL)


@pytest.mark.parametrize(
    ("edition", "severity", "kind", "decided", "first_day"),
    [
        ("cn-doc527-2019", "general", "penalty", D(2020, 1, 15), D(2020, 4, 15)),
        ("cn-doc527-2019", "serious", "penalty", D(2020, 1, 15), D(2020, 7, 15)),
        ("cn-doc527-2019", "minor", "penalty", D(2022, 2, 10), D(2022, 5, 10)),
        ("cn-doc527-2019", "serious", "other_bad_conduct", D(2022, 2, 10), D(2022, 8, 10)),
        ("cn-ndrc-order58-2023", "general", "penalty", D(2024, 1, 31), D(2024, 4, 30)),
        ("cn-ndrc-order58-2023", "serious", "penalty", D(2024, 2, 29), D(2025, 2, 28)),
        ("cn-ndrc-order36-2026", "general", "penalty", D(2026, 4, 30), D(2026, 7, 30)),
        ("cn-ndrc-order36-2026", "serious", "penalty", D(2026, 5, 6), D(2027, 5, 6)),
    ],
)
def test_minimum_period_boundary_under_each_national_edition(
    national, edition, severity, kind, decided, first_day
):
    record = CreditRecordFactory(
        department=national,
        kind=kind,
        severity=severity,
        penalty_type="fine" if kind == "penalty" else "",
        fine_amount=5000 if kind == "penalty" else None,
        decision_date=decided,
        publicity_end=decided + dt.timedelta(days=2000),
    )
    before = record_eligibility(record, on=first_day - dt.timedelta(days=1))
    assert before.edition_code == edition
    assert (before.status, before.from_date) == (FROM, first_day)
    on_the_day = record_eligibility(record, on=first_day)
    assert (on_the_day.status, on_the_day.from_date) == (NOW, first_day)


def test_minor_information_under_order_36_may_be_repaired_from_its_decision(national):
    record = CreditRecordFactory(
        department=national, severity="minor", decision_date=D(2026, 6, 1), publicity_end=None
    )
    assert record_eligibility(record, on=D(2030, 1, 1)).status == NEVER  # permanent
    record.publicity_end = D(2026, 9, 1)
    assert record_eligibility(record, on=D(2026, 6, 1)).status == NOW


def test_permanent_records_never(national):
    record = CreditRecordFactory(
        department=national,
        penalty_type="licence_revoked",
        decision_date=D(2020, 1, 1),
        publicity_end=None,
    )
    with override("en"):
        answer = record_eligibility(record, on=D(2040, 1, 1))
    assert answer.status == NEVER and answer.from_date is None
    assert "permanently" in answer.reasons[0]


def test_false_commitment_ban_moves_the_date(record, today):
    RepairBan.objects.create(
        subject=record.subject,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1095),
        reason="false",
    )
    answer = record_eligibility(record, on=today)
    assert answer.status == FROM and answer.from_date == today + dt.timedelta(days=1095)


def test_subject_listed_twice_is_refused(record, today):
    from lists.models import CreditList, ListEntry

    credit_list = CreditList.objects.get(slug="zj-eco-serious")
    ListEntry.objects.create(
        credit_list=credit_list,
        subject=record.subject,
        department=credit_list.authority,
        status="listed",
        reason="x",
        times_listed=2,
        proposed_on=today - dt.timedelta(days=500),
        listed_on=today - dt.timedelta(days=450),
    )
    assert record_eligibility(record, on=today).status == NEVER


def test_api_and_public_file_show_eligibility(client, record, today, national):
    body = client.get(
        f"/api/v1/enterprises/{record.subject.uscc}/records/{record.pk}/repair-eligibility/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    # Decided two years ago: NDRC Order 58 for every department, general → 3 months.
    assert body["status"] == "now" and body["edition_code"] == "cn-ndrc-order58-2023"
    assert body["reasons"] and body["from_date"] == str(
        record.decision_date + relativedelta(months=3)
    )
    assert (
        client.get(
            f"/api/v1/enterprises/{record.subject.uscc}/records/999999/repair-eligibility/"
        ).status_code
        == 404
    )
    client.cookies["django_language"] = "en"
    page = client.get(f"/enterprises/{record.subject.uscc}/?tab=negative").content.decode()
    assert "Credit repair may be applied for since" in page
    lookup = client.get("/repair/", {"uscc": record.subject.uscc}).content.decode()
    assert "REPAIR-MARKER" in lookup and "eligibility-now" in lookup
