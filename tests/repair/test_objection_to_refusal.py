"""An objection to a refused repair (rules.md §7, ruling R7), with its dates written out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.actors import Actor
from repair import services
from repair.models import Case
from rules.workdays import add_working_days
from tests.factories import CreditRecordFactory

from .conftest import pdf
from .verified import verify_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def refused(subject, department, reviewer):
    """A general penalty decided 2024-06-03, applied for on 2026-03-02, refused 2026-03-05."""
    record = CreditRecordFactory(
        subject=subject,
        department=department,
        decision_date=dt.date(2024, 6, 3),
        publicity_end=dt.date(2029, 6, 3),
    )
    case, code = services.repair_application_submit(
        subject=subject,
        records=[record],
        contact_name="李四",
        contact_email="li@example.org",
        files=[("opinion", pdf()), ("commitment", pdf())],
        on=dt.date(2026, 3, 2),
    )
    actor = Actor.for_user(reviewer)
    services.repair_accept(actor=actor, case=case, on=dt.date(2026, 3, 3))
    services.repair_decide(
        actor=actor, case=case, grant=False, reasons="材料不实", on=dt.date(2026, 3, 5)
    )
    case.refresh_from_db()
    assert case.state == "refused"
    return case, code


def _object(case, code, on):
    return services.objection_submit(
        subject=case.subject,
        grounds="factual_error",
        explanation="拒绝理由与事实不符",
        contact_name="李四",
        contact_email="li@example.org",
        objected_case=case,
        access_code=code,
        on=on,
    )


def test_applicant_objects_to_refusal_and_it_is_decided_again(refused, reviewer):
    case, code = refused
    # Refused Thursday 2026-03-05: 5 working days run to Thursday 2026-03-12.
    objection, _code = _object(case, code, dt.date(2026, 3, 12))
    assert objection.grounds == "refusal_wrong" and objection.objected_case == case
    assert objection.due_on == add_working_days(dt.date(2026, 3, 12), 5).date
    actor = Actor.for_user(reviewer)
    with pytest.raises(ValidationError):
        services.objection_decide(
            actor=actor, case=objection, decision="repair_reversed", reasons="x"
        )
    services.objection_decide(
        actor=actor,
        case=objection,
        decision="refusal_overturned",
        reasons="拒绝理由不成立",
        on=dt.date(2026, 3, 16),
    )
    case.refresh_from_db()
    objection.refresh_from_db()
    assert objection.state == "decided" and objection.decision == "refusal_overturned"
    assert case.state == "accepted" and case.decision == "" and case.closed_on is None
    assert case.decision_due == add_working_days(dt.date(2026, 3, 16), 15).date
    services.repair_decide(
        actor=actor, case=case, grant=True, reasons="同意", on=dt.date(2026, 3, 18)
    )
    case.refresh_from_db()
    assert case.state == "granted"


def test_refusal_kept(refused, reviewer):
    case, code = refused
    objection, _code = _object(case, code, dt.date(2026, 3, 6))
    services.objection_decide(
        actor=Actor.for_user(reviewer),
        case=objection,
        decision="kept",
        reasons="维持",
        on=dt.date(2026, 3, 9),
    )
    case.refresh_from_db()
    assert case.state == "refused"


def test_objection_to_refusal_needs_the_access_code_and_the_time(refused):
    case, code = refused
    with pytest.raises(ValidationError) as wrong:
        _object(case, "WRONGCODE", dt.date(2026, 3, 6))
    assert "access_code" in wrong.value.message_dict
    with pytest.raises(ValidationError) as late:
        _object(case, code, dt.date(2026, 3, 13))  # the 6th working day
    assert "2026-03-12" in " ".join(late.value.message_dict["repair_reference"])
    assert not Case.objects.filter(objected_case=case).exists()


def test_objection_to_refusal_through_the_public_form(client, refused):
    """Only the applicant: unverified, nothing is filed; a third party's verified e-mail is
    not the applicant; the enterprise verified for the subject is (no access code needed),
    and is then told the time to object is over (docs/rules.md §7, §8.8)."""
    case, _code = refused
    client.cookies["django_language"] = "en"
    data = {
        "repair_reference": case.reference,
        "access_code": "WRONG",
        "grounds": "factual_error",
        "explanation": "拒绝理由与事实不符",
        "contact_name": "李四",
        "contact_email": "li@example.org",
    }
    response = client.post("/objections/new/", data)
    assert response.status_code == 403 and "Verify first" in response.content.decode()
    verify_client(client, email="other@example.org")
    page = client.get("/objections/new/").content.decode()
    assert "refused repair" in page
    response = client.post("/objections/new/", data)
    assert response.status_code == 403
    assert "for another subject" in response.content.decode()
    verify_client(client, case.subject)
    response = client.post("/objections/new/", {**data, "access_code": ""})
    assert response.status_code == 400
    assert "Only the applicant" not in response.content.decode()
    assert "time to object to this refusal ended" in response.content.decode()
    assert not Case.objects.filter(objected_case=case).exists()
