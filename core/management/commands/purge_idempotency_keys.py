from django.core.management.base import BaseCommand

from core.idempotency import idempotency_keys_purge_job


class Command(BaseCommand):
    help = (
        "Delete stored Idempotency-Key answers older than 24 hours (they no longer answer). "
        "Runs nightly; safe to run at any time."
    )

    def handle(self, *args, **options):
        deleted = idempotency_keys_purge_job()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired idempotency keys."))
