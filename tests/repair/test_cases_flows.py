"""Each path end to end: the public form, the tracking page, the officials' workbench."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.utils.translation import override
from pypdf import PdfReader

from core.actors import Actor
from enterprises.models import CreditRecord, Evaluation
from enterprises.scoring import subjects_rescore
from lists.models import CreditList
from lists.queries import subject_label
from lists.services import list_entry_list, list_entry_notify, list_entry_propose
from repair.models import Case, CaseEvent, RepairBan, TrainingCertificate
from repair.services import CaseNotAllowed, repair_close
from rules.workdays import add_working_days
from tests.factories import CreditRecordFactory

from .conftest import PNG, committing, pdf
from .verified import verify_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    # These tests read messages in English; pages are Chinese unless the visitor chose English.
    from django.utils import translation

    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def apply(client, subject, records=(), entries=(), **extra):
    data = {
        "uscc": subject.uscc,
        "legal_representative": "张三",
        "records": [r.pk for r in records],
        "list_entries": [e.pk for e in entries],
        "explanation": "已整改并缴清罚款",
        "contact_name": "李四",
        "contact_email": "li@example.org",
        "opinion": pdf("opinion.pdf"),
        "commitment": pdf("commitment.pdf"),
        **extra,
    }
    verify_client(client, subject)
    with committing():
        response = client.post("/repair/new/", data)
    assert response.status_code == 200, response.content.decode()[:3000]
    case = Case.objects.order_by("-id").first()
    code = re.search(r'Access code:</?[^<]*<strong class="code">([^<]+)<', _en(response))
    return case, response.context["access_code"] if code is None else code.group(1)


def _en(response) -> str:
    return response.content.decode()


def act(client, case, action, expect=302, **data):
    with committing():
        response = client.post(f"/repair/workbench/{case.pk}/{action}/", data)
    assert response.status_code == expect, response.content.decode()[:3000]
    case.refresh_from_db()
    return response


def track(client, case, code):
    return client.post(f"/track/{case.reference}/", {"access_code": code}).content.decode()


def test_incomplete_then_resubmitted_then_refused(client, official_client, subject, record):
    public = client.__class__()
    case, code = apply(public, subject, [record])
    assert case.state == "submitted" and case.due_on == add_working_days(case.received_on, 2).date
    assert mail.outbox[-1].to == ["li@example.org"]

    act(official_client, case, "incomplete", reason="缺少缴款凭证")
    assert case.state == "incomplete"
    page = track(public, case, code)
    assert "缺少缴款凭证" in page and "note" in page
    with committing():
        response = public.post(
            f"/track/{case.reference}/",
            {"note": "补交缴款凭证", "evidence": pdf("receipt.pdf")},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "submitted" and case.attachments.count() == 3

    act(official_client, case, "accept")
    assert case.state == "accepted"
    assert case.decision_due == add_working_days(dt.date.today(), 15).date or case.decision_due
    act(official_client, case, "refuse", reason="仍有未履行义务")
    assert case.state == "refused" and case.decision_reasons == "仍有未履行义务"
    record.refresh_from_db()
    assert record.state == "active"
    states = list(CaseEvent.objects.filter(case=case).values_list("state", flat=True))
    assert states == ["submitted", "incomplete", "submitted", "accepted", "refused"]
    assert len([m for m in mail.outbox if m.to == ["li@example.org"]]) == 5
    assert "仍有未履行义务" in track(public, case, code)
    assert "仍有未履行义务" not in track(client.__class__(), case, "WRONG")


def _listed(subject, today):
    credit_list = CreditList.objects.get(slug="zj-eco-serious")
    from core.actors import Actor

    system = Actor.for_system("tests")
    listed_on = today - dt.timedelta(days=500)
    entry = list_entry_propose(
        actor=system,
        credit_list=credit_list,
        subject=subject,
        reason="严重违法",
        proposed_on=listed_on - dt.timedelta(days=40),
    )
    entry = list_entry_notify(
        actor=system, entry=entry, notified_on=listed_on - dt.timedelta(days=40)
    )
    return list_entry_list(actor=system, entry=entry, listed_on=listed_on)


def test_granted_repair_leaves_every_public_surface_then_is_objected(
    client, official_client, subject, record, today, django_capture_on_commit_callbacks
):
    entry = _listed(subject, today)
    assert subject_label(subject.pk) == "punished"
    with django_capture_on_commit_callbacks(execute=True):
        subjects_rescore(on=today)
    before = Evaluation.objects.get(subject=subject).score
    surfaces = {
        "file": f"/enterprises/{subject.uscc}/?tab=negative",
        "api": f"/api/v1/enterprises/{subject.uscc}/records/",
        "feed": f"/enterprises/{subject.uscc}/feed/",
    }
    for path in surfaces.values():
        assert "REPAIR-MARKER" in client.get(path).content.decode(), path

    public = client.__class__()
    TrainingCertificate.objects.create(
        agency_id=_agency().pk,
        number="PX-2026-001",
        hours=3,
        issued_on=today,
        attendee="张三",
        subject=subject,
    )
    case, _code = apply(
        public, subject, [record], [entry], training_certificate_number="PX-2026-001"
    )
    act(official_client, case, "accept")
    act(official_client, case, "grant", reason="义务已履行，已整改")
    assert case.state == "granted" and case.due_on == add_working_days(today, 2).date
    with django_capture_on_commit_callbacks(execute=True):
        act(official_client, case, "carry-out")
    assert case.state == "published"
    assert case.publication_ends == add_working_days(today, 5).date

    record.refresh_from_db()
    entry.refresh_from_db()
    assert record.state == "repaired" and entry.removal_reason == "repaired"
    # Published as repaired (已修复) during the 5 working days of publication, counted
    # nowhere (rules.md §8.5); the records API and the feed no longer carry its content.
    for name in ("api", "feed"):
        assert "REPAIR-MARKER" not in client.get(surfaces[name]).content.decode(), name
    file_page = client.get(surfaces["file"])
    repaired = [r.item for r in file_page.context["active_tab"].repaired]
    assert repaired == [record, entry]
    assert file_page.context["standing"].counts["negative"] == 0
    assert not file_page.context["active_tab"].records
    pdf_response = client.get(f"/enterprises/{subject.uscc}/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_response.content)).pages)
    assert subject.name in text and "REPAIR-MARKER" in text and "[Repaired]" in text
    assert Evaluation.objects.get(subject=subject).score > before
    assert subject_label(subject.pk) is None
    # Officials still see it, marked repaired.
    page = official_client.get(f"/repair/workbench/{case.pk}/").content.decode()
    assert "REPAIR-MARKER" in page
    with override("en"):
        assert "Repaired" in official_client.get(f"/repair/workbench/{case.pk}/").content.decode()

    # Anyone with a verified e-mail may object during the publication; upheld, the repair
    # is reversed.
    stakeholder = client.__class__()
    verify_client(stakeholder, email="wang@example.org")
    response = stakeholder.post(
        "/objections/new/",
        {
            "repair_reference": case.reference,
            "grounds": "repair_wrong",
            "explanation": "该企业仍在违法生产",
            "contact_name": "王五",
            "contact_email": "wang@example.org",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    objection = Case.objects.get(objected_case=case)
    assert objection.due_on == add_working_days(today, 5).date
    with pytest.raises(CaseNotAllowed):  # closing waits for the pending objection
        repair_close(
            actor=Actor.for_system("t"), case=case, on=case.publication_ends + dt.timedelta(days=3)
        )
    act(official_client, objection, "decide", decision="repair_reversed", reason="核实属实")
    case.refresh_from_db()
    assert objection.state == "decided" and case.state == "reversed"
    assert CreditRecord.objects.filter(
        subject=subject, document_number=f"{case.reference}-R"
    ).exists()
    assert not RepairBan.objects.filter(subject=subject).exists()


def _agency():
    from repair.models import CreditServiceAgency

    return CreditServiceAgency.objects.create(name="浙江信用服务测试机构")


def test_serious_case_needs_a_registered_certificate(client, subject, department, today):
    serious = CreditRecordFactory(
        subject=subject,
        department=department,
        severity="serious",
        title="SERIOUS",
        decision_date=today - dt.timedelta(days=800),
        publicity_end=today + dt.timedelta(days=300),
    )
    verify_client(client, subject)
    with override("en"):
        response = client.post(
            "/repair/new/",
            {
                "uscc": subject.uscc,
                "legal_representative": "张三",
                "records": [serious.pk],
                "contact_name": "李四",
                "contact_email": "li@example.org",
                "opinion": pdf(),
                "commitment": pdf(),
                "training_certificate_number": "NOPE",
            },
        )
    assert response.status_code == 400
    assert "No certificate with this number" in response.content.decode()
    assert not Case.objects.exists()


def test_wrong_legal_representative_is_refused_at_the_counter(official_client, subject, record):
    with override("en"):
        response = official_client.post(
            "/repair/workbench/file/repair/",
            {
                "uscc": subject.uscc,
                "legal_representative": "冒名",
                "records": [record.pk],
                "contact_name": "x",
                "contact_email": "x@example.org",
                "opinion": pdf(),
                "commitment": pdf(),
            },
        )
    assert response.status_code == 400
    assert "legal representative does not match" in response.content.decode()


def test_objection_with_20_day_extension_then_corrected(
    client, official_client, subject, record, today
):
    verify_client(client, subject)
    response = client.post(
        "/objections/new/",
        {
            "uscc": subject.uscc,
            "legal_representative": "张三",
            "records": [record.pk],
            "grounds": "factual_error",
            "explanation": "罚款金额错误",
            "contact_name": "李四",
            "contact_email": "li@example.org",
            "evidence": pdf("proof.pdf"),
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    case = Case.objects.get(kind="objection")
    record.refresh_from_db()
    assert record.state == "under_objection"
    assert case.decision_due == add_working_days(today, 5).date

    act(official_client, case, "extend", days=10, reason="需向来源部门核实")
    act(official_client, case, "extend", days=5, reason="来源部门补充材料")
    assert case.extension_days == 15
    assert case.decision_due == add_working_days(today, 20).date
    with override("en"):
        response = act(official_client, case, "extend", expect=400, days=1, reason="再延")
    assert "at most 20 working days" in response.content.decode()

    act(
        official_client,
        case,
        "decide",
        decision="corrected",
        reason="金额更正",
        title="REPAIR-MARKER 更正后",
    )
    record.refresh_from_db()
    assert case.state == "decided" and case.decision == "corrected"
    assert record.state == "active" and record.title == "REPAIR-MARKER 更正后"


def test_objection_revoked_and_kept(client, official_client, subject, record, department, today):
    other = CreditRecordFactory(subject=subject, department=department, title="OTHER")
    verify_client(client, subject)
    cases = []
    for target in (record, other):
        client.post(
            "/objections/new/",
            {
                "uscc": subject.uscc,
                "legal_representative": "张三",
                "records": [target.pk],
                "grounds": "beyond_period",
                "explanation": "超期公示",
                "contact_name": "李四",
                "contact_email": "li@example.org",
            },
        )
        cases.append(Case.objects.order_by("-id").first())
    act(official_client, cases[0], "decide", decision="revoked", reason="确属错误")
    act(official_client, cases[1], "decide", decision="kept", reason="信息无误")
    record.refresh_from_db()
    other.refresh_from_db()
    assert record.state == "revoked" and other.state == "active"


def test_green_channel_case_tops_the_workbench_with_shorter_targets(
    client, official_client, subject, record, department, today
):
    plain, _code = apply(client, subject, [record])
    second = CreditRecordFactory(
        subject=subject,
        department=department,
        title="GREEN",
        decision_date=today - dt.timedelta(days=730),
        publicity_end=today + dt.timedelta(days=900),
    )
    green, _code = apply(
        client,
        subject,
        [second],
        green_channel="medical",
        green_channel_reason="生产医用口罩",
    )
    assert green.due_on == add_working_days(today, 1).date
    page = official_client.get("/repair/workbench/").content.decode()
    assert page.index(green.reference) < page.index(plain.reference)
    act(official_client, green, "accept")
    assert green.decision_due == add_working_days(today, 5).date
    act(official_client, green, "grant", reason="绿色通道")
    assert green.due_on == add_working_days(today, 1).date


def test_false_commitment_reverses_and_bans(client, official_client, subject, record, today):
    case, _code = apply(client, subject, [record])
    for action, data in (("accept", {}), ("grant", {"reason": "同意"}), ("carry-out", {})):
        act(official_client, case, action, **data)
    act(official_client, case, "false-commitment", reason="承诺虚假")
    assert case.state == "reversed"
    new = CreditRecord.objects.get(document_number=f"{case.reference}-R")
    assert new.kind == "commitment_unfulfilled" and new.state == "active"
    ban = RepairBan.objects.get(subject=subject)
    assert ban.ends_on.year == today.year + 3
    other = CreditRecordFactory(
        subject=subject,
        department=record.department,
        title="LATER",
        decision_date=today - dt.timedelta(days=730),
        publicity_end=today + dt.timedelta(days=900),
    )
    with override("en"):
        response = client.post(
            "/repair/new/",
            {
                "uscc": subject.uscc,
                "legal_representative": "张三",
                "records": [other.pk],
                "contact_name": "x",
                "contact_email": "x@example.org",
                "opinion": pdf(),
                "commitment": pdf(),
            },
        )
    assert response.status_code == 400 and "false repair commitment" in response.content.decode()


def test_workbench_is_for_officials_of_the_case(client, officer, subject, record):
    case, _code = apply(client, subject, [record])
    assert client.get("/repair/workbench/").status_code == 302  # to the login
    from tests.factories import DepartmentFactory, make_officer

    stranger = make_officer(DepartmentFactory(code="elsewhere"))
    client.force_login(stranger)
    assert case.reference not in client.get("/repair/workbench/").content.decode()
    assert client.get(f"/repair/workbench/{case.pk}/").status_code == 404
    attachment = case.attachments.first()
    assert (
        client.get(f"/repair/workbench/{case.pk}/attachments/{attachment.pk}/").status_code == 404
    )
    client.force_login(officer)
    assert case.reference in client.get("/repair/workbench/").content.decode()
    response = client.get(f"/repair/workbench/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert PNG  # images are accepted too: see test_cases_uploads
