from django.core.management.base import BaseCommand

from enterprises.services import rescore_pending_job


class Command(BaseCommand):
    help = (
        "Rescore subjects whose rescoring request has waited longer than "
        "RESCORE_PENDING_AFTER_MINUTES (their task was lost or failed). Runs every 10 minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=None,
            help="Serve requests older than this (default: RESCORE_PENDING_AFTER_MINUTES).",
        )

    def handle(self, *args, **options):
        served = rescore_pending_job(older_than_minutes=options["older_than_minutes"])
        self.stdout.write(self.style.SUCCESS(f"Rescored {served} subjects with pending requests."))
