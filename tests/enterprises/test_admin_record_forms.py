"""The record form of the admin: the subject picked by code, name or pinyin (never by id),
one form per record kind, and the publicity a record will get shown before saving
(docs/rules.md §2.1, §3.3, §6, §8.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.actors import Actor
from core.roles import ensure_roles
from enterprises.models import AuditEvent, CreditRecord, Department, RecordEdition, Subject
from enterprises.services import subject_upsert
from tests.factories import (
    CreditRecordFactory,
    SubjectFactory,
    UserFactory,
    make_officer,
    next_uscc,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:enterprises_creditrecord_add")
PICK = reverse("admin:enterprises_subject_pick")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def eco() -> Department:
    return Department.objects.get(code="zj-eco")


@pytest.fixture
def officer(eco) -> Client:
    return login(make_officer(eco))


@pytest.fixture
def company() -> Subject:
    subject, _ = subject_upsert(
        actor=Actor.for_system("test"),
        uscc=next_uscc("330106"),
        data={
            "name": "杭州西湖龙井茶业有限公司",
            "registration_status": "existing",
            "region_id": "330106",
        },
        former_names=["杭州老字号茶行"],
    )
    return subject


def pick(client: Client, term: str) -> list[dict[str, str]]:
    response = client.get(
        PICK,
        {
            "term": term,
            "app_label": "enterprises",
            "model_name": "creditrecord",
            "field_name": "subject",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def form_data(subject: Subject, department: Department, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "subject": subject.pk,
        "department": department.pk,
        "kind": "penalty",
        "title": "未按规定报送统计资料",
        "decision_date": "2026-04-01",
        "document_number": "浙发改罚〔2026〕1号",
        "legal_basis": "《统计法》第四十一条",
        "content": "罚款一万元",
        "disclosure": "public",
        "severity": "general",
        "publicity_end": "",
        "penalty_type": "fine",
        "fine_amount": "10000",
        "decision_revoked_on": "",
        "reason": "",
    }
    data.update(overrides)
    return data


def preview(response) -> dict[str, str]:
    assert response.status_code == 200
    rows = response.context["preview_rows"]
    assert rows is not None, response.context["adminform"].form.errors
    return dict(rows)


# --- picking the subject -----------------------------------------------------------------


def test_pick_by_part_of_the_name_shows_name_code_status_and_region(officer, company):
    SubjectFactory(name="宁波海鲜有限公司")
    results = pick(officer, "龙井茶")
    assert [r["id"] for r in results] == [str(company.pk)]
    text = results[0]["text"]
    assert "杭州西湖龙井茶业有限公司" in text and company.uscc in text
    assert "Existing" in text  # registration status
    assert "Xihu" in text or "西湖区" in text  # region


def test_pick_by_code_and_by_pinyin_and_former_name(officer, company):
    other = SubjectFactory(name="杭州别的公司")
    assert {str(company.pk), str(other.pk)} <= {r["id"] for r in pick(officer, "杭州")}
    assert [r["id"] for r in pick(officer, company.uscc.lower())] == [str(company.pk)]
    assert [r["id"] for r in pick(officer, "longjing")] == [str(company.pk)]
    assert [r["id"] for r in pick(officer, "hzxhljcy")] == [str(company.pk)]  # initials
    assert [r["id"] for r in pick(officer, "老字号")] == [str(company.pk)]  # former name
    assert pick(officer, "") == []  # nothing typed, nothing offered
    assert pick(officer, "龙") == []  # one character: too short to search


def test_pick_is_for_officials_allowed_to_view_subjects(eco, company):
    # Any department may enter records about any subject (rules.md §2.1): an officer of
    # another department finds it too.
    other = login(make_officer(Department.objects.get(code="zj-tax")))
    assert [r["id"] for r in pick(other, "龙井茶")] == [str(company.pk)]
    # Staff without a role may not look subjects up; anonymous users are sent to log in.
    nobody = login(UserFactory(username="no-role"))
    response = nobody.get(
        PICK,
        {"term": "龙井茶", "app_label": "enterprises", "model_name": "creditrecord"}
        | {"field_name": "subject"},
    )
    assert response.status_code == 403
    assert Client().get(PICK, {"term": "龙井茶"}).status_code == 302
    # Only the record's subject field is a picker: no other field leaks subjects.
    officer = login(make_officer(eco))
    response = officer.get(
        PICK,
        {"term": "龙井茶", "app_label": "enterprises", "model_name": "creditrecord"}
        | {"field_name": "department"},
    )
    assert response.status_code == 403


def test_the_form_never_shows_a_raw_id(officer, company):
    body = officer.get(ADD, {"kind": "penalty"}).content.decode()
    assert "admin-autocomplete" in body and PICK in body
    assert "vForeignKeyRawIdAdminField" not in body
    # After a preview the chosen subject shows by its name and code, not its id.
    response = officer.post(
        ADD, form_data(company, Department.objects.get(code="zj-eco")) | {"_preview": "1"}
    )
    body = response.content.decode()
    assert (
        f'<option value="{company.pk}" selected>杭州西湖龙井茶业有限公司 · {company.uscc}' in body
    )


def test_subject_list_search_uses_pinyin_too(company):
    ensure_roles()
    reviewer = login(UserFactory(username="reviewer", groups=["credit_centre_reviewer"]))
    response = reviewer.get(reverse("admin:enterprises_subject_changelist"), {"q": "longjing"})
    assert [s.pk for s in response.context["cl"].result_list] == [company.pk]


# --- a form per kind ---------------------------------------------------------------------


def test_add_asks_for_the_kind_first(officer):
    response = officer.get(ADD)
    assert response.status_code == 200
    assert "adminform" not in response.context
    body = response.content.decode()
    assert '?kind=penalty"' in body and '?kind=tax_credit_rating"' in body
    unknown = officer.get(ADD, {"kind": "nonsense"})
    assert "is not a kind of credit record" in unknown.content.decode()


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [
        (
            "penalty",
            {"penalty_type", "simplified_procedure", "fine_amount", "severity"},
            {"tax_credit_level", "tax_year", "valid_from", "valid_until", "amount"},
        ),
        (
            "tax_credit_rating",
            {"tax_credit_level", "tax_year"},
            {"penalty_type", "simplified_procedure", "fine_amount", "severity", "valid_from"},
        ),
        (
            "licence",
            {"valid_from", "valid_until"},
            {"penalty_type", "fine_amount", "severity", "tax_credit_level", "amount"},
        ),
        ("tax_arrears", {"amount", "severity"}, {"penalty_type", "tax_year", "valid_from"}),
        ("honour", set(), {"penalty_type", "severity", "amount", "tax_year", "valid_until"}),
    ],
)
def test_the_form_of_a_kind_shows_its_fields_only(officer, kind, shown, hidden):
    response = officer.get(ADD, {"kind": kind})
    fields = set(response.context["adminform"].form.fields)
    assert shown <= fields
    assert not hidden & fields
    assert {"subject", "title", "decision_date", "publicity_end"} <= fields


def test_change_form_shows_the_records_kind_only(eco, officer):
    rating = CreditRecordFactory(
        department=eco,
        kind="tax_credit_rating",
        severity="",
        penalty_type="",
        fine_amount=None,
        publicity_end=None,
        tax_credit_level="A",
        tax_year=2025,
    )
    response = officer.get(reverse("admin:enterprises_creditrecord_change", args=[rating.pk]))
    fields = set(response.context["adminform"].form.fields)
    assert {"tax_credit_level", "tax_year"} <= fields
    assert not {"penalty_type", "fine_amount", "severity", "simplified_procedure"} & fields


def test_a_kind_validates_its_own_fields_as_field_errors(officer, eco, company):
    response = officer.post(
        ADD + "?kind=tax_credit_rating",
        form_data(company, eco, kind="tax_credit_rating", severity="", tax_credit_level="")
        | {"tax_year": "abc"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"tax_credit_level", "tax_year"} <= set(errors)
    assert not CreditRecord.objects.exists()


def test_switching_the_kind_shows_the_new_kinds_fields(officer, eco, company):
    response = officer.post(
        ADD + "?kind=penalty", form_data(company, eco, kind="licence") | {"_preview": "1"}
    )
    fields = set(response.context["adminform"].form.fields)
    assert {"valid_from", "valid_until"} <= fields and "penalty_type" not in fields
    assert not CreditRecord.objects.exists()


def test_a_missing_kind_is_a_field_error_not_500(officer, eco, company):
    response = officer.post(ADD, form_data(company, eco, kind="bogus"))
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors


# --- the preview -------------------------------------------------------------------------


def test_preview_of_a_general_penalty_saves_nothing(officer, eco, company):
    events = AuditEvent.objects.count()
    response = officer.post(ADD + "?kind=penalty", form_data(company, eco) | {"_preview": "1"})
    rows = preview(response)
    assert rows["Public until"] == "2027-04-01"
    assert rows["State"] == "published"
    assert "国家发展改革委令第36号" in rows["Rule edition"]
    assert rows["Repairable from"] == "2026-07-01"
    assert (
        "Zhejiang" in rows["Department's own edition"] or "浙江" in rows["Department's own edition"]
    )
    assert not CreditRecord.objects.exists() and AuditEvent.objects.count() == events

    # Saving gives the record what the preview said.
    response = officer.post(ADD + "?kind=penalty", form_data(company, eco, reason="决定书"))
    assert response.status_code == 302
    record = CreditRecord.objects.get()
    assert record.publicity_end == dt.date(2027, 4, 1) and record.state == "active"
    assert RecordEdition.objects.get(record=record).edition.code == "cn-ndrc-order36-2026"


def test_preview_of_a_minor_penalty_says_not_published(officer, eco, company):
    response = officer.post(
        ADD + "?kind=penalty", form_data(company, eco, severity="minor") | {"_preview": "1"}
    )
    rows = preview(response)
    assert rows["Public until"] == "not published"
    assert rows["State"].startswith("not published: Minor information is not published")
    assert rows["Repairable from"].startswith("never")


def test_preview_of_a_permanent_and_a_hand_given_end(officer, eco, company):
    rows = preview(
        officer.post(
            ADD + "?kind=penalty",
            form_data(company, eco, severity="serious", penalty_type="licence_revoked")
            | {"fine_amount": "", "_preview": "1"},
        )
    )
    assert rows["Public until"].startswith("permanent")
    assert rows["Repairable from"].startswith("never")
    rows = preview(
        officer.post(
            ADD + "?kind=penalty",
            form_data(company, eco, publicity_end="2026-12-31") | {"_preview": "1"},
        )
    )
    assert rows["Public until"] == "2026-12-31"
    assert rows["Rule edition"].startswith("none")


def test_preview_with_bad_input_shows_field_errors(officer, eco, company):
    response = officer.post(
        ADD + "?kind=penalty",
        form_data(company, eco, decision_date="2026-13-01", fine_amount="-5") | {"_preview": "1"},
    )
    assert response.status_code == 200
    assert {"decision_date", "fine_amount"} <= set(response.context["adminform"].form.errors)
    assert response.context["preview_rows"] is None


def test_change_form_shows_the_stored_publicity_and_previews_a_correction(officer, eco, company):
    officer.post(ADD + "?kind=penalty", form_data(company, eco, reason="决定书"))
    record = CreditRecord.objects.get()
    change = reverse("admin:enterprises_creditrecord_change", args=[record.pk])
    rows = preview(officer.get(change))
    assert rows["Public until"] == "2027-04-01"
    assert "国家发展改革委令第36号" in rows["Rule edition"]

    corrected = form_data(company, eco, severity="serious", publicity_end="2027-04-01")
    rows = preview(officer.post(change, corrected | {"_preview": "1"}))
    assert rows["Public until"] == "2029-04-01"  # recomputed: serious, 36 months
    assert rows["Repairable from"] == "2027-04-01"
    record.refresh_from_db()
    assert record.severity == "general"  # nothing saved


def test_department_scoping_still_holds_on_the_kind_form(officer, company):
    tax = Department.objects.get(code="zj-tax")
    response = officer.post(ADD + "?kind=penalty", form_data(company, tax) | {"_preview": "1"})
    assert "department" in response.context["adminform"].form.errors
    assert response.context["preview_rows"] is None
