import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from supervision.services import commitments_unfulfilled_process


class Command(BaseCommand):
    help = (
        "Turn credit commitments past their promised deadline and not fulfilled into "
        "negative records (indicator 4.1.3); safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Process as of this date (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on: give a date as YYYY-MM-DD.") from None
        result = commitments_unfulfilled_process(on=on)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.on}: {result.counts['commitments_unfulfilled']} commitments "
                f"became negative records (job run {result.job_id})."
            )
        )
