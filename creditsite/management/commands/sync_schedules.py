from django.core.management.base import BaseCommand

from creditsite.schedules import SCHEDULE_TIMEZONE, schedules_sync


class Command(BaseCommand):
    help = (
        "Write the periodic jobs declared in creditsite/schedules.py into the Celery beat "
        "schedule (django-celery-beat). Safe to run at every deploy; keeps each job's "
        "enabled/disabled choice made in the admin."
    )

    def handle(self, *args, **options):
        result = schedules_sync()
        for label, names in (
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
        ):
            for name in names:
                self.stdout.write(f"{label:>9}  {name}")
        for name in result.undeclared:
            self.stdout.write(
                self.style.WARNING(
                    f"   extra   {name} (in the database but not in creditsite/schedules.py; kept)"
                )
            )
        total = len(result.created) + len(result.updated) + len(result.unchanged)
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} periodic jobs in sync ({len(result.created)} created, "
                f"{len(result.updated)} updated); times are {SCHEDULE_TIMEZONE}."
            )
        )
