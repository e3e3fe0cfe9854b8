"""The public API of one credit file, and what the expiry job takes off every public surface."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from enterprises.models import CreditRecord, Evaluation, Subject
from enterprises.scoring import subjects_rescore
from repair.services import records_expire
from tests.factories import CreditRecordFactory, SubjectFactory

pytestmark = pytest.mark.django_db

D = dt.date


def api(client, path: str, **params):
    return client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")


def test_credit_file_shows_public_information_only(client):
    subject = SubjectFactory(name="杭州公开测试有限公司")
    CreditRecordFactory(subject=subject, title="PUBLIC-MARKER")
    CreditRecordFactory(subject=subject, title="PARTIAL-MARKER", disclosure="partial")
    CreditRecordFactory(subject=subject, title="GOV-MARKER", disclosure="government")
    CreditRecordFactory(
        subject=subject,
        kind="licence",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        title="营业执照",
    )

    body = api(client, f"/api/v1/enterprises/{subject.uscc}/").json()
    assert body["name"] == "杭州公开测试有限公司" and body["uscc"] == subject.uscc
    assert body["record_counts"] == {"basic": 1, "negative": 1, "trust": 0, "other": 0}

    records = api(client, f"/api/v1/enterprises/{subject.uscc}/records/").json()
    titles = {r["title"] for r in records["results"]}
    assert titles == {"PUBLIC-MARKER", "营业执照"}
    assert "disclosure" not in records["results"][0]
    negative = api(client, f"/api/v1/enterprises/{subject.uscc}/records/", category="negative")
    assert [r["title"] for r in negative.json()["results"]] == ["PUBLIC-MARKER"]


def test_bad_codes_and_parameters_are_4xx_naming_the_field(client):
    response = api(client, "/api/v1/enterprises/91330100799655058C/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "uscc"
    assert response.json()["errors"][0]["code"] == "checksum"
    assert api(client, "/api/v1/enterprises/91330100799655058B/").status_code == 404
    subject = SubjectFactory()
    response = api(
        client,
        f"/api/v1/enterprises/{subject.uscc}/records/",
        category="secret",
        kind="nope",
        changed_since="yesterday",
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"category", "kind", "changed_since"}


def test_natural_persons_have_no_public_file(client):
    person = Subject.objects.create(subject_type="natural_person", name="王五", uscc=None)
    CreditRecordFactory(subject=person, title="PERSON-MARKER")
    assert api(client, "/api/v1/enterprises/None/").status_code == 400


def test_changed_since_lists_only_newer_changes(client):
    subject = SubjectFactory()
    old = CreditRecordFactory(subject=subject, title="旧")
    CreditRecord.objects.filter(pk=old.pk).update(updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    CreditRecordFactory(subject=subject, title="新")
    response = api(
        client, f"/api/v1/enterprises/{subject.uscc}/records/", changed_since="2025-01-01T00:00:00Z"
    )
    assert [r["title"] for r in response.json()["results"]] == ["新"]


def test_expired_record_leaves_every_public_surface_but_stays_for_officials(
    client, django_capture_on_commit_callbacks
):
    """Acceptance: after expire_records the record is gone from the public file, the
    API, the PDF and the feeds, officials still have it, the score moves; a rerun changes
    nothing."""
    subject = SubjectFactory()
    record = CreditRecordFactory(
        subject=subject,
        title="EXPIRING-PENALTY-MARKER",
        decision_date=D(2023, 1, 10),
        publicity_end=D(2026, 1, 10),
    )
    subjects_rescore(on=D(2025, 12, 1))  # scored while the penalty was in publicity
    before = Evaluation.objects.get(subject=subject).score
    surfaces = {
        "file": f"/enterprises/{subject.uscc}/?tab=negative",
        "api": f"/api/v1/enterprises/{subject.uscc}/records/",
        "feed": f"/enterprises/{subject.uscc}/feed/",
    }
    for path in surfaces.values():
        assert "EXPIRING-PENALTY-MARKER" in client.get(path).content.decode(), path

    with django_capture_on_commit_callbacks(execute=True):
        records_expire(on=D(2026, 11, 25))  # rescoring is queued on commit

    for path in surfaces.values():
        assert "EXPIRING-PENALTY-MARKER" not in client.get(path).content.decode(), path
    pdf = client.get(f"/enterprises/{subject.uscc}/report.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert subject.name in text and "EXPIRING-PENALTY-MARKER" not in text
    record.refresh_from_db()
    assert record.state == "expired"  # kept, for officials
    after = Evaluation.objects.get(subject=subject).score
    assert after > before
    again = records_expire(on=D(2026, 11, 25))
    assert again.counts["records_expired"] == 0
    assert Evaluation.objects.get(subject=subject).score == after
