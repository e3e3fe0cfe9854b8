"""Verified access (docs/rules.md §8.8): one-time codes to the registered contact e-mail,
their limits, the pages and API an unverified client gets, filing at the counter."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from core.models import AuditEvent
from repair import services
from repair.models import AccessChallenge, Case, SubjectContact
from tests.factories import CreditRecordFactory, SubjectFactory

from .conftest import committing, pdf
from .verified import api_headers

pytestmark = pytest.mark.django_db

CONTACT = "finance.dept@zhejiang-firm.example"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def contact(subject):
    return SubjectContact.objects.create(subject=subject, email=CONTACT)


def _code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def _repair_data(subject, record):
    return {
        "uscc": subject.uscc,
        "legal_representative": subject.legal_representative,
        "records": [record.pk],
        "contact_name": "李四",
        "contact_email": "li@example.org",
        "opinion": pdf("opinion.pdf"),
        "commitment": pdf("commitment.pdf"),
    }


def test_pages_verify_with_a_code_sent_to_the_registered_contact(client, subject, contact, record):
    # Unverified: the filing page explains verification and offers it.
    page = client.get(f"/repair/new/?uscc={subject.uscc}")
    assert page.status_code == 200 and "Verify first" in page.content.decode()
    assert "/verify/?next=" in page.content.decode()

    with committing():
        response = client.post("/verify/", {"uscc": subject.uscc, "next": "/repair/new/"})
    assert response.status_code == 302 and response["Location"].startswith("/verify/code/")
    assert mail.outbox[-1].to == [CONTACT]
    code = _code_from_mail()
    challenge = AccessChallenge.objects.get()
    # Hashed at rest: the code is nowhere in the row.
    assert code not in challenge.code_hash and challenge.subject == subject
    page = client.get(response["Location"]).content.decode()
    assert "f***@z***.example" in page and CONTACT not in page

    wrong = client.post("/verify/code/", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400 and "wrong or no longer valid" in wrong.content.decode()
    right = client.post("/verify/code/", {"code": code, "next": "/repair/new/"})
    assert right.status_code == 302 and right["Location"] == "/repair/new/"

    form = client.get("/repair/new/")
    assert form.status_code == 200 and 'name="records"' in form.content.decode()
    assert form.context["form"].fields["uscc"].disabled
    # The subject is the verified one, whatever the request says.
    other = SubjectFactory(legal_representative="王五")
    with committing():
        response = client.post(
            "/repair/new/",
            {**_repair_data(subject, record), "uscc": other.uscc, "legal_representative": "王五"},
        )
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.subject == subject
    # Verified, the look-up lists every case of the enterprise.
    lookup = client.get("/track/").content.decode()
    assert case.reference in lookup
    assert client.get(f"/track/{case.reference}/").status_code == 200
    actions = set(
        AuditEvent.objects.filter(object_type="repair.accesschallenge").values_list(
            "reason", flat=True
        )
    )
    assert actions == {"One-time code sent.", "One-time code verified."}


def test_codes_expire_allow_five_tries_and_are_used_once(subject, contact):
    now = timezone.now()
    challenge = services.access_code_request(uscc=subject.uscc, client="10.0.0.1", now=now)
    with pytest.raises(Exception, match="no longer valid"):
        services.access_code_verify(
            challenge_id=challenge.pk, code="x", now=now + dt.timedelta(minutes=16)
        )
    challenge = services.access_code_request(uscc=subject.uscc, client="10.0.0.1", now=now)
    code = _code_from_mail() if mail.outbox else None
    for _try in range(5):
        with pytest.raises(Exception, match="no longer valid"):
            services.access_code_verify(challenge_id=challenge.pk, code="abc", now=now)
    challenge.refresh_from_db()
    assert challenge.attempts == 5
    # Blocked: even a right code no longer opens it.
    if code is not None:
        with pytest.raises(Exception, match="no longer valid"):
            services.access_code_verify(challenge_id=challenge.pk, code=code, now=now)


def test_a_code_opens_once_and_the_token_expires(
    subject, contact, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        challenge = services.access_code_request(uscc=subject.uscc, client="10.0.0.1", now=now)
    code = _code_from_mail()
    access, token = services.access_code_verify(challenge_id=challenge.pk, code=code, now=now)
    assert access.subject_id == subject.pk
    assert services.access_from_token(token).subject_id == subject.pk
    assert services.access_from_token(token + "x") is None
    with pytest.raises(Exception, match="no longer valid"):
        services.access_code_verify(challenge_id=challenge.pk, code=code, now=now)


def test_limits_per_subject_and_per_address(client, subject, contact):
    for _n in range(services.access.CODES_PER_SUBJECT):
        services.access_code_request(uscc=subject.uscc, client="10.0.0.2")
    with pytest.raises(services.access.TooManyCodes, match="for this subject"):
        services.access_code_request(uscc=subject.uscc, client="10.0.0.3")
    response = client.post("/verify/", {"uscc": subject.uscc}, REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 429 and "for this subject" in response.content.decode()
    for _n in range(services.access.CODES_PER_EMAIL):
        services.access_code_request(email="me@example.org", client=f"10.1.0.{_n}")
    with pytest.raises(services.access.TooManyCodes, match="to this e-mail"):
        services.access_code_request(email="me@example.org", client="10.1.1.1")


def test_one_address_asking_codes_for_100_companies_gets_ten(client):
    firms = SubjectFactory.create_batch(100)
    SubjectContact.objects.bulk_create(
        SubjectContact(subject=firm, email=f"c{firm.pk}@example.org") for firm in firms
    )
    answers = [
        client.post("/api/v1/access/codes/", {"uscc": firm.uscc}, content_type="application/json")
        for firm in firms
    ]
    codes = [a.status_code for a in answers]
    assert codes.count(202) == services.access.CODES_PER_CLIENT
    assert set(codes[services.access.CODES_PER_CLIENT :]) == {429}
    assert "from your address" in answers[-1].json()["detail"]
    assert AccessChallenge.objects.count() == services.access.CODES_PER_CLIENT


def test_100_unverified_filings_for_different_companies_are_refused(client, department):
    """Acceptance: one address, 100 companies, pages and API: refused with the reason,
    no case created, no record put under objection."""
    today = timezone.localdate()
    firms = SubjectFactory.create_batch(50)
    records = [
        CreditRecordFactory(
            subject=firm,
            department=department,
            decision_date=today - dt.timedelta(days=730),
            publicity_end=today + dt.timedelta(days=900),
        )
        for firm in firms
    ]
    for n, (firm, record) in enumerate(zip(firms, records, strict=True)):
        data = {
            "uscc": firm.uscc,
            "legal_representative": firm.legal_representative,
            "records": [record.pk],
            "grounds": "factual_error",
            "explanation": "批量异议",
            "contact_name": "x",
            "contact_email": "x@example.org",
        }
        if n % 2:
            response = client.post("/api/v1/objections/", data, content_type="application/json")
            assert response.status_code == 401
            body = response.json()
            assert body["errors"][0]["code"] == "verification_required"
            assert "Verify first" in body["detail"]
            assert response["WWW-Authenticate"].startswith("X-Verified-Access")
        else:
            response = client.post("/objections/new/", data)
            assert response.status_code == 403
            assert "Verify first" in response.content.decode()
        repair = client.post(
            "/api/v1/repair-applications/",
            {k: v for k, v in data.items() if k not in ("grounds",)},
            content_type="application/json",
        )
        assert repair.status_code == 401
    assert not Case.objects.exists()
    assert not records[0].__class__.objects.filter(state="under_objection").exists()


def test_api_verify_then_file_and_read(client, subject, contact, record):
    with committing():
        asked = client.post(
            "/api/v1/access/codes/", {"uscc": subject.uscc}, content_type="application/json"
        )
    assert asked.status_code == 202 and asked.json()["sent_to"] == "f***@z***.example"
    challenge = asked.json()["challenge"]
    bad = client.post(
        "/api/v1/access/verify/",
        {"challenge": challenge, "code": "bad"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "code"
    forged = client.post(
        "/api/v1/access/verify/", {"challenge": "1", "code": "1"}, content_type="application/json"
    )
    assert forged.status_code == 400 and forged.json()["errors"][0]["field"] == "challenge"
    verified = client.post(
        "/api/v1/access/verify/",
        {"challenge": challenge, "code": _code_from_mail()},
        content_type="application/json",
    )
    assert verified.status_code == 200 and verified.json()["uscc"] == subject.uscc
    token = verified.json()["token"]
    with committing():
        filed = client.post(
            "/api/v1/repair-applications/",
            _repair_data(subject, record),
            HTTP_X_VERIFIED_ACCESS=token,
        )
    assert filed.status_code == 201, filed.content
    assert filed.json()["next_actor"].endswith("checks that the material is complete.")


def test_api_tokens_decide_what_may_be_filed_and_read(client, subject, record, department):
    other = SubjectFactory()
    other_record = CreditRecordFactory(subject=other, department=department)
    data = {
        "uscc": other.uscc,
        "legal_representative": other.legal_representative,
        "records": [other_record.pk],
        "grounds": "factual_error",
        "explanation": "错误",
        "contact_name": "x",
        "contact_email": "x@example.org",
    }
    # Verified for ``subject``: an objection naming another firm's record is refused.
    response = client.post(
        "/api/v1/objections/", data, content_type="application/json", **api_headers(subject)
    )
    assert response.status_code == 400 and not Case.objects.exists()
    # A stakeholder's e-mail files no repair application and no objection to records.
    stakeholder = api_headers(email="third@example.org")
    response = client.post(
        "/api/v1/repair-applications/", data, content_type="application/json", **stakeholder
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "stakeholder_objection_only"
    response = client.post(
        "/api/v1/objections/", data, content_type="application/json", **stakeholder
    )
    assert response.status_code == 403
    # The enterprise files its own objection, reads it back and lists it with its token.
    mine = {**data, "records": [record.pk]}
    response = client.post(
        "/api/v1/objections/", mine, content_type="application/json", **api_headers(subject)
    )
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    assert response.json()["subject"]["uscc"] == subject.uscc
    read = client.get(f"/api/v1/objections/{reference}/", **api_headers(subject))
    assert read.status_code == 200 and read.json()["steps"][0]["step"] == "received"
    assert client.get(f"/api/v1/objections/{reference}/", **api_headers(other)).status_code == 404
    unverified = client.get(f"/api/v1/objections/{reference}/")
    assert unverified.status_code == 401
    listed = client.get("/api/v1/access/cases/", **api_headers(subject)).json()["results"]
    assert [c["reference"] for c in listed] == [reference]
    assert client.get("/api/v1/access/cases/").status_code == 401


def test_no_registered_contact_says_what_to_do(client, subject):
    response = client.post("/verify/", {"uscc": subject.uscc})
    assert response.status_code == 400
    assert "No contact e-mail is registered" in response.content.decode()
    assert not mail.outbox and not AccessChallenge.objects.exists()


def test_the_contact_email_is_never_on_a_public_page(client, subject, contact, record):
    for url in [
        f"/enterprises/{subject.uscc}/",
        f"/api/v1/enterprises/{subject.uscc}/",
        f"/repair/?uscc={subject.uscc}",
        f"/verify/?uscc={subject.uscc}",
    ]:
        assert CONTACT not in Client().get(url).content.decode(), url


def test_an_official_files_at_the_counter_for_their_department(client, officer, subject, record):
    client.force_login(officer)
    page = client.get("/repair/workbench/file/repair/")
    assert page.status_code == 200
    with committing():
        response = client.post("/repair/workbench/file/repair/", _repair_data(subject, record))
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.events.get().actor == f"user:{officer.get_username()}"
    assert "access_code" in response.context
    # Another department's record: refused, nothing filed.
    elsewhere = CreditRecordFactory(subject=subject, title="ELSEWHERE")
    response = client.post("/repair/workbench/file/repair/", _repair_data(subject, elsewhere))
    assert response.status_code == 400
    assert "handled by another department" in response.content.decode()
    assert Case.objects.count() == 1
    assert Client().get("/repair/workbench/file/repair/").status_code == 302
