"""The nightly rescoring on real Celery workers (PostgreSQL + Redis, CI's second pass).

* Two worker processes share the id-range chunks of one run, and the stored evaluations
  are identical to a run in one process.
* A worker killed with SIGKILL in the middle of a chunk (its transaction open, its write
  half done) leaves that chunk undone and nothing of it written; the next run for the
  same date sends only the chunks not done, completes, and every score is right.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from enterprises import scoring
from enterprises.models import Evaluation, JobRun, ScoreHistory, Subject
from tests.workers import drop_queue, new_queue, start_worker

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ON = dt.date(2026, 11, 20)
RUN_TIMEOUT = 90  # seconds for a dispatched run to finish


@pytest.fixture
def queue() -> Iterator[str]:
    name = new_queue()
    try:
        yield name
    finally:
        drop_queue(name)


@pytest.fixture
def demo_data() -> int:
    """A few hundred varied subjects (records of every kind, list entries) from the demo
    generator; returns how many are scorable."""
    call_command("seed_demo", "--enterprises", "240", "--seed", "7", "--force", verbosity=0)
    return scoring.scorable_subjects().count()


def _evaluations() -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in Evaluation.objects.values_list("subject_id", "score", "grade", "breakdown")
    }


def _wait_for_run(run_id: int, workers: list[Any]) -> JobRun:
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        run = JobRun.objects.get(pk=run_id)
        if run.status != JobRun.Status.RUNNING:
            return run
        for worker in workers:
            assert worker.alive(), f"worker died:\n{worker.log()}"
        assert time.monotonic() < deadline, "\n".join(w.log() for w in workers)
        time.sleep(0.2)


def test_two_workers_share_the_chunks_and_store_what_one_process_stores(
    tmp_path: Path, queue: str, demo_data: int
):
    one_process = scoring.rescore_job(on=ON, chunk_size=20)
    assert one_process["status"] == "succeeded"
    assert one_process["scored"] == demo_data
    expected = _evaluations()
    assert len(expected) == demo_data
    assert len({score for score, _g, _b in expected.values()}) > 5  # varied data
    Evaluation.objects.all().delete()
    ScoreHistory.objects.all().delete()
    JobRun.objects.all().delete()

    with (
        start_worker(tmp_path / "w1.log", queue=queue, name="w1") as first,
        start_worker(tmp_path / "w2.log", queue=queue, name="w2") as second,
    ):
        sent = scoring.rescore_job(on=ON, chunk_size=20, dispatch=True, queue=queue)
        assert sent["dispatched"] == sent["chunks"] >= 10
        run = _wait_for_run(sent["run"], [first, second])

        assert run.status == JobRun.Status.SUCCEEDED, run.error
        assert (run.done, run.counts["scored"]) == (demo_data, demo_data)
        assert _evaluations() == expected
        assert ScoreHistory.objects.count() == demo_data
        # Both processes did part of the work.
        for worker in (first, second):
            assert worker.log().count("Task enterprises.rescore_chunk") >= 1, worker.log()


def test_worker_killed_mid_chunk_then_the_next_run_completes(
    tmp_path: Path, queue: str, demo_data: int
):
    scoring.rescore_job(on=ON, chunk_size=20)
    right = _evaluations()
    # Make every evaluation wrong, so that every chunk has rows to rewrite.
    Evaluation.objects.update(score=0, grade="E", breakdown={})
    JobRun.objects.all().delete()

    sent_run: dict[str, Any] = {}
    with start_worker(tmp_path / "w1.log", queue=queue, name="w1") as worker:
        # Another session holds a row of the third chunk: the worker's write of that chunk
        # blocks halfway through its statement, inside its transaction.
        plan = scoring._plan(20)
        low, high, _n = plan[2]
        blocker = psycopg.connect(_dsn(), autocommit=False)
        try:
            blocker.execute(
                "SELECT 1 FROM enterprises_evaluation WHERE subject_id BETWEEN %s AND %s"
                " ORDER BY subject_id DESC LIMIT 1 FOR UPDATE",
                [low, high],
            )
            sent_run = scoring.rescore_job(on=ON, chunk_size=20, dispatch=True, queue=queue)
            _wait_until_blocked(worker)
            run = JobRun.objects.get(pk=sent_run["run"])
            assert run.counts["done_chunks"] == [0, 1]

            worker.kill()  # SIGKILL, mid-chunk
        finally:
            blocker.rollback()
            blocker.close()

    # The killed chunk left nothing: its backend rolled back when its client vanished.
    run = JobRun.objects.get(pk=sent_run["run"])
    assert run.status == JobRun.Status.RUNNING
    assert run.counts["done_chunks"] == [0, 1]
    time.sleep(1)  # the orphaned backend notices its client is gone
    killed_chunk = Evaluation.objects.filter(subject_id__gte=low, subject_id__lte=high)
    assert set(killed_chunk.values_list("score", flat=True)) == {0}

    # The next run (same date) sends only the chunks not done; a fresh worker finishes.
    with start_worker(tmp_path / "w2.log", queue=queue, name="w2") as fresh:
        again = scoring.rescore_job(on=ON, chunk_size=20, dispatch=True, queue=queue)
        assert again["run"] == sent_run["run"]
        # The first run's messages still queued (not the killed one) may reach the fresh
        # worker before this call: those chunks are done too and are not sent again.
        assert again["resumed_chunks"] >= 2
        assert again["dispatched"] == again["chunks"] - again["resumed_chunks"]
        run = _wait_for_run(again["run"], [fresh])

    assert run.status == JobRun.Status.SUCCEEDED, run.error
    assert run.done == demo_data
    assert _evaluations() == right
    # And every score is the one the explaining path computes, subject by subject.
    catalogue = scoring.catalogue_load()
    for subject in scoring.scorable_subjects():
        result = scoring.evaluate_subject(subject, on=ON, catalogue=catalogue)
        assert right[subject.pk] == (result.score, result.grade, result.compact())
    assert (
        not Subject.objects.filter(rescore_requested_at__isnull=False)
        .exclude(subject_type=Subject.SubjectType.NATURAL_PERSON)
        .exists()
    )


def _dsn() -> str:
    db = settings.DATABASES["default"]
    return (
        f"host={db.get('HOST') or '127.0.0.1'} port={db.get('PORT') or 5432} "
        f"user={db.get('USER') or 'postgres'} dbname={db['NAME']}"
    )


def _wait_until_blocked(worker: Any) -> None:
    """Until a backend of this database waits for a row lock (the worker's chunk)."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND wait_event = 'transactionid'"
                " AND pid <> pg_backend_pid()"
            )
            (waiting,) = cursor.fetchone()
        if waiting:
            return
        assert worker.alive(), worker.log()
        assert time.monotonic() < deadline, f"the chunk never blocked:\n{worker.log()}"
        time.sleep(0.1)
