"""Load deterministic demo data: ``manage.py seed_demo --enterprises 2000 --seed 1``.

The generators and the bulk writer live in :mod:`enterprises.demo`; this command parses
the options, shows a progress bar in a terminal and prints the summary. ``make run``
calls it with ``--if-empty`` so a second start leaves the data alone.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from enterprises.demo import DemoDataRefused, demo_officials_ensure, demo_seed, plan
from enterprises.models import Subject


class Command(BaseCommand):
    help = (
        "Fill an empty database with deterministic demo subjects, credit records and demo "
        "officials. The same --enterprises, --seed and --as-of always give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprises", type=int, default=2000, help="Number of enterprises (default 2000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any credit subject exists (used by `make run`).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Subjects written per transaction (default 2000).",
        )
        parser.add_argument(
            "--as-of",
            default="",
            help="Date the data is generated for, YYYY-MM-DD (default: today, Asia/Shanghai).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write demo data even on a production site (DJANGO_ENV=production).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        enterprises: int = options["enterprises"]
        batch_size: int = options["batch_size"]
        if enterprises < 0:
            raise CommandError(_("--enterprises must be 0 or more."))
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        as_of = self._as_of(options["as_of"])
        if options["if_empty"]:
            existing = Subject.objects.count()
            if existing:
                self.stdout.write(_("Demo data already present: %(n)d subjects") % {"n": existing})
                return
        started = time.monotonic()
        stream = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(
            total=sum(plan(enterprises).values()),
            file=stream,
            disable=not stream.isatty(),
            unit=" subjects",
            unit_scale=True,
            dynamic_ncols=True,
        )
        records = 0

        def progress(subjects: int, new_records: int) -> None:
            nonlocal records
            records += new_records
            bar.set_postfix(records=f"{records:,}", refresh=False)
            bar.update(subjects)

        try:
            result = demo_seed(
                enterprises=enterprises,
                seed=options["seed"],
                as_of=as_of,
                batch_size=batch_size,
                force=options["force"],
                on_progress=progress,
            )
        except DemoDataRefused as error:
            raise CommandError(str(error.message)) from None
        except Exception as error:
            raise CommandError(
                _("Seeding demo data failed: %(error)s (see the seed_demo job run).")
                % {"error": error}
            ) from error
        finally:
            bar.close()
        officials = [] if settings.PRODUCTION else demo_officials_ensure()
        self.stdout.write(
            _(
                "Seeded %(enterprises)d enterprises, %(others)d other subjects, "
                "%(records)d records in %(seconds).1f s"
            )
            % {
                "enterprises": result.enterprises,
                "others": result.other_subjects,
                "records": result.records,
                "seconds": time.monotonic() - started,
            },
            style_func=self.style.SUCCESS,
        )
        if not officials:
            self.stdout.write(_("Demo officials are not created on a production site."))
            return
        for official in officials:
            role = _("superuser") if official.superuser else official.group
            where = f", {official.department}" if official.department else ""
            self.stdout.write(
                _("  demo official %(username)s / %(password)s (%(role)s%(where)s)")
                % {
                    "username": official.username,
                    "password": official.password,
                    "role": role,
                    "where": where,
                }
            )
        self.stderr.write(
            _(
                "Warning: these are demo credentials (admin / admin, demo12345); never use "
                "them on a real site."
            ),
            style_func=self.style.WARNING,
        )

    @staticmethod
    def _as_of(value: str) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                _("--as-of must be a date written YYYY-MM-DD, not “%(value)s”.") % {"value": value}
            ) from None
