"""A real Celery worker process runs a real task against the test database.

These tests start ``celery -A creditsite worker`` as a subprocess with
DATABASE_URL pointing at the test database pytest-django created (and
REDIS_URL as the broker), send the task through Redis from this process, and
wait for the job-run row that the worker writes. They need PostgreSQL (SQLite's
test database lives in this process's memory) and Redis: CI's second pass.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from core.actors import Actor
from core.audit import audit_append
from enterprises.models import AuditEvent, JobRun
from enterprises.tasks import verify_audit_task
from tests.workers import Worker, drop_queue, new_queue, start_worker

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 30  # seconds for the job-run row to finish


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    queue = new_queue()
    try:
        with start_worker(tmp_path / "worker.log", queue=queue) as started:
            yield started
    finally:
        drop_queue(queue)


def _wait_for_finished_run(worker: Worker) -> JobRun:
    deadline = time.monotonic() + RESULT_TIMEOUT
    while True:
        run = JobRun.objects.filter(name="verify_audit").exclude(status=JobRun.Status.RUNNING)
        found = run.first()
        if found is not None:
            return found
        assert worker.process.poll() is None, f"worker died:\n{worker.log()}"
        assert time.monotonic() < deadline, f"no finished verify_audit run:\n{worker.log()}"
        time.sleep(0.2)


def _append_events(count: int) -> list[AuditEvent]:
    actor = Actor.for_system("tests")
    return [
        audit_append(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="tests.probe",
            object_id=index,
            after={"n": index},
            reason="worker test",
        )
        for index in range(count)
    ]


def test_worker_verifies_the_audit_trail_and_records_the_run(worker: Worker):
    _append_events(3)
    assert not JobRun.objects.exists()

    verify_audit_task.apply_async(queue=worker.queue)

    run = _wait_for_finished_run(worker)
    assert run.status == JobRun.Status.SUCCEEDED, run.error
    assert run.done == 3
    assert run.counts == {"checked": 3, "ok": True}
    assert run.finished_at is not None
    # Written by the worker process: it logged receiving and finishing the task.
    log = worker.log()
    assert "enterprises.verify_audit" in log and "succeeded" in log


def test_worker_records_a_failed_run_naming_the_tampered_row(worker: Worker):
    events = _append_events(3)
    tampered = events[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE enterprises_auditevent SET reason = 'tampered' WHERE id = %s", [tampered.pk]
        )

    verify_audit_task.apply_async(queue=worker.queue)

    run = _wait_for_finished_run(worker)
    assert run.status == JobRun.Status.FAILED
    assert f"row {tampered.pk}:" in run.error
    assert "does not match its hash" in run.error
    assert run.done == 1  # the row before it verified
