"""The periodic-job declaration and its sync into django-celery-beat."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command, get_commands
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from creditsite.celery import app
from creditsite.schedules import SCHEDULE_TIMEZONE, SCHEDULES, Crontab, Schedule, schedules_sync


def test_every_declared_job_is_a_registered_task_and_a_command():
    app.loader.import_default_modules()
    commands = get_commands()
    for name, schedule in SCHEDULES.items():
        assert schedule.task in app.tasks, f"{name}: no Celery task {schedule.task!r}"
        assert schedule.command in commands, f"{name}: no management command {schedule.command!r}"


@pytest.mark.django_db
def test_sync_creates_the_nightly_audit_verification_in_shanghai_time():
    out = io.StringIO()
    call_command("sync_schedules", stdout=out)

    task = PeriodicTask.objects.get(name="verify-audit-nightly")
    assert task.task == "enterprises.verify_audit"
    assert task.enabled is True
    assert (task.crontab.minute, task.crontab.hour) == ("30", "3")
    assert str(task.crontab.timezone) == SCHEDULE_TIMEZONE
    assert "created  verify-audit-nightly" in out.getvalue()


@pytest.mark.django_db
def test_sync_is_idempotent():
    schedules_sync()
    tasks, crontabs = PeriodicTask.objects.count(), CrontabSchedule.objects.count()

    result = schedules_sync()

    assert result.created == [] and result.updated == []
    assert result.unchanged == list(SCHEDULES)
    assert (PeriodicTask.objects.count(), CrontabSchedule.objects.count()) == (tasks, crontabs)


@pytest.mark.django_db
def test_sync_keeps_an_officials_pause_but_restores_the_declared_time():
    schedules_sync()
    task = PeriodicTask.objects.get(name="verify-audit-nightly")
    task.enabled = False
    task.crontab = CrontabSchedule.objects.create(minute="0", hour="12", timezone="UTC")
    task.save()

    result = schedules_sync()

    task.refresh_from_db()
    assert result.updated == ["verify-audit-nightly"]
    assert task.enabled is False
    assert (task.crontab.minute, task.crontab.hour, str(task.crontab.timezone)) == (
        "30",
        "3",
        SCHEDULE_TIMEZONE,
    )


@pytest.mark.django_db
def test_sync_reports_but_keeps_rows_it_does_not_declare():
    extra = Schedule(
        task="enterprises.verify_audit",
        crontab=Crontab(minute="0", hour="5"),
        description="added by an official",
        command="verify_audit",
    )
    schedules_sync(schedules={"official-extra": extra})

    result = schedules_sync()

    assert result.undeclared == ["official-extra"]
    assert PeriodicTask.objects.filter(name="official-extra").exists()
