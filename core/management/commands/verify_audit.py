from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; exits non-zero naming the first broken row."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit trail broken at row {result.broken_id}: {result.problem} "
                f"({result.checked} rows verified before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {result.checked} rows verified.")
        )
