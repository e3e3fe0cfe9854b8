"""Celery tasks of the repair app: thin wrappers over services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import case_deadlines_remind, records_expire


@shared_task(
    name="repair.expire_records",
    acks_late=True,
    max_retries=0,
    time_limit=3600,
    soft_time_limit=3300,
)
def expire_records_task() -> dict[str, int]:
    """Nightly at 01:00 Asia/Shanghai: end publicity whose period is over."""
    return records_expire().counts


@shared_task(
    name="repair.remind_deadlines",
    acks_late=True,
    max_retries=0,
    time_limit=900,
    soft_time_limit=840,
)
def remind_deadlines_task() -> dict[str, int]:
    """Daily at 08:00 Asia/Shanghai: remind officials of cases due within 2 working days;
    close repairs whose publication is over."""
    return case_deadlines_remind()
