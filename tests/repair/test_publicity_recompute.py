"""A correction after an objection recomputes the end of publicity and the repair date
(rules.md §7, ruling R3), with the dates of the seeded editions written out (§6.2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from core.actors import Actor
from enterprises.models import AuditEvent, CreditRecord, RecordEdition
from enterprises.services import RECORD_FIELDS, record_create, record_update
from portal.queries import repair_infos
from repair import services
from repair.eligibility import records_eligibility
from repair.services import records_expire
from tests.factories import DepartmentFactory, make_officer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def national():
    """A national department that is not market regulation: the national editions."""
    return DepartmentFactory(code="cn-test-ministry", level="national")


@pytest.fixture
def zhejiang():
    """A provincial department: national periods, Zhejiang's own rules beside them."""
    return DepartmentFactory(code="zj-test-eco", level="provincial")


def _record(department, subject, decision_date, **extra):
    data = {
        "kind": "penalty",
        "decision_date": decision_date,
        "document_number": f"R3-{department.code}-{decision_date.isoformat()}",
        "title": "R3 penalty",
        "severity": "serious",
        "penalty_type": "fine",
        "fine_amount": 50_000,
        "publicity_end": None,
    }
    data.update(extra)
    return record_create(
        actor=Actor.for_user(make_officer(department)),
        subject=subject,
        department=department,
        data=data,
    )


def _correct_after_objection(record, reviewer, correction, on=TODAY):
    case, _code = services.objection_submit(
        subject=record.subject,
        records=[record],
        grounds="factual_error",
        explanation="严重程度认定有误",
        contact_name="李四",
        contact_email="li@example.org",
        on=on,
    )
    services.objection_decide(
        actor=Actor.for_user(reviewer),
        case=case,
        decision="corrected",
        reasons="更正为一般失信",
        correction=correction,
        on=on,
    )
    record.refresh_from_db()
    return record


def _edition_code(record):
    return RecordEdition.objects.get(record_id=record.pk).edition.code


def _repair_from(record):
    return records_eligibility([record], on=TODAY)[record.pk].from_date


def test_serious_to_general_under_the_edition_of_the_decision_date(subject, national, reviewer):
    # Decided 2026-02-01: NDRC Order 58 (to 2026-03-31), serious 36 months, repair after 12.
    record = _record(national, subject, dt.date(2026, 2, 1))
    assert record.publicity_end == dt.date(2029, 2, 1)
    assert _edition_code(record) == "cn-ndrc-order58-2023"
    assert _repair_from(record) == dt.date(2027, 2, 1)

    # Corrected to general: Order 58's 12 months and 3 before repair.
    record = _correct_after_objection(record, reviewer, {"severity": "general"})
    assert record.state == "active" and record.severity == "general"
    assert record.publicity_end == dt.date(2027, 2, 1)
    assert _edition_code(record) == "cn-ndrc-order58-2023"
    assert _repair_from(record) == dt.date(2026, 5, 1)
    # The credit file and its API read the same answer.
    assert repair_infos([record])[record.pk].from_date == dt.date(2026, 5, 1)
    event = AuditEvent.objects.get(object_type="repair.recordedition", object_id=str(record.pk))
    assert event.before["publicity_end"] == "2029-02-01"
    assert event.after == {
        "publicity_end": "2027-02-01",
        "edition": "cn-ndrc-order58-2023",
        "permanent_reason": "",
    }


def test_serious_to_minor_leaves_the_public_file(subject, national, reviewer):
    # Decided 2026-02-01 under Order 58: minor information is not published (§6.5).
    record = _record(national, subject, dt.date(2026, 2, 1))
    assert CreditRecord.objects.public().filter(pk=record.pk).exists()
    record = _correct_after_objection(record, reviewer, {"severity": "minor"})
    assert (record.state, record.severity) == ("unpublished", "minor")
    assert not CreditRecord.objects.public().filter(pk=record.pk).exists()
    row = RecordEdition.objects.get(record_id=record.pk)
    assert row.edition.code == "cn-ndrc-order58-2023"
    assert "Minor information is not published" in row.unpublished_reason
    # Corrected back (a second objection is not possible on an unpublished record; the
    # department corrects it): published again.
    officer = Actor.for_user(make_officer(national))
    record = record_update(actor=officer, record=record, data={"severity": "serious"}, reason="x")
    assert (record.state, record.publicity_end) == ("active", dt.date(2029, 2, 1))


