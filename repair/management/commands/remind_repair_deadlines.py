"""manage.py remind_repair_deadlines [--on YYYY-MM-DD]: the daily reminder job, by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from repair.services import case_deadlines_remind


class Command(BaseCommand):
    help = "Remind officials of objections and repair applications due within 2 working days."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="Run as of this date (default: today, Asia/Shanghai).")

    def handle(self, *args, **options):
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(_("--on: give a date as YYYY-MM-DD.")) from None
        counts = case_deadlines_remind(on=on)
        self.stdout.write(
            _("Deadline reminders: %(counts)s")
            % {"counts": ", ".join(f"{k}={v}" for k, v in counts.items())}
        )
