"""manage.py recompute_provisional_deadlines: recompute every stored provisional deadline
with the calendar as it is now (rules.md §13). Runs by itself when an official marks a year
entered; run it by hand after an update of the library that computes the statutory
holidays."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from rules.workdays import provisional_deadlines_recompute


class Command(BaseCommand):
    help = "Recompute the stored provisional deadlines (audited; leaves a job-run row)."

    def handle(self, *args, **options):
        counts = provisional_deadlines_recompute()
        self.stdout.write(
            _("Provisional deadlines recomputed: %(counts)s")
            % {"counts": ", ".join(f"{k}={v}" for k, v in counts.items())}
        )
