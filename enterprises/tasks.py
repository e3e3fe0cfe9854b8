"""Celery tasks: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from core.audit import AuditChainBroken, audit_verify_job


@shared_task(name="enterprises.verify_audit", acks_late=True, time_limit=3600, soft_time_limit=3300)
def verify_audit_task() -> dict[str, object]:
    """Nightly: verify the hash chain of the audit trail (read-only, so rerunning is safe)."""
    try:
        result = audit_verify_job()
    except AuditChainBroken as exc:
        return {"ok": False, "problem": str(exc)}
    return {"ok": True, "checked": result.checked}


@shared_task(
    name="enterprises.rescore_subject",
    acks_late=True,
    max_retries=3,
    time_limit=120,
    soft_time_limit=100,
)
def rescore_subject_task(subject_id: int) -> int | None:
    """Soon after a change: rescore one subject. A second run finds the request served
    and does nothing (see ``scoring.subject_rescore``)."""
    from .scoring import subject_rescore

    evaluation = subject_rescore(subject_id=subject_id, only_if_requested=True)
    return evaluation.score if evaluation is not None else None


@shared_task(
    name="enterprises.rescore_all",
    acks_late=True,
    time_limit=3600,
    soft_time_limit=3300,
)
def rescore_all_task() -> dict[str, object]:
    """Nightly (02:00 Asia/Shanghai): plan the id-range chunks and send one task per chunk
    to the workers (in this process when Celery runs eagerly); resumes an unfinished run
    of the same date (only its chunks not done are sent again)."""
    from django.conf import settings

    from .scoring import rescore_job

    return rescore_job(dispatch=not settings.CELERY_TASK_ALWAYS_EAGER)


@shared_task(
    name="enterprises.rescore_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=1800,
    soft_time_limit=1700,
)
def rescore_chunk_task(run_id: int, index: int) -> dict[str, int] | None:
    """One id range of a nightly rescoring run. Delivered twice (late acknowledgement
    after a lost worker), the second delivery finds the chunk done and does nothing."""
    from .scoring import rescore_chunk, rescore_chunk_failed

    try:
        stored = rescore_chunk(run_id=run_id, index=index)
    except Exception as exc:
        rescore_chunk_failed(run_id=run_id, index=index, error=exc)
        raise
    if stored is None:
        return None
    return {"scored": stored.scored, "changed": stored.changed, "history": stored.history}


@shared_task(
    name="enterprises.rescore_pending",
    acks_late=True,
    time_limit=1800,
    soft_time_limit=1700,
)
def rescore_pending_task(older_than_minutes: int | None = None) -> int:
    """Every 10 minutes: rescore subjects whose rescoring request has waited longer than
    RESCORE_PENDING_AFTER_MINUTES, i.e. whose task was lost (a broker restarted without
    persistence) or failed for good. Safe to run twice and next to the tasks."""
    from .services import rescore_pending_job

    return rescore_pending_job(older_than_minutes=older_than_minutes)


@shared_task(name="enterprises.purge_idempotency_keys", acks_late=True, time_limit=900)
def purge_idempotency_keys_task() -> int:
    """Nightly: delete Idempotency-Key answers older than 24 hours."""
    from core.idempotency import idempotency_keys_purge_job

    return idempotency_keys_purge_job()
