"""Import credit records from a CSV or .xlsx file, all or nothing:
``manage.py import_records penalties.xlsx --department zj-amr``.

The same service as the admin's "Import records" (``enterprises.imports``): if any
row is bad, nothing is imported, the bad rows are listed and the exit status is 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from enterprises.imports import records_import
from enterprises.management.commands.import_subjects import ImportCommand
from enterprises.models import Department


class Command(ImportCommand):
    help = (
        "Import credit records from a CSV or Excel .xlsx file; nothing is imported if a row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--department",
            help="Code of the source department the records belong to (e.g. zj-amr). Without "
            "it, every row needs a department column.",
        )

    def handle(self, *args: Any, file: str, department: str | None, **options: Any) -> None:
        found = None
        if department:
            found = Department.objects.filter(code=department).first()
            if found is None:
                raise CommandError(
                    _("No source department has the code “%(code)s”.") % {"code": department}
                )
        actor = self.actor(options.get("user"), job="import_records")
        path = Path(file)
        with self.opened(path) as handle, self.progress_bar() as progress:
            result = records_import(
                actor=actor,
                file=handle,
                filename=path.name,
                department=found,
                progress=progress,
                max_rows=options.get("max_rows"),
            )
        self.report(result)
