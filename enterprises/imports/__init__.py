"""Bulk import of credit subjects and credit records from CSV or Excel (.xlsx).

All or nothing: every row goes through the same services as the admin and the
department API (``subject_upsert``, ``record_upsert``), each in its own savepoint,
inside one outer transaction. If any row is bad, the whole transaction is rolled
back — nothing is imported and no audit row is written — and every bad row is
reported as (row number as the user sees it in the file, column, reason), so an
official can fix the file and send it again. A half-imported file would leave the
department unsure which records are on the portal.

Files: CSV in UTF-8 (with or without BOM), GB18030 (what Chinese Excel writes) or
UTF-16 ("Unicode text"), comma- or tab-separated; Excel .xlsx through tablib
(openpyxl). The first non-empty row holds the column titles: field names or the
Chinese titles of ``COLUMN_TITLES``.

The package: ``columns`` (titles, aliases, the columns of each import), ``reading``
(the file, its header, the result), ``values`` (cells into field values), ``running``
(savepoints in one transaction), ``records`` and ``subjects`` (the two imports), and
``report`` (templates, column help, the error table).
"""

from __future__ import annotations

from .columns import (
    CHOICE_ALIASES,
    COLUMN_TITLES,
    RECORD_COLUMNS,
    RECORD_RENAMES,
    RECORD_REQUIRED,
    RECORDS,
    SUBJECT_COLUMNS,
    SUBJECT_REQUIRED,
    SUBJECTS,
    column_for_title,
)
from .reading import IMPORT_MAX_BYTES, ImportResult, Progress, RowError
from .records import records_import
from .report import ColumnHelp, column_help, error_table, template_csv, template_titles
from .subjects import subjects_import

__all__ = [
    "CHOICE_ALIASES",
    "COLUMN_TITLES",
    "IMPORT_MAX_BYTES",
    "RECORDS",
    "RECORD_COLUMNS",
    "RECORD_RENAMES",
    "RECORD_REQUIRED",
    "SUBJECTS",
    "SUBJECT_COLUMNS",
    "SUBJECT_REQUIRED",
    "ColumnHelp",
    "ImportResult",
    "Progress",
    "RowError",
    "column_for_title",
    "column_help",
    "error_table",
    "records_import",
    "subjects_import",
    "template_csv",
    "template_titles",
]
