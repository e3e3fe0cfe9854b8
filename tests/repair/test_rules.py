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
from rules.publicity import publicity_end_for
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
        # Before the first national edition: Document 527's periods (rules.md §6.1).
        (D(2018, 3, 1), "general", "penalty", D(2019, 3, 1), "cn-doc527-2019"),
        # Document 527 (2019-07-01 … 2023-04-30): general (and minor) 1 year, serious 3.
        (D(2020, 6, 1), "minor", "penalty", D(2021, 6, 1), "cn-doc527-2019"),
        (D(2020, 6, 1), "serious", "penalty", D(2023, 6, 1), "cn-doc527-2019"),
        # The 2021 NDRC draft was never in force: Document 527 still applies.
        (D(2022, 3, 1), "general", "penalty", D(2023, 3, 1), "cn-doc527-2019"),
        (D(2022, 3, 1), "serious", "penalty", D(2025, 3, 1), "cn-doc527-2019"),
        (D(2023, 4, 30), "serious", "enforcement", D(2026, 4, 30), "cn-doc527-2019"),
        # NDRC Order 58 (2023-05-01 to 2026-03-31): general 1 year, serious 3 years.
        (D(2024, 6, 1), "general", "penalty", D(2025, 6, 1), "cn-ndrc-order58-2023"),
        (D(2026, 3, 31), "serious", "penalty", D(2029, 3, 31), "cn-ndrc-order58-2023"),
        # Order 36, in force 2026-04-01: general 1 year, serious 3 years.
        (D(2026, 4, 1), "general", "penalty", D(2027, 4, 1), "cn-ndrc-order36-2026"),
        (D(2026, 4, 1), "serious", "penalty", D(2029, 4, 1), "cn-ndrc-order36-2026"),
    ],
)
def test_national_editions_by_decision_date(decision, severity, kind, end, edition):
    publicity = publicity_end_for(kind=kind, severity=severity, decision_date=decision)
    got_end, got_edition = publicity
    assert (got_end, got_edition.code) == (end, edition)
    assert publicity.published


@pytest.mark.parametrize(
    ("decision", "edition"),
    [(D(2023, 5, 1), "cn-ndrc-order58-2023"), (D(2026, 4, 1), "cn-ndrc-order36-2026")],
)
def test_minor_information_is_not_published_under_orders_58_and_36(decision, edition):
    publicity = publicity_end_for(kind="penalty", severity="minor", decision_date=decision)
    assert not publicity.published and publicity.edition.code == edition
    assert "Minor information is not published" in publicity.unpublished_reason
    assert publicity.repair_from is None


def test_permanent_penalty_types_have_no_end():
    for penalty_type in ("licence_revoked", "closed_down", "permanent_restriction"):
        end, edition = publicity_end_for(
            kind="penalty",
            severity="serious",
            decision_date=D(2026, 5, 1),
            penalty_type=penalty_type,
        )
        assert end is None and edition.code == "cn-ndrc-order36-2026"


def test_suspension_and_temporary_restriction_are_serious_not_permanent():
    for penalty_type in ("suspended", "production_restricted", "employment_ban"):
        end, _ = publicity_end_for(
            kind="penalty",
            severity="serious",
            decision_date=D(2026, 5, 1),
            penalty_type=penalty_type,
        )
        assert end == D(2029, 5, 1)


def test_zhejiang_departments_follow_the_national_period_and_simplified_procedure_is_unpublished():
    publicity = publicity_end_for(
        kind="penalty", severity="general", decision_date=D(2024, 2, 29), jurisdiction="zhejiang"
    )
    assert (publicity.end, publicity.edition.code) == (D(2025, 2, 28), "cn-ndrc-order58-2023")
    assert publicity.local_edition.code == "zj-regulation-2018"
    simplified = publicity_end_for(
        kind="penalty",
        severity="general",
        decision_date=D(2024, 3, 1),
        jurisdiction="zhejiang",
        simplified_procedure=True,
    )
    assert not simplified.published and "simplified procedure" in simplified.unpublished_reason
    # A national department's simplified procedure is no exception to the national rules.
    national = publicity_end_for(
        kind="penalty", severity="general", decision_date=D(2024, 3, 1), simplified_procedure=True
    )
    assert national.published and national.end == D(2025, 3, 1)


def test_samr_warnings_are_not_published_and_other_samr_penalties_follow_the_national_period():
    warning = publicity_end_for(
        kind="penalty",
        severity="general",
        decision_date=D(2025, 12, 24),
        jurisdiction="samr",
        penalty_type="warning",
    )
    assert not warning.published and warning.local_edition.code == "samr-order45-2021"
    assert "市场监督管理总局令第45号" in warning.unpublished_reason
    fine = publicity_end_for(
        kind="penalty",
        severity="general",
        decision_date=D(2025, 12, 25),
        jurisdiction="samr",
        penalty_type="fine",
    )
    assert (fine.end, fine.edition.code) == (D(2026, 12, 25), "cn-ndrc-order58-2023")
    assert fine.local_edition.code == "samr-order107-2025" and fine.published


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
    assert record.publicity_end == D(2025, 3, 1)
    assert edition_applied(record.pk).code == "cn-doc527-2019"
    # An end given by the department is kept and no edition is claimed for it.
    given = record_create(
        actor=SYSTEM,
        subject=SubjectFactory(),
        department=ndrc,
        data=_penalty(D(2022, 3, 1), 2, publicity_end=D(2024, 3, 1)),
    )
    assert given.publicity_end == D(2024, 3, 1) and edition_applied(given.pk) is None


