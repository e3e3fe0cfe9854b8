"""Requests to rescore subjects after a change to what counts for their score: queued as
tasks after the commit, swept when a task was lost (rules.md §4.5). Re-exported by
``enterprises.services``, which every writer calls."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .dispatch import task
from .models import Subject

log = logging.getLogger("enterprises.services")


def subject_rescore_request(subject_id: int) -> None:
    """Mark the subject for rescoring after a change to what counts for its score.

    Everyone who changes records, list entries, expiry or repair calls this. Once the
    transaction commits, the task "enterprises.rescore_subject" rescores the subject (in
    process without a broker); duplicates from several changes find the request served
    and do nothing. A failure to queue is logged, not raised: the change is committed
    and the nightly job scores the subject anyway.
    """
    Subject.objects.filter(pk=subject_id).update(rescore_requested_at=timezone.now())

    def queue() -> None:
        task("rescore_subject").delay(subject_id)

    transaction.on_commit(queue, robust=True)


# More subjects than this changed in one transaction (an expiry batch) are marked only:
# the nightly rescoring and the pending sweep serve them, instead of a task each.
RESCORE_QUEUE_LIMIT = 1000


def subjects_rescore_request(subject_ids: list[int]) -> None:
    """:func:`subject_rescore_request` for many subjects at once (bulk changes)."""
    if not subject_ids:
        return
    Subject.objects.filter(pk__in=subject_ids).update(rescore_requested_at=timezone.now())
    if len(subject_ids) > RESCORE_QUEUE_LIMIT:
        log.info("rescore.marked subjects=%s (served by the nightly job)", len(subject_ids))
        return

    def queue() -> None:
        rescore_subject_task = task("rescore_subject")
        for subject_id in subject_ids:
            rescore_subject_task.delay(subject_id)

    transaction.on_commit(queue, robust=True)


def subjects_rescore_pending(*, older_than: dt.timedelta, limit: int = 5000) -> int:
    """Rescore the subjects whose rescoring request is older than ``older_than``.

    The task queued by :func:`subject_rescore_request` serves a request within seconds;
    a request still set minutes later lost its task (a broker restarted without
    persistence, a purged queue) or the task failed for good. This sweep serves those
    oldest first, so a lost task delays a score by minutes instead of until the nightly
    run. Safe next to the tasks and run twice: ``subject_rescore`` skips a request that
    was served meanwhile and clears only the request it read (compare-and-set).
    """
    from .scoring import subject_rescore

    cutoff = timezone.now() - older_than
    ids = list(
        Subject.objects.filter(rescore_requested_at__lte=cutoff)
        .order_by("rescore_requested_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for subject_id in ids:
        subject_rescore(subject_id=subject_id, only_if_requested=True)
    if ids:
        log.info("rescore.pending_served count=%s oldest_cutoff=%s", len(ids), cutoff.isoformat())
    return len(ids)


def rescore_pending_job(*, older_than_minutes: int | None = None) -> int:
    """The periodic sweep (every 10 minutes). A run that finds requests leaves a job-run
    row with the count; an empty run, the usual case, leaves none (144 a day would bury
    the runs that matter)."""

    from core.jobs import job_run

    minutes = (
        settings.RESCORE_PENDING_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    )
    older_than = dt.timedelta(minutes=minutes)
    cutoff = timezone.now() - older_than
    if not Subject.objects.filter(rescore_requested_at__lte=cutoff).exists():
        return 0
    with job_run("rescore_pending") as progress:
        served = subjects_rescore_pending(older_than=older_than)
        progress.advance(served, rescored=served, older_than_minutes=minutes)
    return served
