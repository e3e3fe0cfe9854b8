"""Celery tasks: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .audit import AuditChainBroken, audit_verify_job


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
    time_limit=6 * 3600,
    soft_time_limit=6 * 3600 - 300,
)
def rescore_all_task() -> dict[str, object]:
    """Nightly (02:00 Asia/Shanghai): rescore everyone; resumes a crashed run."""
    from .scoring import rescore_job

    return rescore_job()
