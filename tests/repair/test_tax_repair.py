"""Tax credit repair (rules.md §8.1): a taxpayer rated D is repaired but not lifted to A,
and serious tax information is repaired once per fiscal year. Dates written out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.actors import Actor
from enterprises.models import AuditEvent, Department, RecordState
from enterprises.services import record_create, record_update
from repair import services
from repair.eligibility import FROM, NOW, record_eligibility, records_eligibility_for_officials
from repair.models import Case, CaseKind, CaseState, Decision
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def tax(db):
    # The State Taxation Administration: a national tax department (Department.is_tax).
    return DepartmentFactory(code="sta", level=Department.Level.NATIONAL)


@pytest.fixture
def subject(db):
    return SubjectFactory(name="杭州纳税信用测试有限公司")


def _rating(subject, department, level, year, decided, number):
    return CreditRecordFactory(
        subject=subject,
        department=department,
        kind="tax_credit_rating",
        tax_credit_level=level,
        tax_year=year,
        decision_date=decided,
        document_number=number,
        title=f"{year}年度纳税信用级别{level}",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
    )


def _arrears(subject, department, decided, number, severity="serious"):
    return CreditRecordFactory(
        subject=subject,
        department=department,
        kind="tax_arrears",
        decision_date=decided,
        document_number=number,
        title="欠缴税款",
        severity=severity,
        penalty_type="",
        fine_amount=None,
        publicity_end=decided + dt.timedelta(days=3 * 365),
    )


def _granted_case(subject, department, records, decided_on, reference):
    case = Case.objects.create(
        kind=CaseKind.REPAIR,
        reference=reference,
        access_code_hash="x" * 64,
        subject=subject,
        department=department,
        contact_name="李四",
        contact_email="li@example.org",
        state=CaseState.PUBLISHED,
        received_on=decided_on - dt.timedelta(days=20),
        decision=Decision.GRANTED,
        decided_on=decided_on,
    )
    case.records.add(*records)
    return case


def test_tax_department_is_recognised_by_its_code():
    assert DepartmentFactory.build(code="sta").is_tax
    assert DepartmentFactory.build(code="zj-tax").is_tax
    assert not DepartmentFactory.build(code="zj-amr").is_tax


# --- D rated: repaired, at most B -------------------------------------------------------


def test_d_rating_may_be_repaired_and_the_answer_says_at_most_b(subject, tax):
    rating = _rating(subject, tax, "D", 2025, dt.date(2026, 4, 15), "税信〔2026〕1号")
    answer = record_eligibility(rating, on=dt.date(2026, 5, 6))
    assert answer.status == NOW
    text = " ".join(str(r) for r in answer.reasons)
    assert "at most B" in text and "2025" in text and "not lifted to A" in text


def test_a_rating_or_a_d_of_another_department_is_not_repaired(subject, tax):
    a_rating = _rating(subject, tax, "A", 2025, dt.date(2026, 4, 15), "税信〔2026〕2号")
    other = DepartmentFactory(code="zj-eco-tax-test-not", level=Department.Level.PROVINCIAL)
    d_elsewhere = _rating(subject, other, "D", 2025, dt.date(2026, 4, 15), "其他〔2026〕1号")
    assert record_eligibility(a_rating, on=dt.date(2026, 5, 6)).possible is False
    assert record_eligibility(d_elsewhere, on=dt.date(2026, 5, 6)).possible is False


def test_tax_arrears_of_a_d_rated_subject_say_at_most_b(subject, tax):
    _rating(subject, tax, "D", 2025, dt.date(2026, 4, 15), "税信〔2026〕3号")
    # General arrears decided 2025-06-02: Order 58's 3 months are over on 2025-09-02.
    arrears = _arrears(subject, tax, dt.date(2025, 6, 2), "税欠〔2025〕1号", severity="general")
    answer = record_eligibility(arrears, on=dt.date(2026, 5, 6))
    assert answer.status == NOW
    assert any("at most B" in str(r) for r in answer.reasons)


def test_repaired_d_stays_with_the_note_and_that_year_cannot_become_a(subject, tax):
    """Applied 2026-05-06, accepted, granted 2026-05-11: the decision says "at most B";
    carrying out keeps the D record (repaired) with the note in its audit row; an A for
    tax year 2025 is then refused, a B accepted, an A for 2026 accepted."""
    rating = _rating(subject, tax, "D", 2025, dt.date(2026, 4, 15), "税信〔2026〕4号")
    case, _code = services.repair_application_submit(
        subject=subject,
        records=[rating],
        contact_name="李四",
        contact_email="li@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
        on=dt.date(2026, 5, 6),
    )
    system = Actor.for_system("tests")
    services.repair_accept(actor=system, case=case, on=dt.date(2026, 5, 7))
    case = services.repair_decide(
        actor=system, case=case, grant=True, reasons="义务已履行。", on=dt.date(2026, 5, 11)
    )
    assert "at most B" in case.decision_reasons and "2025" in case.decision_reasons
    services.repair_carry_out(actor=system, case=case, on=dt.date(2026, 5, 12))
    rating.refresh_from_db()
    assert rating.state == RecordState.REPAIRED
    audit = AuditEvent.objects.filter(
        object_type="enterprises.creditrecord", object_id=str(rating.pk), action="state"
    ).last()
    assert audit is not None and "at most B" in audit.reason

    data = {
        "kind": "tax_credit_rating",
        "decision_date": dt.date(2026, 6, 1),
        "title": "2025年度纳税信用复评",
        "tax_year": 2025,
    }
    with pytest.raises(ValidationError) as refused:
        record_create(
            actor=system,
            subject=subject,
            department=tax,
            data={**data, "tax_credit_level": "A", "document_number": "税信〔2026〕5号"},
        )
    message = str(refused.value.message_dict["tax_credit_level"])
    assert "税信〔2026〕4号" in message and "at most B" in message
    record_create(
        actor=system,
        subject=subject,
        department=tax,
        data={**data, "tax_credit_level": "B", "document_number": "税信〔2026〕6号"},
    )
    record_create(
        actor=system,
        subject=subject,
        department=tax,
        data={
            **data,
            "tax_year": 2026,
            "tax_credit_level": "A",
            "document_number": "税信〔2027〕1号",
        },
    )
    # Correcting the repaired D itself to A is refused as well.
    with pytest.raises(ValidationError):
        record_update(actor=system, record=rating, data={"tax_credit_level": "A"}, reason="复评")


# --- Serious tax information: once per fiscal year --------------------------------------


def test_second_serious_tax_repair_in_the_same_year_waits_for_the_next(subject, tax):
    """Serious arrears of 2025-01-10 repaired by XF…A granted 2026-03-10; the serious
    arrears of 2025-02-10 (Order 58: 12 months, from 2026-02-10) wait for 2027-01-01."""
    first = _arrears(subject, tax, dt.date(2025, 1, 10), "税欠〔2025〕10号")
    second = _arrears(subject, tax, dt.date(2025, 2, 10), "税欠〔2025〕11号")
    _granted_case(subject, tax, [first], dt.date(2026, 3, 10), "XF20260210AAAAAA")

    answer = record_eligibility(second, on=dt.date(2026, 5, 6))
    assert answer.status == FROM
    assert answer.from_date == dt.date(2027, 1, 1)
    text = " ".join(str(r) for r in answer.reasons)
    assert "XF20260210AAAAAA" in text and "2026-03-10" in text and "once per fiscal year" in text

    with pytest.raises(ValidationError) as refused:
        services.repair_application_submit(
            subject=subject,
            records=[second],
            contact_name="李四",
            contact_email="li@example.org",
            files=[("opinion", pdf()), ("commitment", pdf())],
            on=dt.date(2026, 5, 6),
        )
    assert "XF20260210AAAAAA" in str(refused.value.message_dict["records"])
    # The next fiscal year: 2027-01-04 (a Monday) it may be repaired.
    assert record_eligibility(second, on=dt.date(2027, 1, 4)).status == NOW


def test_grant_refused_when_another_serious_tax_repair_was_granted_that_year(subject, tax):
    """The officials' check at the grant (2026-06-01) sees the repair granted 2026-03-10."""
    first = _arrears(subject, tax, dt.date(2025, 1, 10), "税欠〔2025〕20号")
    second = _arrears(subject, tax, dt.date(2025, 2, 10), "税欠〔2025〕21号")
    _granted_case(subject, tax, [first], dt.date(2026, 3, 10), "XF20260210BBBBBB")
    answers = records_eligibility_for_officials([second], on=dt.date(2026, 6, 1))
    assert answers[second.pk].status == FROM
    assert "XF20260210BBBBBB" in " ".join(str(r) for r in answers[second.pk].reasons)


