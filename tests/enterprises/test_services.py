import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.actors import Actor
from core.exceptions import DepartmentNotAllowed, StateTransitionNotAllowed
from enterprises.models import AuditEvent, CreditRecord, FormerName, Subject
from enterprises.services import (
    record_create,
    record_state_set,
    record_update,
    record_upsert,
    subject_upsert,
)
from tests.factories import CreditRecordFactory, DepartmentFactory, SubjectFactory, make_officer

pytestmark = pytest.mark.django_db

SYSTEM = Actor.for_system("tests")


def penalty(**overrides):
    data = {
        "kind": "penalty",
        "decision_date": dt.date(2025, 3, 1),
        "document_number": "浙环罚〔2025〕7号",
        "title": "超标排放",
        "severity": "serious",
        "penalty_type": "fine",
        "fine_amount": 1_200_000,
        "publicity_end": dt.date(2030, 3, 1),
    }
    data.update(overrides)
    return data


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_officer_writes_only_own_department():
    own, other = DepartmentFactory(code="zj-eco"), DepartmentFactory(code="zj-tax")
    officer = Actor.for_user(make_officer(own))
    subject = SubjectFactory()
    record = record_create(actor=officer, subject=subject, department=own, data=penalty())
    assert record.department == own
    with pytest.raises(DepartmentNotAllowed):
        record_create(
            actor=officer, subject=subject, department=other, data=penalty(document_number="x")
        )
    foreign = CreditRecordFactory(department=other)
    with pytest.raises(DepartmentNotAllowed):
        record_update(actor=officer, record=foreign, data={"title": "改"}, reason="r")
    with pytest.raises(DepartmentNotAllowed):
        record_state_set(actor=officer, record=foreign, state="revoked", reason="r")
    foreign.refresh_from_db()
    assert foreign.title == "违反广告法" and foreign.state == "active"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"severity": ""}, "severity"),
        ({"publicity_end": dt.date(2024, 1, 1)}, "publicity_end"),
        ({"penalty_type": ""}, "penalty_type"),
        ({"fine_amount": None}, "fine_amount"),
        ({"kind": "no_such_kind"}, "kind"),
        ({"disclosure": "secret"}, "disclosure"),
        ({"decision_date": "2025-13-45"}, "decision_date"),
        ({"fine_amount": "lots"}, "fine_amount"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_record_is_refused_naming_the_field_and_writes_nothing(overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        record_create(
            actor=SYSTEM,
            subject=SubjectFactory(),
            department=DepartmentFactory(),
            data=penalty(**overrides),
        )
    assert field in errors_of(excinfo)
    assert CreditRecord.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_permanent_publicity_only_for_permanent_measures():
    record = record_create(
        actor=SYSTEM,
        subject=SubjectFactory(),
        department=DepartmentFactory(),
        data=penalty(penalty_type="licence_revoked", fine_amount=None, publicity_end=None),
    )
    assert record.is_permanent


def test_trust_keeping_record_has_no_severity():
    with pytest.raises(ValidationError) as excinfo:
        record_create(
            actor=SYSTEM,
            subject=SubjectFactory(),
            department=DepartmentFactory(),
            data={
                "kind": "honour",
                "decision_date": dt.date(2024, 5, 1),
                "title": "浙江省AAA级守合同重信用企业",
                "severity": "minor",
            },
        )
    assert "severity" in errors_of(excinfo)


def test_upsert_by_department_and_document_number():
    department, subject = DepartmentFactory(), SubjectFactory()
    first, created = record_upsert(
        actor=SYSTEM, subject=subject, department=department, data=penalty()
    )
    again, created_again = record_upsert(
        actor=SYSTEM, subject=subject, department=department, data=penalty(title="超标排放（更正）")
    )
    assert created and not created_again
    assert first.pk == again.pk and CreditRecord.objects.count() == 1
    assert CreditRecord.objects.get().title == "超标排放（更正）"
    # Another department's identical document number is its own record.
    _, other_created = record_upsert(
        actor=SYSTEM, subject=subject, department=DepartmentFactory(), data=penalty()
    )
    assert other_created and CreditRecord.objects.count() == 2


def test_changes_mark_the_subject_for_rescoring():
    subject = SubjectFactory()
    assert subject.rescore_requested_at is None
    record_create(actor=SYSTEM, subject=subject, department=DepartmentFactory(), data=penalty())
    subject.refresh_from_db()
    assert subject.rescore_requested_at is not None


def test_state_transitions_are_explicit():
    record = CreditRecordFactory()
    with pytest.raises(ValidationError):
        record_state_set(actor=SYSTEM, record=record, state="revoked", reason="  ")
    record_state_set(actor=SYSTEM, record=record, state="under_objection", reason="objection filed")
    record_state_set(actor=SYSTEM, record=record, state="active", reason="objection rejected")
    record_state_set(actor=SYSTEM, record=record, state="expired", reason="publicity over")
    with pytest.raises(StateTransitionNotAllowed):
        record_state_set(actor=SYSTEM, record=record, state="active", reason="undo")
    record.refresh_from_db()
    assert record.state == "expired" and record.state_changed_at is not None
    assert CreditRecord.objects.filter(pk=record.pk).exists()  # nothing is deleted


def test_subject_upsert_registers_updates_and_keeps_former_names():
    subject, created = subject_upsert(
        actor=SYSTEM,
        uscc="91330100799655058b",
        data={"name": "杭州旧名有限公司", "legal_representative": "李四"},
    )
    assert created and subject.uscc == "91330100799655058B"
    subject, created = subject_upsert(
        actor=SYSTEM, uscc="91330100799655058B", data={"name": "杭州新名有限公司"}
    )
    assert not created and subject.name == "杭州新名有限公司"
    assert list(FormerName.objects.values_list("name", flat=True)) == ["杭州旧名有限公司"]
    assert Subject.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="enterprises.subject").count() == 2


def test_subject_with_bad_code_is_refused_unless_an_official_overrides():
    bad = "91330100799655058C"
    with pytest.raises(ValidationError) as excinfo:
        subject_upsert(actor=SYSTEM, uscc=bad, data={"name": "历史代码企业"})
    assert excinfo.value.error_dict["uscc"][0].code == "checksum"
    with pytest.raises(ValidationError) as excinfo:
        subject_upsert(
            actor=SYSTEM, uscc=bad, data={"name": "历史代码企业"}, override_reason="issued in 2016"
        )
    assert "uscc_override_reason" in errors_of(excinfo)  # only officials may override
    official = Actor.for_user(make_officer(DepartmentFactory(code="zj-amr")))
    subject, _ = subject_upsert(
        actor=official, uscc=bad, data={"name": "历史代码企业"}, override_reason="issued in 2016"
    )
    assert subject.uscc_override and subject.uscc_override_reason == "issued in 2016"
    event = AuditEvent.objects.get(object_type="enterprises.subject")
    assert event.after["uscc_override"] is True
    # A wrong length is never overridable.
    with pytest.raises(ValidationError):
        subject_upsert(actor=official, uscc=bad[:-1], data={"name": "x"}, override_reason="old")


def test_natural_person_has_no_code_and_masked_id():
    person, _ = subject_upsert(
        actor=SYSTEM,
        uscc=None,
        data={"subject_type": "natural_person", "name": "王五", "id_number": "330106199001011234"},
    )
    assert person.uscc is None
    assert person.masked_id_number == "3301************34"


def test_editing_a_known_subject_updates_it_by_id_not_a_new_one():
    person, _ = subject_upsert(
        actor=SYSTEM,
        uscc=None,
        data={"subject_type": "natural_person", "name": "王五", "id_number": "330106199001011234"},
    )
    edited, created = subject_upsert(
        actor=SYSTEM,
        uscc=None,
        data={
            "subject_type": "natural_person",
            "name": "王五六",
            "id_number": "330106199001011234",
        },
        subject=person,
    )
    assert (edited.pk, created, edited.name) == (person.pk, False, "王五六")
    assert Subject.objects.filter(subject_type="natural_person").count() == 1
    assert list(edited.former_names.values_list("name", flat=True)) == ["王五"]


# --- Revocation (rules.md §3.6, §7) -------------------------------------------------------------


def test_revocation_outside_an_objection_decision_is_the_records_department_only():
    from core.exceptions import RevocationNotAllowed
    from core.roles import ensure_roles
    from tests.factories import UserFactory

    ensure_roles()
    own = DepartmentFactory(code="zj-tax")
    reviewer = Actor.for_user(UserFactory(username="reviewer", groups=["credit_centre_reviewer"]))
    administrator = Actor.for_user(UserFactory(username="admin", groups=["administrator"]))
    record, other = CreditRecordFactory(department=own), CreditRecordFactory(department=own)

    for actor in (reviewer, administrator):
        with pytest.raises(RevocationNotAllowed) as refused:
            record_state_set(actor=actor, record=record, state="revoked", reason="有误")
        assert refused.value.status_code == 403 and refused.value.field == "state"
    record.refresh_from_db()
    assert record.state == "active" and not AuditEvent.objects.filter(action="state").exists()
    # Other state changes stay theirs; the revocation comes through the objection decision.
    record_state_set(actor=reviewer, record=record, state="under_objection", reason="异议受理")
    record_state_set(
        actor=reviewer, record=record, state="revoked", reason="异议成立", objection="YY2026"
    )
    # The department that entered the record withdraws it with a reason.
    record_state_set(
        actor=Actor.for_user(make_officer(own)), record=other, state="revoked", reason="录入错误"
    )
    record.refresh_from_db()
    other.refresh_from_db()
    assert record.state == other.state == "revoked"
