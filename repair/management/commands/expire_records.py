"""manage.py expire_records [--on YYYY-MM-DD]: the nightly expiry job, by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from repair.services import records_expire


class Command(BaseCommand):
    help = "End the publicity of records and list entries whose period is over (never deletes)."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Run as of this date (default: today, Asia/Shanghai).")

    def handle(self, *args, **options):
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(_("--on: give a date as YYYY-MM-DD.")) from None
        result = records_expire(on=on)
        self.stdout.write(
            _("Expiry as of %(on)s: %(counts)s (job run %(job)s)")
            % {
                "on": result.on.isoformat(),
                "counts": ", ".join(f"{k}={v}" for k, v in result.counts.items()),
                "job": result.job_id,
            }
        )
