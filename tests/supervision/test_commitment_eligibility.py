"""Who may make a credit commitment (docs/rules.md §10): not a subject on a black list in
force, nor one with serious negative information in publicity, on the commitment date.
The service refuses naming which; the admin shows the refusal on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from core.models import AuditEvent
from enterprises.models import CreditCommitment
from lists.models import CreditList, ListEntry
from supervision.services import CommitmentNotAllowed, commitment_create, commitment_refusal
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The messages are read in English (the site's default language is Chinese).
    with translation.override("en"):
        yield


D = dt.date
COMMITTED_ON = D(2026, 8, 24)


@pytest.fixture
def unit():
    return DepartmentFactory(code="huzhou-finance", name_zh="湖州市财政局")


def _data(unit, **values):
    return {
        "commitment_type": "approval_substitute",
        "reason": "审批替代型, 申请办理会计代理记账机构执业资格审批",
        "committed_on": COMMITTED_ON,
        "promised_by": D(2026, 9, 30),
        "accepting_unit": unit,
        "content": "一、所提交的申请材料真实、合法、有效",
        **values,
    }


def _listed(subject, slug: str, *, listed_on: dt.date, term_end: dt.date | None = None):
    credit_list = CreditList.objects.get(slug=slug)
    return ListEntry.objects.create(
        credit_list=credit_list,
        subject=subject,
        department=credit_list.authority,
        status=ListEntry.Status.LISTED,
        reason="理由",
        proposed_on=listed_on - dt.timedelta(days=30),
        listed_on=listed_on,
        term_end=term_end,
    )


def _penalty(subject, *, severity: str, decided: dt.date, end: dt.date | None, **values):
    return CreditRecordFactory(
        subject=subject,
        severity=severity,
        decision_date=decided,
        publicity_end=end,
        title=values.pop("title", "违反安全生产法"),
        **values,
    )


def test_a_subject_on_a_black_list_in_force_is_refused_naming_the_list(unit, system_actor):
    subject = SubjectFactory()
    entry = _listed(subject, "zj-eco-serious", listed_on=D(2026, 5, 1))
    with pytest.raises(CommitmentNotAllowed) as refused:
        commitment_create(actor=system_actor, subject=subject, data=_data(unit))
    message = str(refused.value.message)
    assert "black list" in message and entry.credit_list.name_zh in message
    assert "2026-05-01" in message
    assert refused.value.field == "subject" and refused.value.status_code == 400
    assert not CreditCommitment.objects.filter(subject=subject).exists()


def test_any_black_list_counts_not_only_serious_ones(unit):
    subject = SubjectFactory()
    _listed(subject, "cn-abnormal-operations", listed_on=D(2026, 7, 1))
    refusal = commitment_refusal(subject, on=COMMITTED_ON)
    assert refusal is not None and "black list" in refusal


def test_the_black_list_is_judged_on_the_commitment_date(unit, system_actor):
    subject = SubjectFactory()
    # Listed 2025-05-01 for a term that ended 2026-06-30: not in force on 2026-08-24.
    _listed(subject, "zj-eco-serious", listed_on=D(2025, 5, 1), term_end=D(2026, 6, 30))
    # Listed only from 2026-09-01: not yet in force on 2026-08-24.
    _listed(subject, "zj-culture-tourism-black", listed_on=D(2026, 9, 1))
    assert commitment_refusal(subject, on=COMMITTED_ON) is None
    assert commitment_refusal(subject, on=D(2026, 9, 1)) is not None
    assert commitment_refusal(subject, on=D(2026, 6, 30)) is not None


def test_a_red_list_entry_does_not_bar_a_commitment(unit, system_actor):
    subject = SubjectFactory()
    _listed(subject, "zj-class-a-taxpayers", listed_on=D(2026, 5, 1))
    made = commitment_create(actor=system_actor, subject=subject, data=_data(unit))
    assert made.pk and made.state == "pending"


def test_serious_negative_information_in_publicity_is_refused_naming_the_record(unit, system_actor):
    subject = SubjectFactory()
    _penalty(
        subject,
        severity="serious",
        decided=D(2026, 3, 2),
        end=D(2029, 3, 2),
        title="重大事故隐患未整改",
    )
    with pytest.raises(CommitmentNotAllowed) as refused:
        commitment_create(actor=system_actor, subject=subject, data=_data(unit))
    message = str(refused.value.message)
    assert "serious negative information" in message
    assert "重大事故隐患未整改" in message and "2026-03-02" in message
    assert "black list" not in message
    assert not CreditCommitment.objects.filter(subject=subject).exists()


def test_general_ended_or_non_public_negative_information_does_not_bar(unit, system_actor):
    subject = SubjectFactory()
    # General, in publicity until 2027-03-02.
    _penalty(subject, severity="general", decided=D(2026, 3, 2), end=D(2027, 3, 2))
    # Serious, but its publicity ended on 2026-06-01, before the commitment of 2026-08-24.
    _penalty(subject, severity="serious", decided=D(2023, 6, 1), end=D(2026, 6, 1))
    # Serious, decided 2026-09-10: after the commitment date.
    _penalty(subject, severity="serious", decided=D(2026, 9, 10), end=D(2029, 9, 10))
    # Serious, in publicity, but government-only: not information in publicity.
    _penalty(
        subject,
        severity="serious",
        decided=D(2026, 2, 1),
        end=D(2029, 2, 1),
        disclosure="government",
    )
    # Serious, in publicity, but repaired.
    _penalty(
        subject, severity="serious", decided=D(2025, 2, 1), end=D(2028, 2, 1), state="repaired"
    )
    made = commitment_create(actor=system_actor, subject=subject, data=_data(unit))
    assert made.committed_on == D(2026, 8, 24)


def test_both_reasons_name_the_black_list_first(unit):
    subject = SubjectFactory()
    _listed(subject, "zj-eco-serious", listed_on=D(2026, 5, 1))
    _penalty(subject, severity="serious", decided=D(2026, 3, 2), end=D(2029, 3, 2))
    refusal = commitment_refusal(subject, on=COMMITTED_ON)
    assert refusal is not None and "black list" in refusal


def test_a_commitment_made_is_audited(unit, system_actor):
    subject = SubjectFactory()
    made = commitment_create(
        actor=system_actor, subject=subject, data=_data(unit), reason="窗口受理"
    )
    event = AuditEvent.objects.get(object_id=str(made.pk), action="create")
    assert event.object_type.endswith("creditcommitment") and event.reason == "窗口受理"


def _admin_post(client, subject, unit):
    admin_user = get_user_model().objects.create_superuser("root", "r@example.com", "pw")
    client.force_login(admin_user)
    return client.post(
        "/admin/enterprises/creditcommitment/add/",
        {
            "subject": subject.pk,
            "commitment_type": "approval_substitute",
            "reason": "审批替代型",
            "committed_on": "2026-08-24",
            "accepting_unit": unit.pk,
            "content": "申请材料真实",
            "promised_by": "2026-09-30",
            "disclosure": "public",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_admin_shows_the_refusal_on_the_form(client, unit):
    subject = SubjectFactory()
    _listed(subject, "zj-eco-serious", listed_on=D(2026, 5, 1))
    response = _admin_post(client, subject, unit)
    assert response.status_code == 200  # the form again, not a redirect or an error page
    errors = response.context["adminform"].form.errors
    assert "subject" in errors
    assert "black list" in " ".join(errors["subject"]) or "黑名单" in " ".join(errors["subject"])
    assert not CreditCommitment.objects.filter(subject=subject).exists()


def test_admin_enters_an_allowed_commitment_through_the_service(client, unit):
    subject = SubjectFactory()
    response = _admin_post(client, subject, unit)
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = CreditCommitment.objects.get(subject=subject)
    assert made.committed_on == D(2026, 8, 24) and made.accepting_unit == unit
    assert AuditEvent.objects.filter(object_id=str(made.pk), action="create").exists()
