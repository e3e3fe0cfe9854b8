"""A real Celery worker process runs a real task against the test database.

These tests start ``celery -A creditsite worker`` as a subprocess with
DATABASE_URL pointing at the test database pytest-django created (and
REDIS_URL as the broker), send the task through Redis from this process, and
wait for the job-run row that the worker writes. They need PostgreSQL (SQLite's
test database lives in this process's memory) and Redis: CI's second pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from creditsite.celery import app
from enterprises.actors import Actor
from enterprises.audit import audit_append
from enterprises.models import AuditEvent, JobRun
from enterprises.tasks import verify_audit_task

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60  # seconds for the worker to start
RESULT_TIMEOUT = 30  # seconds for the job-run row to finish


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _test_database_url() -> str:
    """The URL of the database this test process uses: pytest-django has renamed it
    to test_<name> (test_<name>_gw<n> under xdist) by now."""
    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql", "the worker tests need PostgreSQL"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    assert settings.REDIS_URL, "the worker tests need REDIS_URL"
    # This process must really send through the broker, not run the task inline.
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.task_always_eager is False

    # A queue of our own: a parallel test process (xdist) or a stray worker on the
    # same Redis database never takes our messages, and we never take theirs.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)

    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "creditsite.settings",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,  # the virtualenv's python: same as .venv/bin/celery
                "-m",
                "celery",
                "-A",
                "creditsite",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--loglevel=INFO",
                "--queues",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    started = Worker(process=process, queue=queue, log_path=log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in started.log():
            assert process.poll() is None, f"worker exited early:\n{started.log()}"
            assert time.monotonic() < deadline, f"worker not ready in time:\n{started.log()}"
            time.sleep(0.2)
        yield started
    finally:
        process.terminate()  # SIGTERM: warm shutdown, finishes the current task
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        # Leave no per-test queue bindings behind in Redis.
        with app.connection_for_write() as conn:
            bound = Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel)
            bound.declare()  # makes the binding known to this channel, so delete drops it
            bound.delete()


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
