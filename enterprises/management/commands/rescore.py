"""Rescore every credit subject: ``manage.py rescore`` (the nightly job, by hand).

Shows a progress bar in a terminal and leaves a job-run row the admin shows; a run
that crashed today is resumed after the last subject it finished.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from enterprises.scoring import rescore_job


class Command(BaseCommand):
    help = "Rescore every credit subject (natural persons are not scored), in id-range chunks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", default="", help="Evaluation date YYYY-MM-DD (default: today, Asia/Shanghai)."
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=0,
            help="Subjects per chunk (default: the RESCORE_CHUNK_SUBJECTS setting).",
        )
        parser.add_argument(
            "--dispatch",
            action="store_true",
            help="Send the chunks to the Celery workers instead of running them here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["on"]:
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(_("--on must be a date as YYYY-MM-DD.")) from None
        if options["chunk_size"] < 0:
            raise CommandError(_("--chunk-size must be at least 1."))
        stream = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(
            file=stream,
            disable=not stream.isatty(),
            unit=" subjects",
            unit_scale=True,
            dynamic_ncols=True,
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        started = time.monotonic()
        try:
            result = rescore_job(
                on=on,
                chunk_size=options["chunk_size"] or None,
                dispatch=options["dispatch"],
                on_progress=progress,
            )
        finally:
            bar.close()
        elapsed = time.monotonic() - started
        if options["dispatch"]:
            self.stdout.write(
                _("Sent %(sent)d of %(chunks)d chunks to the workers (job run %(run)d).")
                % {"sent": result["dispatched"], "chunks": result["chunks"], "run": result["run"]}
            )
            return
        self.stdout.write(
            _(
                "Rescored %(scored)d of %(total)d subjects for %(on)s (%(changed)d changed, "
                "%(resumed)d of %(chunks)d chunks done before) in %(seconds).1f s"
            )
            % {
                "scored": result["scored"],
                "total": result["total"],
                "on": result["on"],
                "changed": result["changed"],
                "resumed": result["resumed_chunks"],
                "chunks": result["chunks"],
                "seconds": elapsed,
            }
        )
