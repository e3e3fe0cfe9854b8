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
