"""Zhejiang's clean record before repair and the training certificate's subject, agency
and date (rules.md §8.1, §8.2), each with its dates written out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enterprises.models import Department, RecordState
from repair import services
from repair.eligibility import NEVER, NOW, record_eligibility, records_eligibility_for_officials
from repair.models import CreditServiceAgency, TrainingCertificate
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def zj_department(db):
    # A provincial department (not market regulation): Zhejiang's edition applies.
    return DepartmentFactory(code="zj-clean-test", level=Department.Level.PROVINCIAL)


@pytest.fixture
def subject(db):
    return SubjectFactory(name="杭州洁净记录测试有限公司")


def _penalty(subject, department, decided, number, **extra):
    return CreditRecordFactory(
        subject=subject,
        department=department,
        decision_date=decided,
        document_number=number,
        publicity_end=decided + dt.timedelta(days=5 * 365),
        **extra,
    )


def _submit(subject, records, on, **extra):
    return services.repair_application_submit(
        subject=subject,
        records=records,
        contact_name="李四",
        contact_email="li@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
        on=on,
        **extra,
    )


def test_zhejiang_repair_refused_naming_the_later_penalty(subject, zj_department):
    first = _penalty(subject, zj_department, dt.date(2026, 1, 10), "浙罚〔2026〕1号")
    _penalty(subject, zj_department, dt.date(2026, 3, 1), "浙罚〔2026〕2号")
    answer = record_eligibility(first, on=dt.date(2026, 7, 15))
    assert answer.status == NEVER
    text = " ".join(str(r) for r in answer.reasons)
    assert "浙罚〔2026〕2号" in text and "2026-03-01" in text and "clean record" in text


def test_zhejiang_submit_refused_after_the_waiting_period(subject, zj_department):
    # Decided 2025-01-10: Zhejiang's 12 months are over on 2026-01-10, but a penalty of
    # 2025-03-01 arose in between; on 2026-07-15 the submission is refused naming it.
    first = _penalty(subject, zj_department, dt.date(2025, 1, 10), "浙罚〔2025〕1号")
    _penalty(subject, zj_department, dt.date(2025, 3, 1), "浙罚〔2025〕2号")
    with pytest.raises(ValidationError) as refused:
        _submit(subject, [first], dt.date(2026, 7, 15))
    assert "浙罚〔2025〕2号" in str(refused.value.message_dict["records"])


def test_clean_record_ignores_earlier_revoked_and_later_than_the_application(
    subject, zj_department
):
    first = _penalty(subject, zj_department, dt.date(2025, 1, 10), "浙罚〔2025〕1号")
    _penalty(subject, zj_department, dt.date(2024, 12, 1), "浙罚〔2024〕9号")  # before
    _penalty(
        subject, zj_department, dt.date(2025, 3, 1), "浙罚〔2025〕2号", state=RecordState.REVOKED
    )
    _penalty(subject, zj_department, dt.date(2026, 8, 1), "浙罚〔2026〕8号")  # after 07-15
    assert record_eligibility(first, on=dt.date(2026, 7, 15)).status == NOW
    # The grant judges the clean record up to the application day (2026-07-15).
    answers = records_eligibility_for_officials(
        [first], on=dt.date(2026, 8, 3), applied_on=dt.date(2026, 7, 15)
    )
    assert answers[first.pk].status == NOW


def test_national_department_needs_no_clean_record(subject):
    national = DepartmentFactory(code="cn-clean-test", level=Department.Level.NATIONAL)
    first = _penalty(subject, national, dt.date(2025, 1, 10), "国罚〔2025〕1号")
    _penalty(subject, national, dt.date(2025, 3, 1), "国罚〔2025〕2号")
    assert record_eligibility(first, on=dt.date(2026, 7, 15)).status == NOW


def test_non_public_blocking_record_named_only_to_officials(subject, zj_department):
    first = _penalty(subject, zj_department, dt.date(2025, 1, 10), "浙罚〔2025〕1号")
    _penalty(
        subject, zj_department, dt.date(2025, 3, 1), "浙政罚〔2025〕7号", disclosure="government"
    )
    public = record_eligibility(first, on=dt.date(2026, 7, 15))
    assert public.status == NEVER
    public_text = " ".join(str(r) for r in public.reasons)
    assert "new negative information has arisen" in public_text
    assert "浙政罚〔2025〕7号" not in public_text and "2025-03-01" not in public_text
    official = records_eligibility_for_officials([first], on=dt.date(2026, 7, 15))[first.pk]
    assert official.status == NEVER
    assert "浙政罚〔2025〕7号" in " ".join(str(r) for r in official.reasons)


# --- Training certificates (rules.md §8.2) -----------------------------------------------


@pytest.fixture
def serious(subject):
    # A serious penalty of a market-regulation department (SAMR's editions): decided
    # 2026-01-10; repairable on 2027-03-01 under any edition.
    amr = DepartmentFactory(code="hz-amr-cert-test")
    return _penalty(subject, amr, dt.date(2026, 1, 10), "杭市监罚〔2026〕1号", severity="serious")


def _certificate(number, issued_on, subject, **agency):
    agency_row = CreditServiceAgency.objects.create(name=f"机构{number}", **agency)
    return TrainingCertificate.objects.create(
        agency=agency_row,
        number=number,
        hours=3,
        issued_on=issued_on,
        attendee="张三",
        subject=subject,
    )


def _refusal(subject, serious, number):
    with pytest.raises(ValidationError) as refused:
        _submit(subject, [serious], dt.date(2027, 3, 1), training_certificate_number=number)
    return " ".join(refused.value.message_dict["training_certificate_number"])


def test_certificate_issued_before_the_decision_refused(subject, serious):
    _certificate("PX-EARLY", dt.date(2026, 1, 5), subject)
    assert "2026-01-05" in _refusal(subject, serious, "PX-EARLY")
    assert "2026-01-10" in _refusal(subject, serious, "PX-EARLY")


def test_certificate_of_another_subject_refused(subject, serious):
    _certificate("PX-OTHER", dt.date(2026, 2, 1), SubjectFactory())
    assert "not issued to the subject" in _refusal(subject, serious, "PX-OTHER")


def test_certificate_of_unapproved_agency_refused(subject, serious):
    _certificate("PX-UNAPPROVED", dt.date(2026, 2, 1), subject, approved=False)
    _certificate(
        "PX-BEFORE-APPROVAL", dt.date(2026, 2, 1), subject, approved_on=dt.date(2026, 6, 1)
    )
    assert "approved" in _refusal(subject, serious, "PX-UNAPPROVED")
    assert "approved" in _refusal(subject, serious, "PX-BEFORE-APPROVAL")


def test_certificate_of_the_subject_after_the_decision_accepted(subject, serious):
    _certificate("PX-GOOD", dt.date(2026, 2, 1), subject, approved_on=dt.date(2025, 1, 1))
    case, _code = _submit(
        subject, [serious], dt.date(2027, 3, 1), training_certificate_number="PX-GOOD"
    )
    assert case.training_certificate.number == "PX-GOOD"
