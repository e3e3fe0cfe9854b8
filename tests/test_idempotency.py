"""A POST repeated with the same ``Idempotency-Key`` creates one record.

Covers the department-token writes (records, enterprises) and the public submissions
(objections, repair applications): replay with ``Idempotent-Replayed: true``, the same
key with another body (422), key syntax (400), refusals not remembered, the key row in
the same transaction as the record, expiry after 24 hours, and, on PostgreSQL, real
concurrent duplicates from separate connections (``services``).
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import time
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db import connections as db_connections
from django.utils import timezone
from rest_framework.test import APIClient

from core import idempotency
from core.tokens import token_issue
from enterprises.models import (
    AuditEvent,
    CreditRecord,
    Department,
    IdempotencyKey,
    JobRun,
    Subject,
)
from repair.models import Case
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory
from tests.repair.verified import api_headers
from tests.workers import lock_waiters

RECORDS = "/api/v1/records/"
ENTERPRISES = "/api/v1/enterprises/"
OBJECTIONS = "/api/v1/objections/"
REPAIRS = "/api/v1/repair-applications/"
KEY = "3f1c2a9e-7d4b-4c1e-9a51-0b6f2d8e4c17"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def penalty(subject: Subject, **changes: Any) -> dict[str, Any]:
    body = {
        "subject_uscc": subject.uscc,
        "kind": "penalty",
        "decision_date": "2025-06-01",
        "document_number": "杭市监罚〔2025〕7号",
        "legal_basis": "《中华人民共和国广告法》第五十五条",
        "title": "发布虚假广告",
        "content": "罚款五千元。",
        "severity": "general",
        "publicity_end": "2028-06-01",
        "penalty_type": "fine",
        "fine_amount": "5000.00",
    }
    body.update(changes)
    return body


def token_client(department: Department) -> APIClient:
    _token, key = token_issue(department=department)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def post(client: APIClient, path: str, body: Any, key: str | None = KEY, **extra: Any) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(path, body, format="json", headers=headers, **extra)


def header_error(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    (error,) = body["errors"]
    assert error["field"] == "Idempotency-Key"
    return error


@pytest.fixture
def amr(db) -> Department:
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def amr_client(amr) -> APIClient:
    return token_client(amr)


@pytest.fixture
def subject(db) -> Subject:
    return SubjectFactory(name="杭州幂等测试有限公司", legal_representative="张三")


# --- Department-token writes -----------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_key_a_resent_record_is_written_again(amr_client, subject):
    # The document number already keeps resends from duplicating a record, but a resend
    # runs the write again and answers differently ("updated"): the key avoids both.
    assert post(amr_client, RECORDS, penalty(subject), key=None).status_code == 201
    assert post(amr_client, RECORDS, penalty(subject), key=None).status_code == 200
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_repeated_record_post_with_the_same_key_creates_one_record(amr_client, subject):
    first = post(amr_client, RECORDS, penalty(subject))
    audit_rows = AuditEvent.objects.count()

    second = post(amr_client, RECORDS, penalty(subject))

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert CreditRecord.objects.filter(subject=subject).count() == 1
    assert AuditEvent.objects.count() == audit_rows  # the replay wrote nothing
    stored = IdempotencyKey.objects.get()
    assert (stored.key, stored.method, stored.path, stored.status_code) == (
        KEY,
        "POST",
        RECORDS,
        201,
    )


@pytest.mark.django_db
def test_json_key_order_and_whitespace_do_not_change_the_request(amr_client, subject):
    body = penalty(subject)
    post(amr_client, RECORDS, body)
    reordered = dict(reversed(list(body.items())))

    again = amr_client.post(
        RECORDS,
        data=__import__("json").dumps(reordered, ensure_ascii=False, indent=2),
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )

    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_422_naming_the_header(amr_client, subject):
    post(amr_client, RECORDS, penalty(subject))

    response = post(amr_client, RECORDS, penalty(subject, title="另一份处罚"))

    assert response.status_code == 422
    error = header_error(response)
    assert error["code"] == "idempotency_key_reused"
    assert "different" in error["reason"]
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_same_key_on_another_endpoint_is_422(amr_client, subject):
    post(amr_client, RECORDS, penalty(subject))
    response = post(amr_client, ENTERPRISES, {"uscc": subject.uscc, "name": subject.name})
    assert response.status_code == 422
    assert header_error(response)["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_keys_are_per_token(amr, subject):
    # Another department's token (or another token of the same department) using the same
    # key string is another key: never answered with someone else's response.
    tax = Department.objects.get(code="zj-tax")
    first = post(token_client(amr), RECORDS, penalty(subject))
    other = post(token_client(tax), RECORDS, penalty(subject))
    assert first.status_code == other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert other.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.count() == 2


@pytest.mark.django_db
def test_enterprise_registration_is_replayed(amr_client):
    body = {"uscc": "91330100799655058B", "name": "杭州示例科技有限公司"}
    first = post(amr_client, ENTERPRISES, body)
    second = post(amr_client, ENTERPRISES, body)

    assert first.status_code == 201
    # Without the key the second call would update (200); with it, the first answer.
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Subject.objects.filter(uscc=body["uscc"]).count() == 1


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "empty"),
        ("k" * 256, "too long"),
        ("schlüssel", "not ASCII"),
        ("tab\there", "control character"),
    ],
)
@pytest.mark.django_db
def test_malformed_key_is_400_naming_the_header(amr_client, subject, key, why):
    response = post(amr_client, RECORDS, penalty(subject), key=key)

    assert response.status_code == 400, why
    error = header_error(response)
    assert error["code"] == "invalid"
    assert "1 to 255 printable ASCII" in error["reason"]
    assert not CreditRecord.objects.exists()


@pytest.mark.django_db
def test_longest_key_is_accepted(amr_client, subject):
    key = "~" * 255
    assert post(amr_client, RECORDS, penalty(subject), key=key).status_code == 201
    assert post(amr_client, RECORDS, penalty(subject), key=key)["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_refused_request_is_not_remembered(amr_client, subject):
    refused = post(amr_client, RECORDS, penalty(subject, severity=""))
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()

    # The client corrects the body and sends it again with the same key.
    fixed = post(amr_client, RECORDS, penalty(subject))

    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_failure_after_writing_leaves_neither_record_nor_key(amr_client, subject, monkeypatch):
    # Fault injection at the last step (storing the answer): the record was already
    # saved in the same transaction, so both must be gone.
    def broken(row, response):
        assert CreditRecord.objects.filter(subject=subject).count() == 1  # written by then
        raise RuntimeError("disk full while storing the answer")

    monkeypatch.setattr(idempotency, "_settle", broken)
    amr_client.raise_request_exception = False

    response = post(amr_client, RECORDS, penalty(subject))

    assert response.status_code == 500
    assert not CreditRecord.objects.exists()
    assert not IdempotencyKey.objects.exists()
    assert not AuditEvent.objects.filter(object_type="enterprises.creditrecord").exists()

    monkeypatch.undo()
    assert post(amr_client, RECORDS, penalty(subject)).status_code == 201
    assert CreditRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_key_older_than_24_hours_no_longer_answers(amr_client, subject):
    post(amr_client, RECORDS, penalty(subject))
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=24, seconds=1))

    again = post(amr_client, RECORDS, penalty(subject))

    # Handled afresh: the department's record with this document number is updated.
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
    assert CreditRecord.objects.count() == 1
    stored = IdempotencyKey.objects.get()  # the expired row made way for the new one
    assert stored.status_code == 200


@pytest.mark.django_db
def test_nightly_purge_deletes_expired_keys_and_leaves_a_job_run(amr_client, subject):
    post(amr_client, RECORDS, penalty(subject), key="old")
    post(amr_client, RECORDS, penalty(subject), key="fresh")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    out = io.StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert "Deleted 1 expired" in out.getvalue()
    run = JobRun.objects.get(name="purge_idempotency_keys")
    assert run.status == JobRun.Status.SUCCEEDED and run.counts["deleted"] == 1


def test_the_header_is_documented_on_every_idempotent_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (RECORDS, ENTERPRISES, OBJECTIONS, REPAIRS):
        operation = schema["paths"][path]["post"]
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert parameter["in"] == "header" and not parameter.get("required", False)
        assert "422" in operation["responses"]
        assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"]


# --- Public submissions ----------------------------------------------------------------------


@pytest.fixture
def record(subject) -> CreditRecord:
    today = timezone.localdate()
    department = DepartmentFactory(code="hz-idem", name_zh="杭州测试局", name_en="Test bureau")
    return CreditRecordFactory(
        subject=subject,
        department=department,
        decision_date=today - dt.timedelta(days=730),
        publicity_end=today + dt.timedelta(days=1100),
    )


@pytest.fixture
def _uploads(settings, tmp_path):
    settings.REPAIR_UPLOAD_DIR = tmp_path / "uploads"


def objection(subject: Subject, record: CreditRecord) -> dict[str, Any]:
    return {
        "uscc": subject.uscc,
        "legal_representative": "张三",
        "records": [record.pk],
        "grounds": "factual_error",
        "explanation": "错误",
        "contact_name": "李四",
        "contact_email": "li@example.org",
    }


@pytest.mark.django_db
def test_repeated_objection_creates_one_case_and_replays_the_access_code(subject, record):
    client = APIClient(**api_headers(subject))
    first = post(client, OBJECTIONS, objection(subject, record))
    second = post(client, OBJECTIONS, objection(subject, record))

    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    # The client that lost the first answer still learns its reference and access code.
    assert second.json()["reference"] == first.json()["reference"]
    assert second.json()["access_code"] == first.json()["access_code"]
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_unverified_requests_never_replay_a_stored_answer(subject, record):
    """The access is checked before the key: an unverified client at the same address
    sending the same key and body gets 401, never the stored access code."""
    first = post(APIClient(**api_headers(subject)), OBJECTIONS, objection(subject, record))
    assert first.status_code == 201
    second = post(APIClient(), OBJECTIONS, objection(subject, record))
    assert second.status_code == 401 and "access_code" not in second.json()


@pytest.mark.django_db
def test_public_keys_are_per_client_address(subject, record):
    verified = api_headers(subject)
    first = post(
        APIClient(REMOTE_ADDR="198.51.100.7", **verified), OBJECTIONS, objection(subject, record)
    )
    other = post(
        APIClient(REMOTE_ADDR="203.0.113.9", **verified), OBJECTIONS, objection(subject, record)
    )

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in other  # another client's key of the same spelling
    scopes = set(IdempotencyKey.objects.values_list("scope", flat=True))
    assert len(scopes) == 1 and next(iter(scopes)).startswith("anon:")
    assert "198.51.100.7" not in next(iter(scopes))  # the address is not stored


@pytest.mark.django_db
@pytest.mark.usefixtures("_uploads")
def test_repeated_multipart_repair_application_creates_one_case(subject, record):
    def form(content: bytes = PDF) -> dict[str, Any]:
        return {
            "uscc": subject.uscc,
            "legal_representative": "张三",
            "records": [record.pk],
            "contact_name": "李四",
            "contact_email": "li@example.org",
            "opinion": SimpleUploadedFile("opinion.pdf", content, "application/pdf"),
            "commitment": SimpleUploadedFile("commitment.pdf", PDF, "application/pdf"),
        }

    client = APIClient(**api_headers(subject))
    headers = {"Idempotency-Key": KEY}
    first = client.post(REPAIRS, form(), format="multipart", headers=headers)
    # A new multipart boundary, the same fields and files: the same request.
    second = client.post(REPAIRS, form(), format="multipart", headers=headers)
    # Another file content under the same name: another request.
    changed = client.post(REPAIRS, form(PDF + b"%changed\n"), format="multipart", headers=headers)

    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert changed.status_code == 422
    assert Case.objects.count() == 1


# --- Real concurrency on PostgreSQL ----------------------------------------------------------


def _post_in_thread(key: str, body: dict[str, Any], results: list[Any], index: int) -> None:
    try:
        results[index] = post(APIClient(HTTP_AUTHORIZATION=f"Bearer {key}"), RECORDS, body)
    except BaseException as exc:  # reported by the test, not lost in the thread
        results[index] = exc
    finally:
        db_connections.close_all()  # this thread's own connection


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_waits_for_the_first_and_replays_it(subject):
    """Request A claims the key and is held (a row lock the test owns) after writing its
    record; request B, same key, must wait on the key's unique index, not create a second
    record, and answer with A's response once A commits."""
    department = DepartmentFactory(code="hz-conc", name_zh="并发测试局", name_en="Concurrency")
    _token, api_key = token_issue(department=department)
    body = penalty(subject)
    results: list[Any] = [None, None]

    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=False,
    )
    try:
        # A's service marks the subject for rescoring: that UPDATE waits for this lock.
        holder.execute("SELECT id FROM enterprises_subject WHERE id = %s FOR UPDATE", [subject.pk])
        a = threading.Thread(target=_post_in_thread, args=(api_key, body, results, 0))
        a.start()
        deadline = time.monotonic() + 10
        while lock_waiters() < 1:
            assert time.monotonic() < deadline, "request A never reached the held row"
            time.sleep(0.05)
        b = threading.Thread(target=_post_in_thread, args=(api_key, body, results, 1))
        b.start()
        # B is blocked inserting the same key: the unique index makes it wait for A.
        while lock_waiters('INSERT INTO "enterprises_idempotencykey"') < 1:
            assert time.monotonic() < deadline, "request B did not wait for A's key"
            time.sleep(0.05)
        # Both are blocked now: A on the subject row, B on A's uncommitted key row.
        assert CreditRecord.objects.count() == 0  # nothing committed yet
        released = time.monotonic()
        holder.rollback()
        a.join(10)
        b.join(10)
    finally:
        holder.close()

    first, second = results
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert CreditRecord.objects.filter(subject=subject).count() == 1
    assert IdempotencyKey.objects.count() == 1
    assert time.monotonic() - released < 5


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_burst_of_concurrent_duplicates_creates_one_record(subject):
    department = DepartmentFactory(code="hz-burst", name_zh="突发测试局", name_en="Burst")
    _token, api_key = token_issue(department=department)
    body = penalty(subject)
    count = 8
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def go(index: int) -> None:
        start.wait()
        _post_in_thread(api_key, body, results, index)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    errors = [r for r in results if isinstance(r, BaseException) or r is None]
    assert not errors, errors
    assert [r.status_code for r in results] == [201] * count
    originals = [r for r in results if "Idempotent-Replayed" not in r]
    assert len(originals) == 1
    assert {r.json()["id"] for r in results} == {originals[0].json()["id"]}
    assert CreditRecord.objects.filter(subject=subject).count() == 1
