"""The case page (docs/rules.md §8.8): look-up by reference and access code, the steps with
dates and deadlines, who acts next, the rules applied, the decision letter, and the
objection to a refused repair from the page (docs/rules.md §7)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from core.actors import Actor
from repair import services
from repair.models import Case
from rules.workdays import add_working_days

from .conftest import committing, pdf
from .verified import verify_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def filed(subject, record):
    return services.repair_application_submit(
        subject=subject,
        records=[record],
        contact_name="李四",
        contact_email="li@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
    )


def _steps(response) -> dict[str, tuple[str, object, object]]:
    return {s.key: (s.status, s.done_on, s.due_on) for s in response.context["timeline"].steps}


def test_look_up_by_reference_and_code_then_the_timeline(client, subject, record, filed, reviewer):
    case, code = filed
    assert client.get("/track/").status_code == 200
    assert client.get(f"/track/{case.reference}/").status_code == 200  # asks for the code
    assert "Find a case" in client.get(f"/track/{case.reference}/").content.decode()
    wrong = client.post("/track/", {"reference": case.reference, "access_code": "NOPE"})
    assert wrong.status_code == 403 and "do not match" in wrong.content.decode()
    unknown = client.post("/track/", {"reference": "XF20260101ABCDEF", "access_code": "NOPE"})
    assert unknown.status_code == 403 and "do not match" in unknown.content.decode()
    response = client.post("/track/", {"reference": case.reference.lower(), "access_code": code})
    assert response.status_code == 302 and response["Location"] == f"/track/{case.reference}/"

    page = client.get(f"/track/{case.reference}/")
    text = page.content.decode()
    assert subject.name in text and subject.uscc in text and record.title in text
    steps = _steps(page)
    assert list(steps) == ["received", "material_complete", "decided", "repaired", "published"]
    assert steps["received"][:2] == ("done", case.received_on)
    assert steps["material_complete"] == ("current", None, case.due_on)
    assert "checks that the material is complete" in text
    assert "completeness checked within 2 working days" in text
    assert "Download the decision letter" not in text

    actor = Actor.for_user(reviewer)
    services.repair_accept(actor=actor, case=case)
    services.repair_decide(actor=actor, case=case, grant=True, reasons="义务已履行")
    case.refresh_from_db()
    page = client.get(f"/track/{case.reference}/")
    steps = _steps(page)
    assert steps["material_complete"][0] == "done" and steps["decided"][0] == "done"
    assert steps["repaired"] == ("current", None, case.due_on)
    assert "carries out the repair" in page.content.decode()

    letter = client.get(f"/track/{case.reference}/decision.txt")
    assert letter.status_code == 200 and letter["Content-Type"].startswith("text/plain")
    assert "attachment" in letter["Content-Disposition"]
    body = letter.content.decode()
    assert case.reference in body and "Repair granted" in body and "义务已履行" in body
    assert subject.name in body and record.title in body
    # Nobody else reads the case or its letter.
    stranger = Client()
    assert stranger.get(f"/track/{case.reference}/decision.txt").status_code == 404
    assert record.title not in stranger.get(f"/track/{case.reference}/").content.decode()


def test_verified_enterprise_sees_all_its_cases_without_codes(client, subject, filed):
    case, _code = filed
    verify_client(client, subject)
    assert case.reference in client.get("/track/").content.decode()
    page = client.get(f"/track/{case.reference}/")
    assert page.status_code == 200 and "steps" in page.content.decode()


def test_objection_to_a_refusal_from_the_case_page(client, subject, filed, reviewer, today):
    case, code = filed
    actor = Actor.for_user(reviewer)
    services.repair_accept(actor=actor, case=case)
    services.repair_decide(actor=actor, case=case, grant=False, reasons="材料不实")
    client.post("/track/", {"reference": case.reference, "access_code": code})
    page = client.get(f"/track/{case.reference}/")
    until = add_working_days(today, 5).date
    assert page.context["timeline"].refusal_objection_until == until
    assert "Object to the refusal" in page.content.decode()
    assert _steps(page)["repaired"][0] == "skipped"

    empty = client.post(f"/track/{case.reference}/object/", {"explanation": ""})
    assert empty.status_code == 400 and "explanation" in empty.context["objection"].errors
    with committing():
        response = client.post(
            f"/track/{case.reference}/object/",
            {"explanation": "拒绝理由与事实不符", "evidence": pdf("proof.pdf")},
        )
    assert response.status_code == 200, response.content.decode()[:2000]
    objection = Case.objects.get(objected_case=case)
    assert objection.grounds == "refusal_wrong" and objection.attachments.count() == 1
    assert objection.contact_email == "li@example.org"
    # A stranger cannot object from the page.
    assert (
        Client().post(f"/track/{case.reference}/object/", {"explanation": "x"}).status_code == 404
    )


def test_confirmation_heading_is_not_the_statistics_column(client, subject, record):
    verify_client(client, subject)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"), committing():
        response = client.post(
            "/repair/new/",
            {
                "uscc": subject.uscc,
                "legal_representative": subject.legal_representative,
                "records": [record.pk],
                "contact_name": "李四",
                "contact_email": "li@example.org",
                "opinion": pdf(),
                "commitment": pdf(),
            },
        )
    assert response.status_code == 200
    heading = response.content.decode().split("<h1>")[1].split("</h1>")[0]
    assert heading != "收件数" and heading.strip()