def test_zhejiang_serious_to_general_follows_the_national_edition(subject, zhejiang, reviewer):
    # Decided 2025-06-01 by a provincial department: Order 58 (ruling R1), serious 36
    # months; general 12 months, already over on 2026-12-02 (left to the expiry job).
    record = _record(zhejiang, subject, dt.date(2025, 6, 1))
    assert record.publicity_end == dt.date(2028, 6, 1)
    record = _correct_after_objection(record, reviewer, {"severity": "general"})
    assert record.severity == "general"
    assert record.publicity_end == dt.date(2026, 6, 1)
    assert _edition_code(record) == "cn-ndrc-order58-2023"
    assert RecordEdition.objects.get(record_id=record.pk).local_edition.code == (
        "zj-regulation-2018"
    )
    assert _repair_from(record) == dt.date(2025, 9, 1)


def test_new_end_already_past_is_left_to_the_expiry_job(subject, national, reviewer):
    # Decided 2025-06-01 under Order 58: serious to 2028-06-01; general ends 2026-06-01.
    record = _record(national, subject, dt.date(2025, 6, 1))
    assert record.publicity_end == dt.date(2028, 6, 1)
    record = _correct_after_objection(record, reviewer, {"severity": "general"})
    assert record.publicity_end == dt.date(2026, 6, 1)
    assert _repair_from(record) == dt.date(2025, 9, 1)
    assert record.state == "active"
    assert not CreditRecord.objects.counting(on=TODAY).filter(pk=record.pk).exists()
    records_expire(on=TODAY)
    record.refresh_from_db()
    assert record.state == "expired"


def test_penalty_type_changed_to_licence_revocation_is_permanent(subject, zhejiang, reviewer):
    record = _record(zhejiang, subject, dt.date(2025, 6, 1))
    record = _correct_after_objection(
        record, reviewer, {"penalty_type": "licence_revoked", "fine_amount": None}
    )
    assert record.publicity_end is None
    row = RecordEdition.objects.get(record_id=record.pk)
    assert row.edition.code == "cn-ndrc-order58-2023"
    assert row.permanent_reason == "Permanent by the kind of penalty."
    assert _repair_from(record) is None


def test_corrected_decision_date_uses_the_edition_of_the_corrected_date(subject, national):
    record = _record(national, subject, dt.date(2026, 2, 1))
    officer = Actor.for_user(make_officer(national))
    # 2026-05-01: NDRC Order 36, serious 36 months, repair after 12.
    record = record_update(
        actor=officer, record=record, data={"decision_date": dt.date(2026, 5, 1)}, reason="x"
    )
    assert record.publicity_end == dt.date(2029, 5, 1)
    assert _edition_code(record) == "cn-ndrc-order36-2026"


def test_admin_save_with_every_field_recomputes(subject, national):
    """The admin passes every field, the unchanged end included."""
    record = _record(national, subject, dt.date(2026, 2, 1))
    data = {name: getattr(record, name) for name in RECORD_FIELDS}
    data["severity"] = "general"
    officer = Actor.for_user(make_officer(national))
    record = record_update(actor=officer, record=record, data=data, reason="更正")
    assert record.publicity_end == dt.date(2027, 2, 1)


def test_end_given_by_hand_is_not_touched(subject, national, reviewer):
    record = _record(national, subject, dt.date(2026, 2, 1), publicity_end=dt.date(2031, 1, 1))
    assert not RecordEdition.objects.filter(record_id=record.pk).exists()
    record = _correct_after_objection(record, reviewer, {"severity": "general"})
    assert record.publicity_end == dt.date(2031, 1, 1)
    assert not RecordEdition.objects.filter(record_id=record.pk).exists()
    # Unless the caller asks.
    officer = Actor.for_user(make_officer(national))
    record = record_update(
        actor=officer, record=record, data={}, reason="按规则重算", recompute_publicity=True
    )
    assert record.publicity_end == dt.date(2027, 2, 1)
    assert _edition_code(record) == "cn-ndrc-order58-2023"


def test_new_end_given_with_the_correction_is_kept(subject, national):
    record = _record(national, subject, dt.date(2026, 2, 1))
    officer = Actor.for_user(make_officer(national))
    record = record_update(
        actor=officer,
        record=record,
        data={"severity": "general", "publicity_end": dt.date(2026, 12, 31)},
        reason="x",
    )
    assert record.publicity_end == dt.date(2026, 12, 31)
