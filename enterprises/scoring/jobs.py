"""Rescoring runs: one subject after a change, everyone now in this process, and the
nightly job in id-range chunks (in this process or on Celery workers)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

# ``_score_range`` is looked up on the package at call time, so that replacing it there
# (as tests do) reaches the jobs below.
from enterprises import scoring as _package

from ..dispatch import task
from ..models import Evaluation, Subject
from .bulk import Scored, StoreCounts, _store
from .catalogue import catalogue_load
from .explain import evaluate_subject
from .sql import _plan

log = logging.getLogger("enterprises.scoring")  # one logger for the package

RESCORE_JOB = "rescore"


def subject_rescore(
    *, subject_id: int, on: dt.date | None = None, only_if_requested: bool = False
) -> Evaluation | None:
    """Score one subject now and store it (the task after a change calls this).

    Safe to run twice: with ``only_if_requested`` a subject whose request was already
    served is skipped, and the request is cleared only if no newer change arrived
    meanwhile (compare-and-set on ``rescore_requested_at``).
    """
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        return None
    requested = subject.rescore_requested_at
    if only_if_requested and requested is None:
        return None
    if subject.subject_type == Subject.SubjectType.NATURAL_PERSON:
        Subject.objects.filter(pk=subject_id, rescore_requested_at=requested).update(
            rescore_requested_at=None
        )
        return None
    result = evaluate_subject(subject, on=on)
    with transaction.atomic():
        _store(
            {subject_id: Scored(result.score, result.grade, result.compact())},
            on=result.on,
            edition=result.edition,
            now=timezone.now(),
        )
        Subject.objects.filter(pk=subject_id, rescore_requested_at=requested).update(
            rescore_requested_at=None
        )
    log.info("evaluation.rescored subject=%s score=%s", subject_id, result.score)
    return Evaluation.objects.filter(subject_id=subject_id).first()


@dataclass
class RescoreCounts:
    scored: int = 0
    changed: int = 0
    history: int = 0


def subjects_rescore(*, on: dt.date | None = None, chunk_size: int = 50_000) -> RescoreCounts:
    """Rescore every scorable subject now, in this process, one id range per transaction
    (tests and callers that need the scores at once; the nightly job is ``rescore_job``)."""
    day = on or timezone.localdate()
    catalogue = catalogue_load()
    counts = RescoreCounts()
    for low, high, _n in _plan(chunk_size):
        with transaction.atomic():
            started = timezone.now()
            stored = _package._score_range(
                low=low, high=high, on=day, catalogue=catalogue, now=started
            )
            _requests_served(low=low, high=high, before=started)
        counts.scored += stored.scored
        counts.changed += stored.changed
        counts.history += stored.history
    return counts


def _requests_served(*, low: int, high: int, before: dt.datetime) -> None:
    # Requests older than this chunk's reading are served; newer ones keep their task.
    Subject.objects.filter(pk__gte=low, pk__lte=high, rescore_requested_at__lte=before).update(
        rescore_requested_at=None
    )


# --- The nightly job: id-range chunks, in this process or on Celery workers ----------------
#
# The job-run row holds the plan: ``counts["chunks"]`` ([low, high, subjects] per chunk) and
# ``counts["done_chunks"]``. Each chunk is one transaction that scores its range and marks
# itself done in the same commit, so a chunk is done entirely or not at all: a worker killed
# mid-chunk leaves nothing behind, its message comes back (late acknowledgement) and the next
# run for the same date re-dispatches every chunk not done. A chunk that is already done is
# skipped; two deliveries of one chunk serialize on an advisory lock (PostgreSQL).

DEFAULT_CHUNK_SUBJECTS = 200_000


def _chunk_lock(run_id: int, index: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [run_id, index])


def rescore_chunk(*, run_id: int, index: int) -> StoreCounts | None:
    """Score chunk ``index`` of job run ``run_id`` and record it; None if it was done
    already (a redelivered message) or the run is unknown."""
    from ..models import JobRun

    catalogue = catalogue_load()
    with transaction.atomic():
        _chunk_lock(run_id, index)
        run = JobRun.objects.filter(pk=run_id).first()
        if run is None or index in run.counts.get("done_chunks", []):
            return None
        low, high, _n = run.counts["chunks"][index]
        day = dt.date.fromisoformat(run.counts["on"])
        started = timezone.now()
        stored = _package._score_range(low=low, high=high, on=day, catalogue=catalogue, now=started)
        _requests_served(low=low, high=high, before=started)
        # Record it last, holding the row lock only until this commit.
        run = JobRun.objects.select_for_update().get(pk=run_id)
        counts = run.counts
        counts["done_chunks"] = sorted({*counts.get("done_chunks", []), index})
        counts["scored"] = counts.get("scored", 0) + stored.scored
        counts["changed"] = counts.get("changed", 0) + stored.changed
        counts["history"] = counts.get("history", 0) + stored.history
        run.counts = counts
        done = set(counts["done_chunks"])
        run.done = sum(chunk[2] for i, chunk in enumerate(counts["chunks"]) if i in done)
        fields = ["counts", "done"]
        if len(counts["done_chunks"]) == len(counts["chunks"]):
            run.status = JobRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.error = ""
            fields += ["status", "finished_at", "error"]
        run.save(update_fields=fields)
    log.info(
        "rescore.chunk run=%s chunk=%s ids=%s..%s scored=%s changed=%s",
        run_id, index, low, high, stored.scored, stored.changed,
    )  # fmt: skip
    return stored


def rescore_chunk_failed(*, run_id: int, index: int, error: BaseException) -> None:
    """Leave the failure on the job-run row (the run stays resumable)."""
    from ..models import JobRun

    with transaction.atomic():
        run = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return
        counts = run.counts
        counts["errors"] = [*counts.get("errors", [])[-9:], f"chunk {index}: {error}"[:500]]
        run.counts = counts
        run.status = JobRun.Status.FAILED
        run.finished_at = timezone.now()
        run.error = f"chunk {index}: {error.__class__.__name__}: {error}"[:4000]
        run.save(update_fields=["counts", "status", "finished_at", "error"])


def rescore_job(
    *,
    on: dt.date | None = None,
    chunk_size: int | None = None,
    dispatch: bool = False,
    queue: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The nightly job: rescore everyone in id-range chunks, leaving a job-run row.

    ``dispatch=False`` runs the chunks here, one after another; ``dispatch=True`` sends one
    Celery task per chunk (``enterprises.rescore_chunk``) so that any number of workers
    share them (on ``queue``, default the default queue), and returns at once (the row
    shows progress; the last chunk closes it).
    A run for the same evaluation date that did not finish (failed, killed, or its
    messages lost) is resumed: only its chunks not done run again. After a success, a new
    run starts over (and writes nothing that did not change).
    """
    from ..models import JobRun

    day = on or timezone.localdate()
    configured: int = getattr(settings, "RESCORE_CHUNK_SUBJECTS", DEFAULT_CHUNK_SUBJECTS)
    size = chunk_size or configured
    previous = JobRun.objects.filter(name=RESCORE_JOB).order_by("-started_at", "-pk").first()
    if (
        previous is not None
        and previous.status != JobRun.Status.SUCCEEDED
        and previous.counts.get("on") == day.isoformat()
        and previous.counts.get("chunks") is not None
    ):
        run = previous
        resumed = len(run.counts.get("done_chunks", []))
        JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.RUNNING, finished_at=None)
    else:
        plan = _plan(size)
        run = JobRun.objects.create(
            name=RESCORE_JOB,
            total=sum(chunk[2] for chunk in plan),
            counts={
                "on": day.isoformat(),
                "chunk_size": size,
                "chunks": plan,
                "done_chunks": [],
                "scored": 0,
                "changed": 0,
                "history": 0,
            },
        )
        resumed = 0
        if not plan:
            JobRun.objects.filter(pk=run.pk).update(
                status=JobRun.Status.SUCCEEDED, finished_at=timezone.now()
            )
    chunks = run.counts["chunks"]
    pending = [i for i in range(len(chunks)) if i not in set(run.counts.get("done_chunks", []))]
    log.info(
        "rescore.job run=%s on=%s chunks=%s pending=%s dispatch=%s",
        run.pk, day, len(chunks), len(pending), dispatch,
    )  # fmt: skip
    if dispatch:
        rescore_chunk_task = task("rescore_chunk")
        for index in pending:
            if queue:
                rescore_chunk_task.apply_async((run.pk, index), queue=queue)
            else:
                rescore_chunk_task.apply_async((run.pk, index))
    else:
        for index in pending:
            try:
                rescore_chunk(run_id=run.pk, index=index)
            except BaseException as exc:
                rescore_chunk_failed(run_id=run.pk, index=index, error=exc)
                raise
            if on_progress is not None:
                run.refresh_from_db(fields=["done", "total"])
                on_progress(run.done, run.total or 0)
    run.refresh_from_db()
    return {
        "run": run.pk,
        "on": day.isoformat(),
        "status": run.status,
        "chunks": len(chunks),
        "dispatched": len(pending) if dispatch else 0,
        "resumed_chunks": resumed,
        "scored": run.counts.get("scored", 0),
        "changed": run.counts.get("changed", 0),
        "total": run.total or 0,
    }
