"""Deferred audit rows (core.audit.audit_deferred): one short lock of the chain head at the
end of a long transaction, the same rows as without deferral, all or nothing."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction

from core import audit
from core.actors import Actor
from enterprises.models import AuditEvent

pytestmark = pytest.mark.django_db

ACTOR = Actor.for_system("tests")


def _append(n: int) -> None:
    audit.audit_append(
        actor=ACTOR, action="update", object_type="tests.thing", object_id=n, after={"n": n}
    )


@pytest.fixture
def locks(monkeypatch) -> list[int]:
    """How many rows exist each time the chain head is locked."""
    taken: list[int] = []
    original = audit._locked_head

    def locked_head():
        taken.append(AuditEvent.objects.count())
        return original()

    monkeypatch.setattr(audit, "_locked_head", locked_head)
    return taken


def test_rows_are_chained_in_one_step_at_the_end(locks):
    _append(0)
    with transaction.atomic(), audit.audit_deferred():
        for n in range(1, 4):
            _append(n)
        assert AuditEvent.objects.count() == 1  # held, not written yet
        with audit.audit_deferred():  # an inner block joins the outer one
            _append(4)
    assert locks == [0, 1]
    rows = list(AuditEvent.objects.order_by("id"))
    assert [row.after["n"] for row in rows] == [0, 1, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    head = audit.AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (rows[-1].pk, rows[-1].hash)
    assert audit.audit_verify().ok


def test_a_rolled_back_savepoint_drops_its_rows():
    with transaction.atomic(), audit.audit_deferred():
        _append(1)
        with pytest.raises(ValueError), audit.audit_savepoint():
            _append(2)
            raise ValueError
        _append(3)
    assert [row.after["n"] for row in AuditEvent.objects.order_by("id")] == [1, 3]
    assert audit.audit_verify().ok


def test_a_block_that_fails_or_rolls_back_appends_nothing(locks):
    with pytest.raises(ValueError), transaction.atomic(), audit.audit_deferred():
        _append(1)
        raise ValueError
    with transaction.atomic(), audit.audit_deferred():
        _append(2)
        transaction.set_rollback(True)
    assert locks == [] and not AuditEvent.objects.exists()


def test_it_must_run_inside_the_transaction_of_its_changes():
    connection = transaction.get_connection()
    in_atomic = connection.in_atomic_block
    connection.in_atomic_block = False  # as outside the test's own transaction
    try:
        with pytest.raises(RuntimeError), audit.audit_deferred():
            pass
    finally:
        connection.in_atomic_block = in_atomic