def test_once_per_year_only_for_serious_tax_information(subject, tax):
    first = _arrears(subject, tax, dt.date(2025, 1, 10), "税欠〔2025〕30号")
    _granted_case(subject, tax, [first], dt.date(2026, 3, 10), "XF20260210CCCCCC")
    general = _arrears(subject, tax, dt.date(2025, 6, 2), "税欠〔2025〕31号", severity="general")
    assert record_eligibility(general, on=dt.date(2026, 5, 6)).status == NOW
    # A serious record of a department that is not a tax department is not limited.
    national = DepartmentFactory(code="cn-tax-free-test", level=Department.Level.NATIONAL)
    penalty = CreditRecordFactory(
        subject=subject,
        department=national,
        decision_date=dt.date(2025, 2, 10),
        severity="serious",
        publicity_end=dt.date(2028, 2, 10),
    )
    assert record_eligibility(penalty, on=dt.date(2026, 5, 6)).status == NOW


def test_a_repair_granted_the_year_before_does_not_count(subject, tax):
    first = _arrears(subject, tax, dt.date(2024, 1, 10), "税欠〔2024〕40号")
    second = _arrears(subject, tax, dt.date(2025, 2, 10), "税欠〔2025〕41号")
    _granted_case(subject, tax, [first], dt.date(2025, 12, 30), "XF20251201DDDDDD")
    assert record_eligibility(second, on=dt.date(2026, 3, 2)).status == NOW
