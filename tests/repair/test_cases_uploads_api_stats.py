"""Uploads refused by content and size leave nothing on disk; the API; the statistics
page and the daily reminder job."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from core.actors import Actor
from enterprises.models import JobRun
from repair import services
from repair.models import Attachment, Case
from rules.workdays import add_working_days, working_days_between
from tests.factories import CreditRecordFactory

from .conftest import PNG, committing, pdf
from .verified import api_headers, verify_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _verified(client, subject):
    """The pages speak for the subject (docs/rules.md §8.8)."""
    verify_client(client, subject)


@pytest.fixture(autouse=True)
def _english(client):
    # These tests read messages in English; pages are Chinese unless the visitor chose English.
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def _form(subject, record, **files):
    return {
        "uscc": subject.uscc,
        "legal_representative": "张三",
        "records": [record.pk],
        "contact_name": "李四",
        "contact_email": "li@example.org",
        "opinion": pdf(),
        "commitment": pdf(),
        **files,
    }


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
            "is not a PDF, JPEG or PNG file",
        ),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024)),
            "is larger than 10 MB",
        ),
        (
            SimpleUploadedFile(
                "page.html", b"<!DOCTYPE html><script>alert(1)</script>", "text/html"
            ),
            "is not a PDF, JPEG or PNG file",
        ),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client, subject, record, upload_dir, upload, message
):
    with override("en"):
        response = client.post("/repair/new/", _form(subject, record, evidence=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_service_failure_after_writing_removes_the_files(subject, record, upload_dir, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(services, "audit_change", boom)
    with pytest.raises(RuntimeError):
        services.repair_application_submit(
            subject=subject,
            records=[record],
            contact_name="x",
            contact_email="x@example.org",
            files=[("opinion", pdf()), ("commitment", pdf())],
        )
    assert not any(upload_dir.iterdir())


def test_good_uploads_stored_outside_static_under_random_names(
    client, subject, record, upload_dir, settings
):
    image = SimpleUploadedFile("photo.pdf", PNG, "application/pdf")  # a PNG, whatever its name
    with committing():
        response = client.post("/repair/new/", _form(subject, record, evidence=image))
    assert response.status_code == 200
    stored = {a.stored_name: a for a in Attachment.objects.all()}
    assert set(stored) == {p.name for p in upload_dir.iterdir()}
    assert {a.content_type for a in stored.values()} == {"application/pdf", "image/png"}
    assert all(re.fullmatch(r"[0-9a-f]{32}\.(pdf|png)", name) for name in stored)
    assert not str(upload_dir).startswith(str(settings.STATIC_ROOT))


def test_api_submit_and_read_back(client, subject, record):
    response = client.post(
        "/api/v1/repair-applications/",
        _form(subject, record),
        HTTP_ACCEPT_LANGUAGE="en",
        **api_headers(subject),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["access_code"]
    got = client.get(
        f"/api/v1/repair-applications/{body['reference']}/",
        {"access_code": body["access_code"]},
    )
    assert got.status_code == 200 and got.json()["history"][0]["state"] == "submitted"
    assert (
        client.get(
            f"/api/v1/repair-applications/{body['reference']}/", {"access_code": "x"}
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/objections/",
        {"uscc": subject.uscc, "legal_representative": "张三", "grounds": "nonsense"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **api_headers(subject),
    )
    assert bad.status_code == 400
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"grounds", "explanation", "contact_email"} <= fields
    ok = client.post(
        "/api/v1/objections/",
        {
            "uscc": subject.uscc,
            "legal_representative": "张三",
            "records": [record.pk],
            "grounds": "factual_error",
            "explanation": "错误",
            "contact_name": "李四",
            "contact_email": "li@example.org",
        },
        content_type="application/json",
        **api_headers(subject),
    )
    assert ok.status_code == 201, ok.content
    record.refresh_from_db()
    assert record.state == "under_objection"


def test_statistics_match_the_cases(client, subject, department, reviewer, today):
    # No other record of the subject: three records decided the same day, each with a
    # clean record since (rules.md §8.1).
    actor = Actor.for_user(reviewer)
    cases = []
    for _n in range(3):
        target = CreditRecordFactory(
            subject=subject,
            department=department,
            decision_date=today - dt.timedelta(days=800),
            publicity_end=today + dt.timedelta(days=800),
        )
        case, _code = services.repair_application_submit(
            subject=subject,
            records=[target],
            contact_name="x",
            contact_email="x@example.org",
            files=[("opinion", pdf()), ("commitment", pdf())],
            on=dt.date(2026, 3, 2),
        )
        cases.append(case)
    for case in cases:
        services.repair_accept(actor=actor, case=case, on=dt.date(2026, 3, 3))
    services.repair_decide(
        actor=actor, case=cases[0], grant=True, reasons="ok", on=dt.date(2026, 3, 5)
    )
    services.repair_decide(
        actor=actor, case=cases[1], grant=False, reasons="no", on=dt.date(2026, 4, 30)
    )
    page = client.get("/repair/statistics/", HTTP_ACCEPT_LANGUAGE="en")
    rows = page.context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.month, row.received, row.decided) == ("2026-03", 3, 2)
    days = sorted(
        working_days_between(dt.date(2026, 3, 2), d)
        for d in (dt.date(2026, 3, 5), dt.date(2026, 4, 30))
    )
    assert row.median_days == sum(days) / 2
    assert row.within_deadline_share == 0.5  # 15 working days from 3 March end before 30 April
    assert sum(row.outcomes.values()) == 2
    html = page.content.decode()
    assert '<td class="received">3</td>' in html and "50%" in html


def test_daily_reminder_emails_officials_and_is_recorded(
    client, subject, record, officer, reviewer, today
):
    case, _code = services.repair_application_submit(
        subject=subject,
        records=[record],
        contact_name="x",
        contact_email="x@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
        on=today - dt.timedelta(days=10),
    )
    assert case.due_on < today
    mail.outbox.clear()
    counts = services.case_deadlines_remind(on=today)
    assert counts["due_soon"] == 1 and counts["overdue"] == 1 and counts["emails"] == 2
    assert {m.to[0] for m in mail.outbox} == {"officer@example.org", "reviewer@example.org"}
    run = JobRun.objects.get(name=services.REMINDER_JOB)
    assert run.status == "succeeded" and run.counts["overdue"] == 1
    client.force_login(officer)
    page = client.get("/repair/workbench/").content.decode()
    assert 'class="overdue' in page and case.reference in page
    assert add_working_days(today, 2).date >= today


def test_workbench_queries_do_not_grow_with_cases(
    client, subject, department, reviewer, today, django_assert_max_num_queries
):
    def submit():
        target = CreditRecordFactory(
            subject=subject,
            department=department,
            decision_date=today - dt.timedelta(days=800),
            publicity_end=today + dt.timedelta(days=800),
        )
        services.repair_application_submit(
            subject=subject,
            records=[target],
            contact_name="x",
            contact_email="x@example.org",
            files=[("opinion", pdf()), ("commitment", pdf())],
        )

    client.force_login(reviewer)
    submit()
    client.get("/repair/workbench/")
    with django_assert_max_num_queries(8) as one:
        assert client.get("/repair/workbench/").status_code == 200
    for _n in range(5):
        submit()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/repair/workbench/").status_code == 200
