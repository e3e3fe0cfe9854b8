"""Register or update credit subjects from a CSV or .xlsx file, all or nothing:
``manage.py import_subjects enterprises.csv``.

The same service as the admin's "Import subjects" (``enterprises.imports``): if any
row is bad, nothing is imported, the bad rows are listed and the exit status is 1.
Runs as a system actor unless ``--user`` names an official (a code that fails its
check can be accepted only by an official, with a reason in the file).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from core.actors import Actor
from enterprises.imports import ImportResult, error_table, subjects_import


class ImportCommand(BaseCommand):
    """What both import commands share: the file argument, the actor, progress, report."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A CSV (UTF-8 or GB18030) or Excel .xlsx file.")
        parser.add_argument(
            "--user",
            help="Act as this official (their department rights apply). Default: the system.",
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            default=None,
            help="Largest file accepted, in data rows (default: IMPORT_MAX_ROWS, for web uploads).",
        )

    def actor(self, username: str | None, *, job: str) -> Actor:
        if not username:
            return Actor.for_system(job)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user is called “%(name)s”.") % {"name": username})
        return Actor.for_user(user)

    @contextmanager
    def opened(self, path: Path) -> Iterator[IO[bytes]]:
        try:
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        with handle:
            yield handle

    @contextmanager
    def progress_bar(self) -> Iterator[Callable[[int, int], None]]:
        # disable=None: a bar on a terminal, nothing when output goes to a file or CI log.
        with tqdm(unit=" rows", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:

            def advance(done: int, total: int) -> None:
                if bar.total != total:
                    bar.total = total
                bar.update(done - bar.n)

            yield advance

    def report(self, result: ImportResult) -> None:
        if not result.ok:
            self.stdout.write(error_table(result.errors))
            raise CommandError(
                _("Nothing was imported: %(errors)d errors in the file.")
                % {"errors": len(result.errors)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(rows)d rows: %(created)d created, %(updated)d updated.")
                % {"rows": result.rows, "created": result.created, "updated": result.updated}
            )
        )


class Command(ImportCommand):
    help = "Register or update credit subjects from a CSV or Excel .xlsx file; all or nothing."

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        actor = self.actor(options.get("user"), job="import_subjects")
        path = Path(file)
        with self.opened(path) as handle, self.progress_bar() as progress:
            result = subjects_import(
                actor=actor,
                file=handle,
                filename=path.name,
                progress=progress,
                max_rows=options.get("max_rows"),
            )
        self.report(result)
