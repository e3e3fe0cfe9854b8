"""Celery tasks of the supervision app: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import commitments_unfulfilled_process


@shared_task(
    name="supervision.process_commitments",
    acks_late=True,
    max_retries=0,
    time_limit=3600,
    soft_time_limit=3300,
)
def process_commitments_task() -> dict[str, int]:
    """Nightly: commitments past their deadline and not fulfilled become negative records."""
    return commitments_unfulfilled_process().counts
