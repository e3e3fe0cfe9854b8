"""The officials' admin over HTTP: department scoping, writes through the services
with an audited reason, no deletion, bulk import and the big-table list."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import ensure_roles
from core.tokens import token_issue
from enterprises.models import (
    AuditEvent,
    CreditRecord,
    Department,
    DepartmentToken,
    FormerName,
    JobRun,
    RecordState,
    Subject,
)
from enterprises.uscc import build_uscc
from tests.factories import CreditRecordFactory, SubjectFactory, UserFactory, make_officer

pytestmark = pytest.mark.django_db

RECORDS = "admin:enterprises_creditrecord_changelist"


def url(name: str, *args: object) -> str:
    return reverse(f"admin:enterprises_{name}", args=args)


@pytest.fixture
def amr() -> Department:
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def tax() -> Department:
    return Department.objects.get(code="zj-tax")


def login(client, user):
    """A client of its own per role: tests may use several roles at once."""
    client = Client()
    client.force_login(user)
    # Messages are asserted in English; the site's default language is Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def officer_client(client, amr):
    return login(client, make_officer(amr))


@pytest.fixture
def reviewer_client(client):
    ensure_roles()
    return login(client, UserFactory(username="reviewer", groups=["credit_centre_reviewer"]))


@pytest.fixture
def admin_client_(client):
    ensure_roles()
    return login(client, UserFactory(username="administrator", groups=["administrator"]))


@pytest.fixture
def records(amr, tax):
    return {
        "a": CreditRecordFactory(department=amr, title="市场监管处罚"),
        "a_government": CreditRecordFactory(
            department=amr, title="市场监管内部信息", disclosure="government"
        ),
        "b": CreditRecordFactory(department=tax, title="税务处罚"),
    }


def listed_titles(response) -> set[str]:
    return {record.title for record in response.context["cl"].result_list}


def record_form(subject, department, **overrides):
    data = {
        "subject": subject.pk,
        "department": department.pk,
        "kind": "penalty",
        "title": "虚假宣传",
        "decision_date": "2025-06-01",
        "document_number": "杭市监罚〔2025〕99号",
        "legal_basis": "《广告法》第五十五条",
        "content": "罚款五千元",
        "disclosure": "public",
        "severity": "general",
        "publicity_end": "2028-06-01",
        "penalty_type": "fine",
        "fine_amount": "5000",
        "amount": "",
        "valid_from": "",
        "valid_until": "",
        "tax_credit_level": "",
        "tax_year": "",
        "reason": "",
    }
    data.update(overrides)
    return data


# --- scoping --------------------------------------------------------------------------


def test_officer_sees_only_own_department_all_disclosure_levels(officer_client, records):
    response = officer_client.get(reverse(RECORDS))
    assert response.status_code == 200
    assert listed_titles(response) == {"市场监管处罚", "市场监管内部信息"}
    assert "税务处罚" not in response.content.decode()


def test_officer_gets_404_on_another_departments_record(officer_client, records):
    foreign = records["b"]
    assert officer_client.get(url("creditrecord_change", foreign.pk)).status_code == 404
    response = officer_client.post(
        url("creditrecord_change", foreign.pk),
        record_form(foreign.subject, foreign.department, title="改了", reason="x"),
    )
    assert response.status_code == 404
    assert officer_client.get(url("creditrecord_state", foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "税务处罚"
    assert not AuditEvent.objects.exists()


def test_reviewer_sees_all_records(reviewer_client, records):
    response = reviewer_client.get(reverse(RECORDS))
    assert listed_titles(response) == {"市场监管处罚", "市场监管内部信息", "税务处罚"}
    assert reviewer_client.get(url("creditrecord_change", records["b"].pk)).status_code == 200


def test_officer_add_form_offers_only_own_department(officer_client, amr, tax):
    response = officer_client.get(url("creditrecord_add"), {"kind": "penalty"})
    choices = list(response.context["adminform"].form.fields["department"].queryset)
    assert choices == [amr]


def test_officer_cannot_create_a_record_for_another_department(officer_client, tax):
    subject = SubjectFactory()
    response = officer_client.post(url("creditrecord_add"), record_form(subject, tax))
    assert response.status_code == 200
    assert "department" in response.context["adminform"].form.errors
    assert not CreditRecord.objects.exists()
    assert not AuditEvent.objects.exists()


def test_officer_creates_a_record_through_the_service_with_reason(officer_client, amr):
    subject = SubjectFactory()
    response = officer_client.post(
        url("creditrecord_add"), record_form(subject, amr, reason="来自行政处罚决定书")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = CreditRecord.objects.get()
    assert record.department == amr and record.subject == subject
    event = AuditEvent.objects.get(object_type="enterprises.creditrecord")
    assert (event.action, event.reason, event.actor_label) == (
        "create",
        "来自行政处罚决定书",
        "user:officer-zj-amr",
    )
    subject.refresh_from_db()
    assert subject.rescore_requested_at is not None  # the service, not obj.save(), wrote it


def test_model_rules_show_as_field_errors_not_500(officer_client, amr):
    subject = SubjectFactory()
    response = officer_client.post(
        url("creditrecord_add"),
        record_form(subject, amr, severity="", publicity_end="2024-01-01", fine_amount=""),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"severity", "publicity_end", "fine_amount"} <= set(errors)
    assert not CreditRecord.objects.exists()


def test_duplicate_document_number_is_a_field_error(officer_client, amr):
    existing = CreditRecordFactory(department=amr)
    response = officer_client.post(
        url("creditrecord_add"),
        record_form(SubjectFactory(), amr, document_number=existing.document_number),
    )
    assert response.status_code == 200
    assert "document_number" in response.context["adminform"].form.errors


def test_change_needs_a_reason_and_audits_it(officer_client, records):
    record = records["a"]
    form = record_form(record.subject, record.department, title="虚假宣传（更正）")
    response = officer_client.post(url("creditrecord_change", record.pk), form)
    assert response.status_code == 200
    assert "reason" in response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.title == "市场监管处罚"

    form["reason"] = "文书标题录入错误"
    response = officer_client.post(url("creditrecord_change", record.pk), form)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.title == "虚假宣传（更正）"
    event = AuditEvent.objects.get(action="update", object_id=str(record.pk))
    assert event.reason == "文书标题录入错误"
    assert event.before["title"] == "市场监管处罚" and event.after["title"] == "虚假宣传（更正）"


def test_department_and_state_are_read_only_on_change(officer_client, records, tax):
    record = records["a"]
    form = record_form(record.subject, tax, reason="试图改部门", state="revoked")
    officer_client.post(url("creditrecord_change", record.pk), form)
    record.refresh_from_db()
    assert record.department.code == "zj-amr" and record.state == "active"


def test_state_change_form_calls_the_service_with_reason(officer_client, records):
    record = records["a"]
    page = officer_client.get(url("creditrecord_state", record.pk))
    assert [value for value, _ in page.context["form"].fields["state"].choices] == [
        "under_objection",
        "expired",
        "repaired",
        "revoked",
    ]
    assert (
        officer_client.post(url("creditrecord_state", record.pk), {"state": "revoked"}).status_code
        == 200
    )
    response = officer_client.post(
        url("creditrecord_state", record.pk), {"state": "revoked", "reason": "异议成立，撤销"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == RecordState.REVOKED
    event = AuditEvent.objects.get(action="state")
    assert event.reason == "异议成立，撤销" and event.after == {
        "state": "revoked",
        "state_changed_at": event.after["state_changed_at"],
    }
    final = officer_client.get(url("creditrecord_state", record.pk))
    assert final.context["final"] is True


def test_nothing_can_be_deleted(admin_client_, records):
    record = records["a"]
    assert admin_client_.get(url("creditrecord_delete", record.pk)).status_code == 403
    assert (
        admin_client_.post(url("creditrecord_delete", record.pk), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client_.get(url("subject_delete", record.subject_id)).status_code == 403
    event = AuditEvent.objects.create(
        at=record.created_at,
        actor_label="x",
        action="create",
        object_type="t",
        object_id="1",
        prev_hash="0",
        hash="1",
    )
    assert admin_client_.get(url("auditevent_delete", event.pk)).status_code == 403
    changelist = admin_client_.get(reverse(RECORDS))
    assert "delete_selected" not in changelist.content.decode()
    assert CreditRecord.objects.filter(pk=record.pk).exists()


def test_superuser_cannot_delete_either(client, records):
    root = login(client, UserFactory(username="root", is_superuser=True))
    assert root.get(url("creditrecord_delete", records["b"].pk)).status_code == 403


# --- list and search --------------------------------------------------------------------


def test_changelist_query_count_does_not_grow_with_rows(officer_client, amr):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(reverse(RECORDS)).status_code == 200
        return len(captured)

    CreditRecordFactory.create_batch(2, department=amr)
    few = queries()
    CreditRecordFactory.create_batch(20, department=amr)
    assert queries() == few
    print("changelist queries", few)
    assert few <= 16


def test_search_by_code_document_number_and_name(reviewer_client, records):
    subject = records["b"].subject
    spaced = " ".join([subject.uscc[:6], subject.uscc[6:12], subject.uscc[12:]]).lower()
    for term, expected in (
        (spaced, {"税务处罚"}),
        (records["a"].document_number, {"市场监管处罚"}),
        (records["a_government"].subject.name[2:8], {"市场监管内部信息"}),
    ):
        response = reviewer_client.get(reverse(RECORDS), {"q": term})
        assert listed_titles(response) == expected, term


def test_big_lists_show_a_capped_count(reviewer_client, records, monkeypatch):
    from enterprises.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    response = reviewer_client.get(reverse(RECORDS))
    assert "2+" in response.content.decode()


# --- subjects ---------------------------------------------------------------------------


def subject_form(**overrides):
    data = {
        "subject_type": "enterprise",
        "name": "杭州新登记科技有限公司",
        "uscc": "",
        "uscc_override": "",
        "uscc_override_reason": "",
        "legal_representative": "赵六",
        "enterprise_type": "有限责任公司",
        "established_on": "2021-03-04",
        "address": "杭州市西湖区",
        "registered_capital": "100",
        "business_scope": "软件开发",
        "registration_status": "existing",
        "region": "330106",
        "industry": "I",
        "add_former_names": "",
        "former_names-TOTAL_FORMS": "0",
        "former_names-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_officer_registers_a_subject_through_the_service(officer_client):
    code = build_uscc("91", "330100", "12121212")
    spaced = f"{code[:9]} {code[9:]}".lower()
    response = officer_client.post(
        url("subject_add"), subject_form(uscc=spaced, add_former_names="老名字\n更老的名字")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    subject = Subject.objects.get(uscc=code)
    assert set(subject.former_names.values_list("name", flat=True)) == {"老名字", "更老的名字"}
    assert AuditEvent.objects.filter(object_type="enterprises.subject", action="create").exists()


def test_failed_checksum_needs_override_with_reason_in_the_admin(officer_client):
    bad = "91330100799655058C"
    response = officer_client.post(url("subject_add"), subject_form(uscc=bad))
    assert "uscc" in response.context["adminform"].form.errors
    response = officer_client.post(url("subject_add"), subject_form(uscc=bad, uscc_override="on"))
    assert "uscc_override_reason" in response.context["adminform"].form.errors
    response = officer_client.post(
        url("subject_add"),
        subject_form(uscc=bad, uscc_override="on", uscc_override_reason="2005年核发的旧代码"),
    )
    assert response.status_code == 302
    subject = Subject.objects.get(uscc=bad)
    event = AuditEvent.objects.get(object_type="enterprises.subject", object_id=str(subject.pk))
    assert event.after["uscc_override_reason"] == "2005年核发的旧代码"


def test_subject_change_goes_through_the_service_and_keeps_former_name(officer_client):
    subject = SubjectFactory(name="旧名有限公司")
    earlier = FormerName.objects.create(subject=subject, name="更早的名字")
    form = subject_form(name="新名有限公司")
    form.pop("uscc")
    # What the browser posts back for the read-only former-names inline.
    form.update(
        {
            "former_names-TOTAL_FORMS": "1",
            "former_names-INITIAL_FORMS": "1",
            "former_names-0-id": str(earlier.pk),
            "former_names-0-subject": str(subject.pk),
        }
    )
    response = officer_client.post(url("subject_change", subject.pk), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    subject.refresh_from_db()
    assert subject.name == "新名有限公司"
    assert set(subject.former_names.values_list("name", flat=True)) == {
        "旧名有限公司",
        "更早的名字",
    }
    event = AuditEvent.objects.get(action="update", object_type="enterprises.subject")
    assert event.before["name"] == "旧名有限公司"


def test_id_number_only_for_administrators(officer_client, client):
    person = SubjectFactory(
        subject_type="natural_person", uscc=None, name="张某", id_number="330106199001011234"
    )
    page = officer_client.get(url("subject_change", person.pk)).content.decode()
    assert "330106199001011234" not in page and "3301************34" in page

    root = login(client, UserFactory(username="root", is_superuser=True))
    assert "330106199001011234" in root.get(url("subject_change", person.pk)).content.decode()


def test_subject_changelist_search_by_code(reviewer_client):
    wanted, other = SubjectFactory(), SubjectFactory()
    response = reviewer_client.get(url("subject_changelist"), {"q": wanted.uscc.lower()})
    assert [s.pk for s in response.context["cl"].result_list] == [wanted.pk]
    assert other.pk != wanted.pk


# --- import through the admin -----------------------------------------------------------

HEADER = (
    "subject_uscc,kind,decision_date,document_number,title,severity,penalty_type,"
    "fine_amount,publicity_end"
)


def penalty_csv(subjects, bad_index: int | None = None) -> bytes:
    lines = [HEADER]
    for n, subject in enumerate(subjects):
        severity = "" if n == bad_index else "general"
        lines.append(
            f"{subject.uscc},penalty,2025-06-01,杭市监罚〔2025〕{n}号,虚假宣传,{severity},"
            "fine,5000,2028-06-01"
        )
    return ("\n".join(lines) + "\n").encode()


def upload(content: bytes, name: str = "penalties.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_changelist_has_import_button_for_those_who_may_add(officer_client, reviewer_client):
    page = officer_client.get(reverse(RECORDS)).content.decode()
    assert url("creditrecord_import") in page
    ensure_roles()
    reviewer = reviewer_client.get(reverse(RECORDS)).content.decode()
    assert url("creditrecord_import") not in reviewer
    assert reviewer_client.get(url("creditrecord_import")).status_code == 403
    assert reviewer_client.get(url("subject_import")).status_code == 403


def test_import_with_one_bad_row_imports_nothing_and_lists_it(officer_client):
    subjects = SubjectFactory.create_batch(4)
    before = (CreditRecord.objects.count(), AuditEvent.objects.count())

    response = officer_client.post(
        url("creditrecord_import"), {"file": upload(penalty_csv(subjects, bad_index=2))}
    )

    assert response.status_code == 200
    assert (CreditRecord.objects.count(), AuditEvent.objects.count()) == before
    result = response.context["result"]
    assert [(e.row, e.field) for e in result.errors] == [(4, "severity")]
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>4</td>" in page and "<td>severity</td>" in page
    assert "Negative information needs a severity" in page


def test_good_import_redirects_with_counts(officer_client, amr):
    subjects = SubjectFactory.create_batch(3)
    response = officer_client.post(
        url("creditrecord_import"), {"file": upload(penalty_csv(subjects))}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(RECORDS)
    assert "3 created" in response.content.decode()
    assert CreditRecord.objects.filter(department=amr).count() == 3


def test_xlsx_import_through_the_admin(officer_client):
    subjects = SubjectFactory.create_batch(2)
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "信息类别", "决定日期", "标题", "有效期至"])
    for subject in subjects:
        book.active.append(
            [subject.uscc, "行政许可", dt.date(2025, 1, 1), "许可", dt.date(2030, 1, 1)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = officer_client.post(
        url("creditrecord_import"), {"file": upload(buffer.getvalue(), "许可.xlsx")}
    )
    assert response.status_code == 302
    assert CreditRecord.objects.filter(kind="licence").count() == 2


def test_administrator_import_chooses_the_department(admin_client_, tax):
    subjects = SubjectFactory.create_batch(2)
    response = admin_client_.post(
        url("creditrecord_import"), {"file": upload(penalty_csv(subjects)), "department": tax.pk}
    )
    assert response.status_code == 302
    assert CreditRecord.objects.filter(department=tax).count() == 2


def test_oversized_upload_is_refused(officer_client, monkeypatch):
    from enterprises import imports

    monkeypatch.setattr(imports, "IMPORT_MAX_BYTES", 10)
    response = officer_client.post(url("creditrecord_import"), {"file": upload(b"x" * 11)})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_subject_import_and_templates(officer_client):
    code = build_uscc("91", "330100", "34343434")
    response = officer_client.post(
        url("subject_import"), {"file": upload(f"uscc,name\n{code},导入公司\n".encode(), "s.csv")}
    )
    assert response.status_code == 302
    assert Subject.objects.filter(uscc=code).exists()
    template = officer_client.get(url("creditrecord_import_template"))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode("utf-8-sig").startswith("subject_uscc,subject_name,department")
    chinese = officer_client.get(url("subject_import_template"), {"titles": "zh"})
    assert chinese.content.decode("utf-8-sig").startswith("统一社会信用代码,企业名称")
    page = officer_client.get(url("subject_import")).content.decode()
    assert "uscc_override_reason" in page


# --- audit trail, jobs, tokens, users --------------------------------------------------


def test_audit_trail_is_read_only_and_masks_id_numbers_for_reviewers(
    reviewer_client, officer_client
):
    from core.actors import Actor
    from enterprises.services import subject_upsert

    subject, _ = subject_upsert(
        actor=Actor.for_system("tests"),
        uscc=None,
        data={"subject_type": "natural_person", "name": "李某", "id_number": "330106198502023456"},
    )
    event = AuditEvent.objects.get(object_id=str(subject.pk))
    changelist = reviewer_client.get(url("auditevent_changelist"))
    assert changelist.status_code == 200
    assert url("auditevent_add") not in changelist.content.decode()
    page = reviewer_client.get(url("auditevent_change", event.pk)).content.decode()
    assert "330106198502023456" not in page and "***" in page
    assert 'name="_save"' not in page
    assert reviewer_client.get(url("auditevent_add")).status_code == 403
    # Officers have no view permission on the audit trail.
    assert officer_client.get(url("auditevent_changelist")).status_code == 403


def test_audit_filter_by_object_type(reviewer_client, records):
    response = reviewer_client.get(
        url("auditevent_changelist"), {"object_type": "enterprises.creditrecord"}
    )
    assert response.status_code == 200


def test_job_runs_show_a_progress_bar(reviewer_client):
    JobRun.objects.create(name="rescore", total=200, done=50)
    page = reviewer_client.get(url("jobrun_changelist")).content.decode()
    assert '<progress value="50" max="200"' in page and "25%" in page


def test_tokens_are_read_only_except_revoke(admin_client_, amr):
    token, key = token_issue(department=amr, label="ERP")
    page = admin_client_.get(url("departmenttoken_change", token.pk)).content.decode()
    assert token.key_hash not in page and key not in page and token.key_hash[:8] in page
    assert admin_client_.get(url("departmenttoken_add")).status_code == 403
    response = admin_client_.post(
        url("departmenttoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert DepartmentToken.objects.get(pk=token.pk).revoked_at is not None


def test_user_admin_has_the_official_inline(admin_client_, amr):
    officer = make_officer(amr, username="inline-officer")
    page = admin_client_.get(reverse("admin:auth_user_change", args=[officer.pk]))
    assert page.status_code == 200
    assert "official" in page.content.decode()


def test_reference_admins_render(admin_client_):
    for name in ("department", "region", "industry", "officialprofile", "auditchainhead"):
        assert admin_client_.get(url(f"{name}_changelist")).status_code == 200, name


def test_admin_renders_in_chinese(client, amr):
    client.force_login(make_officer(amr))
    page = client.get(reverse(RECORDS)).content.decode()
    assert "信用" in page  # zh-hans is the default language


# --- registration data, revocation, search by code -----------------------------------------


def test_only_market_regulation_changes_a_registered_enterprise_in_the_admin(client, tax):
    subject = SubjectFactory(name="市场监管登记有限公司")  # a 91… code
    form = subject_form(name="税务改的名字有限公司")
    form.pop("uscc")
    tax_officer = login(client, make_officer(tax))

    response = tax_officer.post(url("subject_change", subject.pk), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "market regulation" in errors[0] and "name" in errors[0]
    subject.refresh_from_db()
    assert subject.name == "市场监管登记有限公司"
    assert not AuditEvent.objects.filter(object_type="enterprises.subject").exists()


def test_a_reviewer_revokes_only_through_an_objection_decision(reviewer_client, records):
    record = records["b"]  # the tax department's
    page = reviewer_client.get(url("creditrecord_state", record.pk))
    choices = [value for value, _ in page.context["form"].fields["state"].choices]
    assert "revoked" not in choices and "under_objection" in choices

    response = reviewer_client.post(
        url("creditrecord_state", record.pk), {"state": "revoked", "reason": "我认为有误"}
    )

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.state == RecordState.ACTIVE
    assert not AuditEvent.objects.filter(action="state").exists()


def test_search_finds_a_valid_code_with_few_digits(reviewer_client, amr):
    code = build_uscc("N2", "330100", "ABCDEFGH")  # letters in the organisation code
    assert sum(c.isdigit() for c in code) < 10
    wanted, other = SubjectFactory(uscc=code), SubjectFactory()
    CreditRecordFactory(subject=wanted, department=amr, title="字母代码主体的记录")
    CreditRecordFactory(subject=other, department=amr, title="别的记录")

    for term in (code, code.lower(), f"{code[:9]} {code[9:]}"):
        subjects = reviewer_client.get(url("subject_changelist"), {"q": term})
        assert [s.pk for s in subjects.context["cl"].result_list] == [wanted.pk], term
        found = reviewer_client.get(reverse(RECORDS), {"q": term})
        assert listed_titles(found) == {"字母代码主体的记录"}, term


# --- archived records and the simplified procedure (rules.md §6.5, §6.6) ----------------


def test_archived_records_leave_the_list_unless_asked_for(officer_client, amr, records):
    CreditRecordFactory(department=amr, title="已归档处罚", state="archived")
    assert "已归档处罚" not in listed_titles(officer_client.get(reverse(RECORDS)))
    asked = officer_client.get(reverse(RECORDS), {"state__exact": "archived"})
    assert listed_titles(asked) == {"已归档处罚"}


def test_the_record_form_offers_the_simplified_procedure(officer_client, amr):
    add = reverse("admin:enterprises_creditrecord_add")
    body = officer_client.get(add, {"kind": "penalty"}).content.decode()
    assert 'name="simplified_procedure"' in body
