from django.core.management.base import BaseCommand

from portal.statistics import statistics_job


class Command(BaseCommand):
    help = (
        "Compute the figures of /statistics/ and store them as the snapshot the page serves "
        "(hourly job; run it once after deploying, or the first visitor waits for it)."
    )

    def handle(self, *args, **options):
        snapshot = statistics_job()
        self.stdout.write(self.style.SUCCESS(f"Stored statistics snapshot {snapshot}."))
