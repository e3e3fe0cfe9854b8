"""The source-department API at the HTTP level: /api/v1/departments/, enterprises/, records/."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError
from rest_framework.test import APIClient

from core.tokens import token_issue, token_revoke
from enterprises.models import AuditEvent, CreditRecord, Department, FormerName, Subject
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

VALID_USCC = "91330100799655058B"  # from the thesis; passes its check


def errors_by_field(response) -> dict[str, dict[str, str]]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return {error["field"]: error for error in body["errors"]}


def counts() -> tuple[int, int, int]:
    # Issuing the test's token writes an audit row of its own; count credit information.
    events = AuditEvent.objects.exclude(object_type="enterprises.departmenttoken")
    return Subject.objects.count(), CreditRecord.objects.count(), events.count()


@pytest.fixture
def amr() -> Department:
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def tax() -> Department:
    return Department.objects.get(code="zj-tax")


@pytest.fixture
def anonymous() -> APIClient:
    # English, so that reasons can be compared whatever translations exist.
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def client_for(department: Department) -> tuple[APIClient, str]:
    token, key = token_issue(department=department)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client, token.prefix


@pytest.fixture
def amr_client(amr) -> APIClient:
    return client_for(amr)[0]


@pytest.fixture
def subject() -> Subject:
    return SubjectFactory()


def penalty(subject: Subject, **changes) -> dict:
    body = {
        "subject_uscc": subject.uscc,
        "kind": "penalty",
        "decision_date": "2025-06-01",
        "document_number": "杭市监罚〔2025〕1号",
        "legal_basis": "《中华人民共和国广告法》第五十五条",
        "title": "发布虚假广告",
        "content": "罚款五千元。",
        "severity": "general",
        "publicity_end": "2028-06-01",
        "penalty_type": "fine",
        "fine_amount": "5000.00",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


# --- Departments (public) ---------------------------------------------------------------------


def test_departments_are_listed_without_a_token(anonymous, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = anonymous.get("/api/v1/departments/")

    assert response.status_code == 200
    body = response.json()
    codes = [row["code"] for row in body["results"]]
    assert body["count"] == Department.objects.count() == len(codes)
    assert codes == sorted(Department.objects.values_list("code", flat=True))
    amr = next(row for row in body["results"] if row["code"] == "zj-amr")
    assert amr == {
        "code": "zj-amr",
        "name_zh": "浙江省市场监督管理局",
        "name_en": "Zhejiang Administration for Market Regulation",
        "level": "provincial",
    }


# --- Authentication ---------------------------------------------------------------------------


def test_write_without_token_is_401_with_challenge(anonymous, subject):
    before = counts()
    response = anonymous.post("/api/v1/records/", penalty(subject), format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="CreditSite API"'
    error = errors_by_field(response)["non_field_errors"]
    assert error["code"] == "not_authenticated"
    assert "Bearer <key>" in error["reason"]
    assert counts() == before


@pytest.mark.parametrize(
    "header",
    ["Bearer cs_not-a-real-key", "Token cs_not-a-real-key", "Bearer", "Bearer a b"],
)
def test_invalid_token_is_401(anonymous, subject, header):
    anonymous.credentials(HTTP_AUTHORIZATION=header)
    response = anonymous.post("/api/v1/enterprises/", {"uscc": VALID_USCC}, format="json")

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert errors_by_field(response)["non_field_errors"]["code"] == "invalid_token"


def test_revoked_token_is_401(amr, subject):
    token, key = token_issue(department=amr)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.post("/api/v1/records/", penalty(subject), format="json").status_code == 201

    token_revoke(token=token)
    response = client.post("/api/v1/records/", penalty(subject, title="changed"), format="json")

    assert response.status_code == 401
    assert CreditRecord.objects.get().title == "发布虚假广告"


def test_token_keyword_is_accepted_too(amr, subject):
    _, key = token_issue(department=amr)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/api/v1/records/", penalty(subject), format="json")
    assert response.status_code == 201


def test_get_on_write_endpoints_is_405(anonymous):
    assert anonymous.get("/api/v1/records/").status_code == 405
    # GET /api/v1/enterprises/ is the public search (tests/portal/test_site.py).
    assert anonymous.get("/api/v1/enterprises/").status_code == 200


# --- Enterprises ------------------------------------------------------------------------------


def test_register_then_update_an_enterprise(amr):
    client, prefix = client_for(amr)
    body = {
        "uscc": "9133 0100 7996 5505 8B",
        "name": "杭州示例科技有限公司",
        "legal_representative": "张三",
        "established_on": "2007-05-18",
        "registered_capital": "500",
        "registration_status": "existing",
        "region": "330106",
        "industry": "I",
        "former_names": ["杭州示例网络有限公司"],
    }

    created = client.post("/api/v1/enterprises/", body, format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["uscc"] == VALID_USCC
    assert data["subject_type"] == "enterprise"
    assert data["region"] == "330106" and data["industry"] == "I"
    assert data["former_names"] == ["杭州示例网络有限公司"]
    assert "id_number" not in data
    event = AuditEvent.objects.get(object_type="enterprises.subject")
    assert event.action == "create" and event.actor_label == f"token:zj-amr:{prefix}"

    updated = client.post(
        "/api/v1/enterprises/",
        {"uscc": VALID_USCC, "name": "杭州示例集团有限公司", "address": "杭州市滨江区"},
        format="json",
    )

    assert updated.status_code == 200, updated.json()
    subject = Subject.objects.get()
    assert subject.name == "杭州示例集团有限公司"
    assert subject.legal_representative == "张三"  # omitted fields keep their value
    assert set(FormerName.objects.values_list("name", flat=True)) == {
        "杭州示例网络有限公司",
        "杭州示例科技有限公司",
    }
    change = AuditEvent.objects.order_by("id").last()
    assert change.action == "update" and change.actor_label == f"token:zj-amr:{prefix}"
    assert change.after["name"] == "杭州示例集团有限公司"


def test_natural_persons_are_refused(amr_client):
    before = counts()
    response = amr_client.post(
        "/api/v1/enterprises/",
        {"uscc": VALID_USCC, "name": "张三", "subject_type": "natural_person"},
        format="json",
    )

    assert response.status_code == 400
    error = errors_by_field(response)["subject_type"]
    assert error["code"] == "natural_person_not_accepted"
    assert "legal basis" in error["reason"]
    assert counts() == before


@pytest.mark.parametrize(
    ("uscc", "code", "words"),
    [
        ("91330100799655058", "length", "this one has 17"),
        ("9133010079965505OB", "charset", "Character 17"),
        ("91330100799655058A", "checksum", "give “B”"),
    ],
)
def test_bad_uscc_is_reported_on_its_field(amr_client, subject, uscc, code, words):
    before = counts()

    enterprise = amr_client.post(
        "/api/v1/enterprises/", {"uscc": uscc, "name": "某公司"}, format="json"
    )
    record = amr_client.post("/api/v1/records/", penalty(subject, subject_uscc=uscc), format="json")

    assert enterprise.status_code == 400 and record.status_code == 400
    for response, field in ((enterprise, "uscc"), (record, "subject_uscc")):
        error = errors_by_field(response)[field]
        assert error["code"] == code
        assert words in error["reason"]
    assert counts() == before


def test_unknown_region_and_industry_name_their_fields(amr_client):
    response = amr_client.post(
        "/api/v1/enterprises/",
        {"uscc": VALID_USCC, "name": "某公司", "region": "999999", "industry": "Z"},
        format="json",
    )

    assert response.status_code == 400
    errors = errors_by_field(response)
    assert "999999" in errors["region"]["reason"]
    assert errors["industry"]["code"] == "does_not_exist"
    assert not Subject.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"established_on": "2025-13-45"}, "established_on"),
        ({"registered_capital": 10**30}, "registered_capital"),
        ({"registered_capital": -1}, "registered_capital"),
        ({"registered_capital": "a lot"}, "registered_capital"),
        ({"registration_status": "alive"}, "registration_status"),
        ({"subject_type": "company"}, "subject_type"),
        ({"former_names": "杭州旧名有限公司"}, "former_names"),
        ({"former_names": [{"name": "x"}]}, "former_names"),
        ({"uscc": None}, "uscc"),
    ],
)
def test_malformed_enterprise_values_are_400_on_their_field(amr_client, changes, field):
    body = {"uscc": VALID_USCC, "name": "杭州示例科技有限公司", **changes}

    response = amr_client.post("/api/v1/enterprises/", body, format="json")

    assert response.status_code == 400, response.content
    # An item of a list is named by its index: "former_names.0".
    assert any(name.split(".")[0] == field for name in errors_by_field(response))
    assert counts() == (0, 0, 0)


def test_code_failing_its_check_is_accepted_only_once_an_official_overrode_it(amr_client):
    overridden = "91330100799655058A"
    Subject.objects.create(
        uscc=overridden,
        name="历史代码公司",
        uscc_override=True,
        uscc_override_reason="Issued in 2016 before the check was enforced.",
    )

    enterprise = amr_client.post(
        "/api/v1/enterprises/", {"uscc": overridden, "name": "历史代码有限公司"}, format="json"
    )
    record = amr_client.post(
        "/api/v1/records/", penalty(Subject.objects.get(), subject_uscc=overridden), format="json"
    )

    assert enterprise.status_code == 200, enterprise.json()
    assert record.status_code == 201, record.json()
    assert Subject.objects.get().uscc_override is True


# --- Records ----------------------------------------------------------------------------------


def test_create_record_then_resend_updates_it(amr, subject):
    client, prefix = client_for(amr)

    created = client.post("/api/v1/records/", penalty(subject), format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["subject_uscc"] == subject.uscc
    assert data["department"] == "zj-amr"
    assert data["state"] == "active"
    assert data["fine_amount"] == "5000.00"
    record = CreditRecord.objects.get()
    assert data["id"] == record.pk and record.department == amr
    create_event = AuditEvent.objects.get(object_type="enterprises.creditrecord")
    assert create_event.action == "create"
    assert create_event.actor_label == f"token:zj-amr:{prefix}"
    assert create_event.actor_token.prefix == prefix

    resent = client.post(
        "/api/v1/records/", penalty(subject, fine_amount="8000", title="虚假广告"), format="json"
    )

    assert resent.status_code == 200, resent.json()
    assert resent.json()["id"] == record.pk
    assert CreditRecord.objects.count() == 1
    record.refresh_from_db()
    assert record.fine_amount == Decimal("8000.00") and record.title == "虚假广告"
    events = AuditEvent.objects.filter(object_type="enterprises.creditrecord").order_by("id")
    assert [event.action for event in events] == ["create", "update"]
    assert events[1].before == {"fine_amount": "5000.00", "title": "发布虚假广告"}
    assert events[1].actor_label == f"token:zj-amr:{prefix}"


def test_identical_resend_is_200_and_writes_no_audit_row(amr_client, subject):
    assert amr_client.post("/api/v1/records/", penalty(subject), format="json").status_code == 201
    before = counts()

    response = amr_client.post("/api/v1/records/", penalty(subject), format="json")

    assert response.status_code == 200
    assert counts() == before


def test_other_authorization_schemes_are_not_a_token(anonymous, subject):
    anonymous.credentials(HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    response = anonymous.post("/api/v1/records/", penalty(subject), format="json")

    assert response.status_code == 401
    assert errors_by_field(response)["non_field_errors"]["code"] == "not_authenticated"


def test_same_document_number_from_another_department_is_its_own_record(amr, tax, subject):
    amr_client, _ = client_for(amr)
    tax_client, _ = client_for(tax)
    assert amr_client.post("/api/v1/records/", penalty(subject), format="json").status_code == 201
    original = CreditRecord.objects.get()
    original_state = (original.title, original.fine_amount, original.updated_at)

    response = tax_client.post(
        "/api/v1/records/", penalty(subject, title="税务处罚", fine_amount="1"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["department"] == "zj-tax"
    assert CreditRecord.objects.count() == 2
    original.refresh_from_db()
    assert (original.title, original.fine_amount, original.updated_at) == original_state
    assert original.department == amr


def test_body_naming_another_department_is_403(amr, tax, subject):
    amr_client, _ = client_for(amr)
    tax_client, _ = client_for(tax)
    assert amr_client.post("/api/v1/records/", penalty(subject), format="json").status_code == 201
    before = counts()

    response = tax_client.post(
        "/api/v1/records/", penalty(subject, department="zj-amr", title="改写"), format="json"
    )

    assert response.status_code == 403
    error = errors_by_field(response)["department"]
    assert error["code"] == "department_not_allowed"
    assert response.json()["detail"] == error["reason"]
    assert "own department" in error["reason"]
    assert counts() == before
    assert CreditRecord.objects.get().title == "发布虚假广告"


def test_body_naming_its_own_department_is_fine(amr_client, subject):
    response = amr_client.post(
        "/api/v1/records/", penalty(subject, department="zj-amr"), format="json"
    )
    assert response.status_code == 201


def test_record_for_unregistered_subject_says_to_register_it(amr_client):
    response = amr_client.post("/api/v1/records/", penalty(Subject(uscc=VALID_USCC)), format="json")

    assert response.status_code == 400
    error = errors_by_field(response)["subject_uscc"]
    assert error["code"] == "not_found"
    assert "POST /api/v1/enterprises/" in error["reason"]


def test_document_number_is_required(amr_client, subject):
    for body in (penalty(subject, document_number=...), penalty(subject, document_number="  ")):
        response = amr_client.post("/api/v1/records/", body, format="json")
        assert response.status_code == 400
        assert "document_number" in errors_by_field(response)
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "bribery"}, "kind", "not a valid choice"),
        ({"severity": ""}, "severity", "needs a severity"),
        ({"severity": ...}, "severity", "needs a severity"),
        ({"penalty_type": ""}, "penalty_type", "needs its type"),
        ({"publicity_end": "2025-05-31"}, "publicity_end", "before the decision date"),
        ({"fine_amount": None}, "fine_amount", "amount in yuan"),
        ({"kind": "honour", "penalty_type": ""}, "severity", "leave it empty"),
        ({"valid_from": "2025-06-02", "valid_until": "2025-06-01"}, "valid_until", "before"),
    ],
)
def test_rules_are_reported_per_field_and_nothing_is_written(
    amr_client, subject, changes, field, words
):
    before = counts()
    response = amr_client.post("/api/v1/records/", penalty(subject, **changes), format="json")

    assert response.status_code == 400
    error = errors_by_field(response)[field]
    assert words in error["reason"]
    assert counts() == before


def test_tax_rating_needs_level_and_year(tax, subject):
    client, _ = client_for(tax)
    body = penalty(
        subject, kind="tax_credit_rating", severity="", penalty_type="", fine_amount=None
    )

    response = client.post("/api/v1/records/", body, format="json")

    assert response.status_code == 400
    assert {"tax_credit_level", "tax_year"} <= set(errors_by_field(response))
    body.update(tax_credit_level="A", tax_year=2024, publicity_end=None)
    assert client.post("/api/v1/records/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"decision_date": "2025-13-45"}, "decision_date"),
        ({"decision_date": 20250601}, "decision_date"),
        ({"fine_amount": "lots"}, "fine_amount"),
        ({"fine_amount": 10**30}, "fine_amount"),
        ({"fine_amount": "1e400"}, "fine_amount"),
        ({"fine_amount": "NaN"}, "fine_amount"),
        ({"fine_amount": -5}, "fine_amount"),
        ({"tax_year": 10**30}, "tax_year"),
        ({"tax_year": "twenty"}, "tax_year"),
        ({"title": {"zh": "x"}}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"content": "\ud800"}, "content"),
        ({"disclosure": "secret"}, "disclosure"),
        ({"subject_uscc": ["x"]}, "subject_uscc"),
        ({"subject_uscc": "9" * 10_000}, "subject_uscc"),
    ],
)
def test_malformed_values_are_400_on_their_field(amr_client, subject, changes, field):
    before = counts()
    # json.dumps escapes a lone surrogate as \\ud800, as a client library would.
    raw = json.dumps(penalty(subject, **changes))
    response = amr_client.generic("POST", "/api/v1/records/", raw, content_type="application/json")

    assert response.status_code == 400, response.content
    assert field in errors_by_field(response)
    assert counts() == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"subject_uscc": ',
        b"not json",
        b'{"fine_amount": NaN}',
        b'{"fine_amount": 1' + b"0" * 5000 + b"}",
        b"\xff\xfe",
        b"[1, 2]",
        b"null",
        b'"string"',
    ],
)
def test_malformed_bodies_are_400(amr_client, raw):
    for path in ("/api/v1/records/", "/api/v1/enterprises/"):
        response = amr_client.generic("POST", path, raw, content_type="application/json")
        assert response.status_code == 400, (path, raw[:30], response.content)
        assert errors_by_field(response)
    assert counts() == (0, 0, 0)


def test_non_json_content_type_is_refused(amr_client, subject):
    response = amr_client.post("/api/v1/records/", penalty(subject))  # multipart form

    assert response.status_code == 415
    assert errors_by_field(response)["non_field_errors"]["code"] == "unsupported_media_type"
    assert "multipart/form-data" in response.json()["detail"]
    assert not CreditRecord.objects.exists()


def test_a_failure_after_the_first_write_leaves_nothing(amr_client, subject, monkeypatch):
    """The service is one transaction: the record and its audit row go together."""
    from enterprises import services

    def broken(subject_id: int) -> None:
        raise RuntimeError("rescoring queue unavailable")

    monkeypatch.setattr(services, "subject_rescore_request", broken)
    before = counts()

    with pytest.raises(RuntimeError):
        amr_client.post("/api/v1/records/", penalty(subject), format="json")

    assert counts() == before


def test_a_concurrent_insert_of_the_same_document_number_is_retried(
    amr_client, subject, monkeypatch
):
    """Two resends racing: the loser hits the unique constraint and updates instead."""
    from enterprises.api import views

    real = views.record_upsert
    calls = []

    def racing(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            real(**kwargs)  # the other request commits first ...
            raise IntegrityError("duplicate key")  # ... and this insert then collides
        return real(**kwargs)

    monkeypatch.setattr(views, "record_upsert", racing)

    response = amr_client.post("/api/v1/records/", penalty(subject, title="重发"), format="json")

    assert response.status_code == 200, response.json()
    assert CreditRecord.objects.get().title == "重发"


def test_a_persisting_conflict_is_409_not_500(amr_client, subject, monkeypatch):
    from enterprises.api import views

    def always(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(views, "record_upsert", always)

    response = amr_client.post("/api/v1/records/", penalty(subject), format="json")

    assert response.status_code == 409
    assert errors_by_field(response)["non_field_errors"]["code"] == "conflict"


def test_record_response_carries_every_field(amr_client, subject):
    body = penalty(
        subject,
        kind="honour",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        valid_from="2025-06-01",
        valid_until="2026-05-31",
        disclosure="partial",
    )

    response = amr_client.post("/api/v1/records/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    for key, value in body.items():
        assert data[key] == value, key
    assert set(data) >= {"id", "department", "state", "amount", "tax_year", "tax_credit_level"}
    record = CreditRecord.objects.get()
    assert record.valid_until == dt.date(2026, 5, 31) and record.disclosure == "partial"


# --- OpenAPI ----------------------------------------------------------------------------------


def test_schema_documents_the_paths_and_the_bearer_scheme(anonymous):
    response = anonymous.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert {"/api/v1/departments/", "/api/v1/enterprises/", "/api/v1/records/"} <= set(
        schema["paths"]
    )
    schemes = schema["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"]
    assert bearer
    for path in ("/api/v1/enterprises/", "/api/v1/records/"):
        operation = schema["paths"][path]["post"]
        assert {bearer[0]: []} in operation["security"]
        assert {"200", "201", "400", "401"} <= set(operation["responses"])
    assert "403" in schema["paths"]["/api/v1/records/"]["post"]["responses"]
    assert {} in schema["paths"]["/api/v1/departments/"]["get"]["security"]


# --- Who may change a registered enterprise (rules.md §2.1) ------------------------------------


def test_only_market_regulation_changes_what_it_registered(amr, tax):
    subject = SubjectFactory()  # a 91… code: registered by market regulation
    tax_client, _ = client_for(tax)
    before = counts()

    response = tax_client.post(
        "/api/v1/enterprises/",
        {"uscc": subject.uscc, "name": "被税务改名有限公司", "region": "330102"},
        format="json",
    )

    assert response.status_code == 403, response.json()
    body = response.json()
    assert "market regulation" in body["detail"] and "name" in body["detail"]
    assert body["errors"][0]["code"] == "registration_not_allowed"
    assert body["errors"][0]["field"] in ("name", "region")
    assert counts() == before
    subject.refresh_from_db()
    assert subject.name.startswith("杭州测试") and subject.region_id == "330106"
    assert not FormerName.objects.exists()

    # Sending what is registered changes nothing and is fine; so are records about it.
    same = tax_client.post(
        "/api/v1/enterprises/",
        {"uscc": subject.uscc, "name": subject.name, "registered_capital": "100.0"},
        format="json",
    )
    assert same.status_code == 200, same.json()
    added = tax_client.post(
        "/api/v1/enterprises/",
        {"uscc": subject.uscc, "name": subject.name, "former_names": ["税务添加的曾用名"]},
        format="json",
    )
    assert added.status_code == 403
    rating = penalty(
        subject, kind="tax_credit_rating", severity="", penalty_type="", fine_amount=None
    )
    rating.update(tax_credit_level="A", tax_year=2024, publicity_end=None)
    assert tax_client.post("/api/v1/records/", rating, format="json").status_code == 201

    changed = client_for(amr)[0].post(
        "/api/v1/enterprises/",
        {"uscc": subject.uscc, "name": "市场监管更名有限公司"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()


def test_another_department_may_register_a_new_enterprise(tax):
    client, _ = client_for(tax)
    response = client.post(
        "/api/v1/enterprises/", {"uscc": VALID_USCC, "name": "杭州示例科技有限公司"}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_public_search_finds_a_valid_code_with_few_digits(anonymous):
    from enterprises.uscc import build_uscc

    code = build_uscc("N2", "330100", "ABCDEFGH")
    wanted = SubjectFactory(uscc=code)
    response = anonymous.get("/api/v1/enterprises/", {"q": code.lower()})
    assert [row["uscc"] for row in response.json()["results"]] == [wanted.uscc]