def test_the_2021_draft_s_three_serious_penalties_rule_is_not_applied():
    ndrc = Department.objects.get(code="ndrc")
    subject = SubjectFactory()
    records = [
        record_create(actor=SYSTEM, subject=subject, department=ndrc, data=_penalty(day, n))
        for n, day in enumerate([D(2022, 1, 10), D(2022, 5, 10), D(2022, 12, 1)], start=1)
    ]
    assert [r.publicity_end for r in records] == [D(2025, 1, 10), D(2025, 5, 10), D(2025, 12, 1)]
    assert all(RecordEdition.objects.get(record=r).permanent_reason == "" for r in records)


@pytest.mark.parametrize(
    ("decision", "severity", "state", "end", "repair_from", "edition"),
    [
        # The acceptance examples of the rule book (§6.2): the STA's Zhejiang branch is a
        # national department.
        (D(2026, 4, 1), "minor", "unpublished", D(2026, 4, 1), None, "cn-ndrc-order36-2026"),
        (D(2026, 4, 1), "general", "active", D(2027, 4, 1), D(2026, 7, 1), "cn-ndrc-order36-2026"),
        (
            D(2026, 3, 31),
            "serious",
            "active",
            D(2029, 3, 31),
            D(2027, 3, 31),
            "cn-ndrc-order58-2023",
        ),
        (D(2026, 4, 1), "serious", "active", D(2029, 4, 1), D(2027, 4, 1), "cn-ndrc-order36-2026"),
    ],
)
def test_a_zhejiang_tax_penalty(decision, severity, state, end, repair_from, edition):
    from enterprises.publicity import publicity_for_record

    tax = Department.objects.get(code="zj-tax")
    assert tax.level == "national"
    record = record_create(
        actor=SYSTEM,
        subject=SubjectFactory(),
        department=tax,
        data=_penalty(decision, 40, severity=severity, fine_amount=5_000),
    )
    assert (record.state, record.publicity_end) == (state, end)
    assert edition_applied(record.pk).code == edition
    assert publicity_for_record(record).repair_from == repair_from
    applied = RecordEdition.objects.get(record=record)
    assert applied.local_edition is None
    assert (applied.unpublished_reason != "") == (state == "unpublished")


def test_provincial_and_amr_departments_keep_their_own_edition_beside_the_national_one():
    subject = SubjectFactory()
    eco = Department.objects.get(code="zj-eco")
    hz_amr = Department.objects.get(code="hz-amr")
    zj = record_create(
        actor=SYSTEM, subject=subject, department=eco, data=_penalty(D(2025, 3, 1), 20)
    )
    amr = record_create(
        actor=SYSTEM, subject=subject, department=hz_amr, data=_penalty(D(2026, 1, 5), 21)
    )
    assert (zj.publicity_end, edition_applied(zj.pk).code) == (
        D(2028, 3, 1),
        "cn-ndrc-order58-2023",
    )
    assert RecordEdition.objects.get(record=zj).local_edition.code == "zj-regulation-2018"
    assert (amr.publicity_end, edition_applied(amr.pk).code) == (
        D(2029, 1, 5),
        "cn-ndrc-order58-2023",
    )
    assert RecordEdition.objects.get(record=amr).local_edition.code == "samr-order107-2025"


def test_a_simplified_procedure_penalty_is_stored_unpublished_and_not_public():
    from enterprises.models import CreditRecord

    record = record_create(
        actor=SYSTEM,
        subject=SubjectFactory(),
        department=Department.objects.get(code="zj-eco"),
        data=_penalty(D(2026, 6, 1), 50, severity="general", fine_amount=200)
        | {"simplified_procedure": True},
    )
    assert record.state == "unpublished"
    assert not CreditRecord.objects.public().filter(pk=record.pk).exists()
    assert not CreditRecord.objects.counting(on=D(2026, 6, 2)).filter(pk=record.pk).exists()


def test_a_serious_penalty_type_needs_serious_severity():
    with pytest.raises(ValidationError) as excinfo:
        record_create(
            actor=SYSTEM,
            subject=SubjectFactory(),
            department=Department.objects.get(code="ndrc"),
            data=_penalty(D(2026, 6, 1), 60, severity="general", penalty_type="suspended"),
        )
    assert "severity" in excinfo.value.message_dict
