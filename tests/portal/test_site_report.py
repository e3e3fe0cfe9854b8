"""The credit report PDF and its verification page."""

from __future__ import annotations

import hashlib
import io
import time

import pytest
from django.utils import timezone
from pypdf import PdfReader

from enterprises.models import Edition, Evaluation, ReportIssue
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def evaluate(subject, score=842, grade="B"):
    edition = Edition.objects.first()
    if edition is None:
        pytest.skip("no indicator catalogue edition to attach an evaluation to")
    return Evaluation.objects.create(
        subject=subject,
        score=score,
        grade=grade,
        evaluated_at=timezone.now(),
        evaluated_on=timezone.localdate(),
        edition=edition,
        breakdown={"4.1.1": -18},
    )


def test_report_has_the_chinese_name_score_number_and_verifies(client):
    subject = SubjectFactory(name="杭州报告示范科技有限公司")
    CreditRecordFactory(subject=subject, title="发布虚假广告")
    evaluate(subject)
    response = client.get(f"/enterprises/{subject.uscc}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "杭州报告示范科技有限公司" in text
    assert "842" in text and "发布虚假广告" in text
    issue = ReportIssue.objects.get()
    assert issue.number in text and issue.code in text
    assert issue.content_hash == hashlib.sha256(response.content).hexdigest()
    assert issue.score == 842 and issue.grade == "B"
    page = client.get(f"/reports/verify/{issue.code}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert issue.number in body and subject.name in body and issue.content_hash in body


def test_report_embeds_a_cjk_truetype_font(client):
    subject = SubjectFactory(name="宁波字体有限公司")
    pdf = client.get(f"/enterprises/{subject.uscc}/report.pdf").content
    embedded = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font["/Subtype"] == "/TrueType" and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]))  # an embedded TrueType program
    assert any("WenQuanYiMicroHei" in name for name in embedded)


def test_report_without_evaluation_says_not_yet_evaluated(client):
    subject = SubjectFactory()
    client.cookies["django_language"] = "en"
    text = text_of(client.get(f"/enterprises/{subject.uscc}/report.pdf").content)
    assert "Not yet evaluated" in text


def test_tampered_code_is_refused(client):
    subject = SubjectFactory()
    client.get(f"/enterprises/{subject.uscc}/report.pdf")
    code = ReportIssue.objects.get().code
    tampered = code[:-1] + ("2" if code[-1] != "2" else "3")
    response = client.get(f"/reports/verify/{tampered}/")
    assert response.status_code == 404
    client.cookies["django_language"] = "en"
    assert "cannot be confirmed" in client.get(f"/reports/verify/{tampered}/").content.decode()


def test_report_of_500_records_takes_under_two_seconds(client):
    subject = SubjectFactory(name="温州五百条记录有限公司")
    CreditRecordFactory.create_batch(500, subject=subject)
    # CPU time of this process (the test client runs the view in-process): other
    # processes sharing a busy CI machine do not make it flaky. Alone it is ≈ 0.5 s.
    started = time.process_time()
    response = client.get(f"/enterprises/{subject.uscc}/report.pdf")
    elapsed = time.process_time() - started
    assert response.status_code == 200
    assert ReportIssue.objects.get().record_count == 500
    assert elapsed < 2.0, f"{elapsed:.2f} s"
