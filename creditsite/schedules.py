"""The one place where periodic jobs are declared.

Celery beat runs with django-celery-beat's database scheduler, so the schedule
officials see and can pause in the admin lives in ``PeriodicTask`` rows.
``manage.py sync_schedules`` (run at every deploy) writes the declarations below
into those rows. Each job is also a management command of its own, so an operator
can run it by hand with the same effect.

Times are wall-clock times in Asia/Shanghai: the law counts days there, and the
nightly jobs must run after midnight Beijing time, not UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

SCHEDULE_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Crontab:
    """Cron fields as django-celery-beat stores them ("*" means every)."""

    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"

    def as_fields(self) -> dict[str, str]:
        return {
            "minute": self.minute,
            "hour": self.hour,
            "day_of_week": self.day_of_week,
            "day_of_month": self.day_of_month,
            "month_of_year": self.month_of_year,
        }


@dataclass(frozen=True)
class Schedule:
    task: str  # the Celery task name
    crontab: Crontab  # in SCHEDULE_TIMEZONE
    description: str | _StrPromise
    command: str  # the management command that runs the same job by hand


# name → declaration. The name is the PeriodicTask's name: never rename one, or
# the old row stays behind (sync_schedules reports rows it does not know).
SCHEDULES: dict[str, Schedule] = {
    "verify-audit-nightly": Schedule(
        task="enterprises.verify_audit",
        crontab=Crontab(minute="30", hour="3"),
        description=_(
            "Verify the hash chain of the audit trail every night; a broken chain "
            "fails the job run, naming the first row that does not verify."
        ),
        command="verify_audit",
    ),
    "rescore-nightly": Schedule(
        task="enterprises.rescore_all",
        crontab=Crontab(minute="0", hour="2"),
        description=_(
            "Rescore every credit subject against the active evaluation catalogue, in "
            "id-range chunks; a crashed run is resumed where it stopped."
        ),
        command="rescore",
    ),
    "expire-records-nightly": Schedule(
        task="repair.expire_records",
        crontab=Crontab(minute="0", hour="1"),
        description=_(
            "End the publicity of credit records and list entries whose period is over "
            "(nothing is deleted; each change is audited and the subject rescored); a "
            "missed night is caught up by the next run."
        ),
        command="expire_records",
    ),
    "repair-deadline-reminder-daily": Schedule(
        task="repair.remind_deadlines",
        crontab=Crontab(minute="0", hour="8"),
        description=_(
            "Email officials the objections and repair applications due within 2 working "
            "days (overdue ones included) and close repairs whose publication is over."
        ),
        command="remind_repair_deadlines",
    ),
    "process-commitments-nightly": Schedule(
        task="supervision.process_commitments",
        crontab=Crontab(minute="15", hour="1"),
        description=_(
            "Credit commitments past their promised deadline and not fulfilled become "
            "negative records (indicator 4.1.3) and the subjects are rescored; processed "
            "ones are skipped, so a rerun is safe."
        ),
        command="process_commitments",
    ),
    "rescore-pending-every-10-minutes": Schedule(
        task="enterprises.rescore_pending",
        crontab=Crontab(minute="*/10"),
        description=_(
            "Rescore subjects whose rescoring request has waited more than "
            "RESCORE_PENDING_AFTER_MINUTES (10): their task was lost, e.g. when Redis "
            "restarted without persistence, or failed for good."
        ),
        command="rescore_pending",
    ),
    "purge-idempotency-keys-nightly": Schedule(
        task="enterprises.purge_idempotency_keys",
        crontab=Crontab(minute="15", hour="4"),
        description=_(
            "Delete the stored answers of Idempotency-Key requests older than 24 hours; "
            "they no longer answer."
        ),
        command="purge_idempotency_keys",
    ),
    "compute-statistics-hourly": Schedule(
        task="portal.compute_statistics",
        crontab=Crontab(minute="40"),
        description=_(
            "Compute the figures of the public statistics page (grades, negative "
            "information, list entries, handling times) and store them as the snapshot "
            "the page serves."
        ),
        command="compute_statistics",
    ),
}


@dataclass
class SyncResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    undeclared: list[str]  # rows in the database that no declaration names


def schedules_sync(*, schedules: dict[str, Schedule] | None = None) -> SyncResult:
    """Create or update one PeriodicTask (with its CrontabSchedule) per declaration.

    Idempotent: a second run changes nothing. The task, the time and the description
    follow the declaration; ``enabled`` is left as an official set it in the admin
    (a new row starts enabled). Rows no declaration names are reported, never
    deleted: an official may have added them.
    """
    from django.db import transaction
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    declared = SCHEDULES if schedules is None else schedules
    result = SyncResult(created=[], updated=[], unchanged=[], undeclared=[])
    with transaction.atomic():
        for name, schedule in declared.items():
            crontab = CrontabSchedule.objects.filter(
                timezone=SCHEDULE_TIMEZONE, **schedule.crontab.as_fields()
            ).first() or CrontabSchedule.objects.create(
                timezone=SCHEDULE_TIMEZONE, **schedule.crontab.as_fields()
            )
            wanted = {
                "task": schedule.task,
                "crontab_id": crontab.pk,
                "description": str(schedule.description),
            }
            task = PeriodicTask.objects.select_for_update().filter(name=name).first()
            if task is None:
                # Saving through the model bumps PeriodicTasks.last_update, which tells a
                # running beat to reload its schedule.
                PeriodicTask.objects.create(name=name, enabled=True, **wanted)
                result.created.append(name)
                continue
            # Exactly one kind of schedule may be set on a row.
            stale = [f for f in ("interval_id", "solar_id", "clocked_id") if getattr(task, f)]
            changed = [key for key, value in wanted.items() if getattr(task, key) != value]
            if not changed and not stale:
                result.unchanged.append(name)
                continue
            for key, value in wanted.items():
                setattr(task, key, value)
            for field in stale:
                setattr(task, field, None)
            task.save()
            result.updated.append(name)
        result.undeclared = sorted(
            PeriodicTask.objects.exclude(name__in=list(declared))
            .exclude(name__startswith="celery.")  # celery's own housekeeping entries
            .values_list("name", flat=True)
        )
    return result
