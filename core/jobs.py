"""Job-run rows: every run of a scheduled job or long command leaves one, so a job
that fails is visible to officials and a rerun can see where the last one stopped."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from .models import JobRun

log = logging.getLogger(__name__)


class JobProgress:
    """Handle given to the body of a job: report progress and counts."""

    def __init__(self, run: JobRun) -> None:
        self.run = run

    def set_total(self, total: int) -> None:
        self.run.total = total
        JobRun.objects.filter(pk=self.run.pk).update(total=total)

    def advance(self, done: int, **counts: Any) -> None:
        self.run.done = done
        self.run.counts.update(counts)
        JobRun.objects.filter(pk=self.run.pk).update(done=done, counts=self.run.counts)


@contextmanager
def job_run(name: str) -> Iterator[JobProgress]:
    """Record a job run: running → succeeded, or failed with the error text (re-raised)."""
    run = JobRun.objects.create(name=name)
    log.info("job.started job=%s run=%s", name, run.pk)
    progress = JobProgress(run)
    try:
        yield progress
    except BaseException as exc:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{exc.__class__.__name__}: {exc}"[:4000],
        )
        log.exception("job.failed job=%s run=%s", name, run.pk)
        raise
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        done=progress.run.done,
        counts=progress.run.counts,
    )
    log.info("job.succeeded job=%s run=%s", name, run.pk)
