import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.actors import Actor
from core.audit import audit_verify
from enterprises.models import AuditEvent, CreditRecord
from enterprises.services import record_create, record_state_set, record_update
from tests.factories import DepartmentFactory, SubjectFactory

pytestmark = pytest.mark.django_db


def _penalty_data(number: str = "杭市监罚〔2025〕1号") -> dict:
    return {
        "kind": "penalty",
        "decision_date": dt.date(2025, 3, 1),
        "document_number": number,
        "title": "未按规定公示年度报告",
        "severity": "general",
        "penalty_type": "fine",
        "fine_amount": 2000,
        "publicity_end": dt.date(2028, 3, 1),
    }


@pytest.fixture
def trail():
    """A short chain: create, change, state change."""
    actor = Actor.for_system("tests")
    department = DepartmentFactory()
    record = record_create(
        actor=actor, subject=SubjectFactory(), department=department, data=_penalty_data()
    )
    record_update(actor=actor, record=record, data={"title": "更正后的标题"}, reason="typo")
    record_state_set(actor=actor, record=record, state="revoked", reason="objection upheld")
    return list(AuditEvent.objects.order_by("id"))


def test_every_change_writes_a_chained_row(trail):
    assert [e.action for e in trail] == ["create", "update", "state"]
    assert trail[0].after["title"] == "未按规定公示年度报告"
    assert trail[1].before == {"title": "未按规定公示年度报告"}
    assert trail[1].after == {"title": "更正后的标题"}
    assert trail[1].reason == "typo"
    assert trail[2].after["state"] == "revoked"
    assert trail[1].prev_hash == trail[0].hash and trail[2].prev_hash == trail[1].hash
    assert {e.actor_label for e in trail} == {"system:tests"}


def test_verify_passes_on_an_intact_chain(trail, capsys):
    assert audit_verify().ok
    call_command("verify_audit")
    assert "3 rows verified" in capsys.readouterr().out


def test_verify_names_the_altered_row(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_auditevent SET reason = %s WHERE id = %s", ["nothing", trail[1].pk]
        )
    result = audit_verify()
    assert not result.ok and result.broken_id == trail[1].pk
    with pytest.raises(CommandError, match=f"row {trail[1].pk}"):
        call_command("verify_audit")


def test_verify_names_the_row_after_a_removed_one(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_auditevent WHERE id = %s", [trail[1].pk])
    result = audit_verify()
    assert not result.ok and result.broken_id == trail[2].pk


def test_verify_detects_a_removed_tail(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_auditevent WHERE id = %s", [trail[2].pk])
    result = audit_verify()
    assert not result.ok
    assert "removed" in result.problem


def test_altering_the_json_payload_is_detected(trail):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_auditevent SET after = %s WHERE id = %s",
            ['{"title": "forged"}', trail[1].pk],
        )
    assert audit_verify().broken_id == trail[1].pk


def test_a_change_that_changes_nothing_writes_no_row(trail):
    record = CreditRecord.objects.get()
    record_update(actor=Actor.for_system("tests"), record=record, data={}, reason="noop")
    assert AuditEvent.objects.count() == len(trail)
