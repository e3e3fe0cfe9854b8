"""The public page of approved credit service agencies and their courses, and the Letter
of Commitment to Credit Repair as a PDF (docs/rules.md §8.2, §8.8)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from pypdf import PdfReader

from demo.training import demo_training
from repair.models import CreditServiceAgency, TrainingCertificate, TrainingCourse
from tests.factories import CreditRecordFactory, SubjectFactory

from .verified import verify_client

pytestmark = pytest.mark.django_db

HOLDER = "证书持有测试有限公司"
ATTENDEE = "王证书"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages in English (the language cookie, as the language switch sets it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def agencies():
    today = timezone.localdate()
    shown = CreditServiceAgency.objects.create(
        name="杭州公开信用服务有限公司",
        name_en="Hangzhou Open Credit Services",
        uscc="91330100MA2TEST01X",
        approved_on=today - dt.timedelta(days=100),
        approved_until=today + dt.timedelta(days=100),
    )
    expired = CreditServiceAgency.objects.create(
        name="过期信用服务有限公司", approved_until=today - dt.timedelta(days=1)
    )
    unapproved = CreditServiceAgency.objects.create(name="未批准信用服务有限公司", approved=False)
    future = CreditServiceAgency.objects.create(
        name="将来信用服务有限公司", approved_on=today + dt.timedelta(days=3)
    )
    TrainingCourse.objects.create(
        agency=shown, title_zh="信用修复专题培训", title_en="Credit repair training", hours=3
    )
    TrainingCourse.objects.create(
        agency=shown, title_zh="停开的旧课程", title_en="Closed old course", hours=4, active=False
    )
    TrainingCourse.objects.create(agency=expired, title_zh="过期机构课程", hours=3)
    holder = SubjectFactory(name=HOLDER)
    TrainingCertificate.objects.create(
        agency=shown,
        number="PX-LEAK-0001",
        hours=3,
        issued_on=today,
        attendee=ATTENDEE,
        subject=holder,
    )
    return shown, expired, unapproved, future


def test_agencies_page_lists_approved_agencies_and_active_courses_only(client, agencies):
    response = client.get("/repair/agencies/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hangzhou Open Credit Services" in html
    assert "91330100MA2TEST01X" in html
    assert "Credit repair training" in html
    assert (timezone.localdate() + dt.timedelta(days=100)).isoformat() in html
    for hidden in ("过期信用服务有限公司", "未批准信用服务有限公司", "将来信用服务有限公司"):
        assert hidden not in html
    assert "Closed old course" not in html
    assert "过期机构课程" not in html
    # Certificates and their holders are never public.
    for secret in (HOLDER, ATTENDEE, "PX-LEAK-0001"):
        assert secret not in html


def test_agencies_page_in_chinese_shows_the_chinese_names(client, agencies):
    with translation.override("zh-hans"):
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        response = client.get("/repair/agencies/")
    html = response.content.decode()
    assert "杭州公开信用服务有限公司" in html
    assert "信用修复专题培训" in html


def test_guide_and_form_link_to_the_agencies(client, agencies):
    assert "/repair/agencies/" in client.get("/repair/").content.decode()
    subject = SubjectFactory()
    verify_client(client, subject)
    html = client.get("/repair/new/").content.decode()
    assert "/repair/agencies/" in html
    assert f"/repair/letter/{subject.uscc}.pdf" in html


def test_a_course_has_at_least_3_hours(agencies):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingCourse.objects.create(agency=agencies[0], title_zh="短课", hours=Decimal("2.5"))


def test_a_certificate_issued_after_the_approval_ended_does_not_count(agencies):
    from django.core.exceptions import ValidationError

    from repair.services.intake import _certificate

    expired = agencies[1]
    subject = SubjectFactory()
    TrainingCertificate.objects.create(
        agency=expired,
        number="PX-LATE-1",
        hours=3,
        issued_on=timezone.localdate(),
        attendee="李",
        subject=subject,
    )
    with pytest.raises(ValidationError, match="approved credit service agency"):
        _certificate("PX-LATE-1", required=True, subject=subject, decided_on=None)


def test_demo_training_seeds_agencies_courses_and_certificates():
    today = timezone.localdate()
    subject = SubjectFactory()
    CreditRecordFactory(subject=subject, severity="serious", decision_date=today.replace(day=1))
    assert demo_training(as_of=today) == 1
    assert demo_training(as_of=today) == 0
    certificate = TrainingCertificate.objects.get()
    assert certificate.subject == subject
    assert certificate.agency.approved_at(certificate.issued_on)
    assert CreditServiceAgency.objects.count() == 4
    assert TrainingCourse.objects.filter(active=True).count() >= 4


# --- The letter of commitment ------------------------------------------------------------


def _text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def firm():
    subject = SubjectFactory(name="杭州承诺书测试有限公司", legal_representative="赵承诺")
    record = CreditRecordFactory(
        subject=subject, document_number="杭市监罚〔2024〕777号", decision_date=dt.date(2024, 1, 5)
    )
    return subject, record


def test_letter_names_the_subject_and_the_record(client, firm):
    subject, record = firm
    verify_client(client, subject)
    response = client.get(f"/repair/letter/{subject.uscc}.pdf?records={record.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    for expected in (subject.name, subject.uscc, "赵承诺", "杭市监罚〔2024〕777号", "2024-01-05"):
        assert expected in text
    assert "3 years" in text
    assert "signature" in text


def test_letter_without_records_lists_those_repairable_now(client, firm):
    subject, _record = firm
    verify_client(client, subject)
    response = client.get(f"/repair/letter/{subject.uscc}.pdf")
    assert response.status_code == 200
    assert "杭市监罚〔2024〕777号" in _text(response.content)


def test_letter_needs_verified_access_for_the_subject(client, firm):
    subject, record = firm
    url = f"/repair/letter/{subject.uscc}.pdf?records={record.pk}"
    response = client.get(url)
    assert response.status_code == 403
    assert b"%PDF" not in response.content
    assert "Verify" in response.content.decode()
    verify_client(client, SubjectFactory())
    assert client.get(url).status_code == 403


def test_letter_refuses_a_record_of_another_subject_and_bad_input(client, firm):
    subject, _record = firm
    other = CreditRecordFactory(subject=SubjectFactory())
    hidden = CreditRecordFactory(subject=subject, disclosure="government")
    verify_client(client, subject)
    base = f"/repair/letter/{subject.uscc}.pdf?records="
    for records in (str(other.pk), str(hidden.pk)):
        response = client.get(base + records)
        assert response.status_code == 400
        assert "Not public negative information of this subject" in response.content.decode()
    for bad in ("abc", "1,,x", "9" * 40, ","):
        response = client.get(base + bad)
        assert response.status_code == 400, bad
        assert "separated by commas" in response.content.decode()
    response = client.get("/repair/letter/91330100XXXXXXXXXX.pdf")
    assert response.status_code == 404
    assert "No credit subject has this code" in response.content.decode()
