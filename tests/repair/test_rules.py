"""Publicity ends from dated rule editions (rules.md §6, §12)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.actors import Actor
from enterprises.models import Department
from enterprises.publicity import edition_applied
from enterprises.services import record_create
from repair.models import RecordEdition
from rules.publicity import NotNegativeInformation, publicity_end_for
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the rules' messages in English; the site default is Chinese.
    from django.utils import translation

    with translation.override("en"):
        yield


D = dt.date
SYSTEM = Actor.for_system("tests")


@pytest.mark.parametrize(
    ("decision", "severity", "kind", "end", "edition"),
    [
        # Document 527 (2019): general 1 year, serious 3 years.
        (D(2020, 6, 1), "minor", "penalty", D(2021, 6, 1), "cn-doc527-2019"),
        (D(2020, 6, 1), "serious", "penalty", D(2023, 6, 1), "cn-doc527-2019"),
        # The thesis's national measures (§3.1.3): penalty 3 / 5 years, conduct 1 / 3 years.
        (D(2022, 3, 1), "minor", "penalty", D(2025, 3, 1), "cn-repair-measures-2021"),
        (D(2022, 3, 1), "serious", "penalty", D(2027, 3, 1), "cn-repair-measures-2021"),
        (D(2022, 3, 1), "minor", "enforcement", D(2023, 3, 1), "cn-repair-measures-2021"),
        (D(2022, 3, 1), "serious", "enforcement", D(2025, 3, 1), "cn-repair-measures-2021"),
        # NDRC Order 58 (2023-05-01 to 2026-03-31): general 1 year, serious 3 years.
        (D(2024, 6, 1), "minor", "penalty", D(2025, 6, 1), "cn-ndrc-order58-2023"),
        (D(2026, 3, 31), "serious", "penalty", D(2029, 3, 31), "cn-ndrc-order58-2023"),
        # 《信用修复管理办法》 in force 2026-04-01: minor at most 3 months, serious 3 years.
        (D(2026, 4, 1), "minor", "penalty", D(2026, 7, 1), "cn-ndrc-order36-2026"),
        (D(2026, 4, 1), "general", "penalty", D(2027, 4, 1), "cn-ndrc-order36-2026"),
        (D(2026, 4, 1), "serious", "penalty", D(2029, 4, 1), "cn-ndrc-order36-2026"),
    ],
)
def test_national_editions_by_decision_date(decision, severity, kind, end, edition):
    publicity = publicity_end_for(kind=kind, severity=severity, decision_date=decision)
    got_end, got_edition = publicity
    assert (got_end, got_edition.code) == (end, edition)


def test_permanent_penalty_types_have_no_end():
    end, edition = publicity_end_for(
        kind="penalty", severity="serious", decision_date=D(2026, 5, 1), penalty_type="closed_down"
    )
    assert end is None and edition.code == "cn-ndrc-order36-2026"


def test_zhejiang_keeps_five_years_and_simplified_procedure_is_not_negative():
    end, edition = publicity_end_for(
        kind="penalty", severity="minor", decision_date=D(2024, 2, 29), jurisdiction="zhejiang"
    )
    assert (end, edition.code) == (D(2029, 2, 28), "zj-regulation-2018")
    with pytest.raises(NotNegativeInformation):
        publicity_end_for(
            kind="penalty",
            severity="minor",
            decision_date=D(2024, 3, 1),
            jurisdiction="zhejiang",
            simplified_procedure=True,
        )


def test_samr_editions_for_market_regulation():
    before, order45 = publicity_end_for(
        kind="penalty", severity="minor", decision_date=D(2025, 12, 24), jurisdiction="samr"
    )
    after, order107 = publicity_end_for(
        kind="penalty", severity="general", decision_date=D(2025, 12, 25), jurisdiction="samr"
    )
    assert (before, order45.code) == (D(2026, 3, 24), "samr-order45-2021")
    assert (after, order107.code) == (D(2026, 12, 25), "samr-order107-2025")


def _penalty(decision: dt.date, number: int, **extra):
    return {
        "kind": "penalty",
        "decision_date": decision,
        "document_number": f"国罚〔2022〕{number}号",
        "title": "严重违法",
        "severity": "serious",
        "penalty_type": "fine",
        "fine_amount": 2_000_000,
        **extra,
    }


def test_record_create_fills_the_end_and_remembers_the_edition():
    ndrc = Department.objects.get(code="ndrc")
    record = record_create(
        actor=SYSTEM, subject=SubjectFactory(), department=ndrc, data=_penalty(D(2022, 3, 1), 1)
    )
    assert record.publicity_end == D(2027, 3, 1)
    assert edition_applied(record.pk).code == "cn-repair-measures-2021"
    # An end given by the department is kept and no edition is claimed for it.
    given = record_create(
        actor=SYSTEM,
        subject=SubjectFactory(),
        department=ndrc,
        data=_penalty(D(2022, 3, 1), 2, publicity_end=D(2024, 3, 1)),
    )
    assert given.publicity_end == D(2024, 3, 1) and edition_applied(given.pk) is None


def test_third_serious_penalty_within_a_year_is_permanent():
    ndrc = Department.objects.get(code="ndrc")
    subject = SubjectFactory()
    first, second, third = (
        record_create(actor=SYSTEM, subject=subject, department=ndrc, data=_penalty(day, n))
        for n, day in enumerate([D(2022, 1, 10), D(2022, 5, 10), D(2022, 12, 1)], start=1)
    )
    assert first.publicity_end == D(2027, 1, 10)
    assert second.publicity_end == D(2027, 5, 10)
    assert third.publicity_end is None
    assert "3 or more serious penalties" in RecordEdition.objects.get(record=third).permanent_reason
    # A fourth one more than a year after the first two counts only the third.
    other = SubjectFactory()
    record_create(actor=SYSTEM, subject=other, department=ndrc, data=_penalty(D(2022, 1, 10), 9))
    late = record_create(
        actor=SYSTEM, subject=other, department=ndrc, data=_penalty(D(2023, 2, 1), 10)
    )
    assert late.publicity_end == D(2028, 2, 1)


def test_provincial_department_follows_zhejiang_and_amr_follows_samr():
    subject = SubjectFactory()
    eco = Department.objects.get(code="zj-eco")
    hz_amr = Department.objects.get(code="hz-amr")
    zj = record_create(
        actor=SYSTEM, subject=subject, department=eco, data=_penalty(D(2025, 3, 1), 20)
    )
    amr = record_create(
        actor=SYSTEM, subject=subject, department=hz_amr, data=_penalty(D(2026, 1, 5), 21)
    )
    assert (zj.publicity_end, edition_applied(zj.pk).code) == (D(2030, 3, 1), "zj-regulation-2018")
    assert (amr.publicity_end, edition_applied(amr.pk).code) == (
        D(2029, 1, 5),
        "samr-order107-2025",
    )


def test_no_edition_in_force_asks_for_the_end_date():
    with pytest.raises(ValidationError) as excinfo:
        record_create(
            actor=SYSTEM,
            subject=SubjectFactory(),
            department=Department.objects.get(code="ndrc"),
            data=_penalty(D(2015, 1, 1), 30),
        )
    assert "publicity_end" in excinfo.value.message_dict
