"""Celery tasks of the public site: thin wrappers over ``portal.statistics``."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="portal.compute_statistics", acks_late=True, time_limit=1800, soft_time_limit=1700
)
def compute_statistics_task() -> int:
    """Hourly: store a new snapshot of the /statistics/ figures (safe to run twice)."""
    from .statistics import statistics_job

    return statistics_job()
