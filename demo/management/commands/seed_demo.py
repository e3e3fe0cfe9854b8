"""Load deterministic demo data: ``manage.py seed_demo --enterprises 2000 --seed 1``.

The generators and the bulk writer live in the :mod:`demo` package (:mod:`demo.subjects`,
:mod:`demo.seeding`); this command parses the options, shows a progress bar in a
terminal and prints the summary. ``make run`` calls it with ``--if-empty`` so a second
start leaves the data alone.

``--bulk`` (PostgreSQL only) loads through COPY instead (:mod:`demo.bulkseed`):
``seed_demo --scale province`` is ``--bulk --enterprises 2580000 --records 10000000``.
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

from demo.bulkseed import BENCHMARK_RECORDS, BENCHMARK_SUBJECTS, SCALES, bulk_seed
from demo.officials import demo_officials_ensure
from demo.seeding import DemoDataRefused, demo_seed
from demo.subjects import plan
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
            help=(
                "Write demo data even on a production site (DJANGO_ENV=production); with "
                "--bulk also replace the subjects already there and everything that refers "
                "to them."
            ),
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=(
                "PostgreSQL only: load through COPY with indexes rebuilt afterwards "
                "(province scale in minutes); needs an empty database unless --force."
            ),
        )
        parser.add_argument(
            "--records",
            type=int,
            default=None,
            help=(
                "With --bulk: exact number of credit records (default 4 per enterprise, "
                "200 for each of the first 20, the credit-file benchmark)."
            ),
        )
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default=None,
            help="Shorthand for --bulk with preset sizes: province = 2,580,000 enterprises "
            "and 10,000,000 records.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] or options["bulk"]:
            self._bulk(options)
            return
        if options["records"] is not None:
            raise CommandError(_("--records needs --bulk (or --scale)."))
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
        self._officials()

    def _officials(self) -> None:
        officials = [] if settings.PRODUCTION else demo_officials_ensure()
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

    def _bulk(self, options: dict[str, Any]) -> None:
        if options["scale"]:
            enterprises, records = SCALES[options["scale"]]
        else:
            enterprises = options["enterprises"]
            records = options["records"]
            if records is None:
                benchmark = min(BENCHMARK_SUBJECTS, max(enterprises, 0))
                records = 4 * enterprises + (BENCHMARK_RECORDS - 4) * benchmark
        if enterprises < 0:
            raise CommandError(_("--enterprises must be 0 or more."))
        if records < 0:
            raise CommandError(_("--records must be 0 or more."))
        if options["if_empty"]:
            existing = Subject.objects.count()
            if existing:
                self.stdout.write(_("Demo data already present: %(n)d subjects") % {"n": existing})
                return
        as_of = self._as_of(options["as_of"])
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

        def progress(subjects: int, records_so_far: int) -> None:
            bar.set_postfix(records=f"{records_so_far:,}", refresh=False)
            bar.update(subjects)

        def phase(name: str, seconds: float) -> None:
            if name == "copy":
                bar.close()
            self.stdout.write(
                _("  %(phase)s: %(seconds).1f s") % {"phase": name, "seconds": seconds}
            )

        try:
            result = bulk_seed(
                enterprises=enterprises,
                records=records,
                seed=options["seed"],
                as_of=as_of,
                force=options["force"],
                on_progress=progress,
                on_phase=phase,
            )
        except DemoDataRefused as error:
            raise CommandError(str(error.message)) from None
        except Exception as error:
            raise CommandError(
                _("Bulk seeding failed: %(error)s (see the seed_demo job run).") % {"error": error}
            ) from error
        finally:
            bar.close()
        self.stdout.write(
            _(
                "Seeded %(enterprises)d enterprises, %(others)d other subjects, "
                "%(records)d records (%(due)d due for expiry), %(entries)d list entries, "
                "%(former)d former names in %(seconds).1f s"
            )
            % {
                "enterprises": result.enterprises,
                "others": result.other_subjects,
                "records": result.records,
                "due": result.due_records,
                "entries": result.list_entries,
                "former": result.former_names,
                "seconds": time.monotonic() - started,
            },
            style_func=self.style.SUCCESS,
        )
        if result.benchmark_subjects:
            self.stdout.write(
                _("Enterprises with exactly %(n)d public records (credit-file benchmark):")
                % {"n": BENCHMARK_RECORDS}
            )
            for pk, uscc, name in result.benchmark_subjects:
                self.stdout.write(f"  id={pk} {uscc} {name}")
        self._officials()

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
