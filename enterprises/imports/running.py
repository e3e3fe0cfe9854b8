"""Running the rows of a file: each row's service call in a savepoint, inside one
transaction that is rolled back if any row is bad."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_deferred, audit_savepoint
from core.exceptions import DomainError

from .columns import _Spec
from .reading import (
    ImportResult,
    Progress,
    RowError,
    _blank,
    _FileProblem,
    _map_columns,
    _Table,
    _table,
)
from .values import _CellError, _Converter, _omit_if_empty

log = logging.getLogger("enterprises.imports")  # one logger for the whole package


# --- Running rows --------------------------------------------------------------------


class _Run:
    """State shared by the rows of one import."""

    def __init__(self, titles: dict[str, str], result: ImportResult) -> None:
        self.titles = titles
        self.result = result

    def title(self, name: str) -> str:
        return self.titles.get(name, name)

    def error(self, row: int, name: str, reason: object) -> None:
        label = "" if name in ("", NON_FIELD_ERRORS) else self.title(name)
        self.result.errors.append(RowError(row, label, str(reason)))

    def validation_errors(
        self, row: int, error: ValidationError, fields: Mapping[str, str]
    ) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error(row, fields.get(name, name), message)
        else:
            for message in error.messages:
                self.error(row, "", message)


def _run_rows(
    table: _Table,
    columns: dict[int, str],
    handle: Callable[[int, dict[str, Any]], None],
    progress: Progress | None,
) -> None:
    total = len(table.rows)
    width = len(table.header)
    for done, (number, cells) in enumerate(table.rows, start=1):
        extra = [cell for cell in cells[width:] if not _blank(cell)]
        values = {name: cells[index] for index, name in columns.items() if index < len(cells)}
        handle(number, {"__extra__": extra, **values})
        if progress is not None:
            progress(done, total)


def _savepoint(run: _Run, row: int, fields: Mapping[str, str], call: Callable[[], Any]) -> Any:
    """Run one row's service call in a savepoint; a refusal becomes that row's error."""
    try:
        with audit_savepoint():
            return call()
    except ValidationError as error:
        run.validation_errors(row, error, fields)
    except DomainError as error:
        run.error(row, fields.get(error.field, error.field), error.message)
    except DatabaseError as error:
        log.warning("import.row_database_error row=%s error=%s", row, error)
        run.error(
            row,
            "",
            _("The database refused this row: %(error)s")
            % {"error": str(error).splitlines()[0] if str(error) else error.__class__.__name__},
        )
    return None


def _import(
    *,
    file: IO[bytes] | bytes,
    filename: str,
    spec: _Spec,
    make_handler: Callable[[_Run, list[Any]], Callable[[int, dict[str, Any]], None]],
    progress: Progress | None,
    max_rows: int | None = None,
) -> ImportResult:
    result = ImportResult()
    try:
        table = _table(file, filename, max_rows)
        columns, titles = _map_columns(table, spec)
    except _FileProblem as problem:
        result.errors = problem.errors
        return result
    result.rows = len(table.rows)
    run = _Run(titles, result)
    handler = make_handler(run, _column_values(table, columns, spec.key))

    def handle(row: int, values: dict[str, Any]) -> None:
        if values.pop("__extra__"):
            run.error(row, "", _("This row has more cells than the header row has titles."))
            return
        handler(row, values)

    # The rows' audit entries are appended to the chain in one step after the last row,
    # in the same transaction: its head is locked for that step, not for the whole file.
    with transaction.atomic(), audit_deferred():
        _run_rows(table, columns, handle, progress)
        if result.errors:
            # All or nothing: no row of a file with a bad row reaches the portal.
            transaction.set_rollback(True)
    if result.errors:
        result.created = result.updated = 0
    result.errors.sort(key=lambda error: error.row or 0)
    return result


def _column_values(table: _Table, columns: dict[int, str], name: str) -> list[Any]:
    """Every cell of one column (to look its keys up in a few queries, not one per row)."""
    index = next((i for i, column in columns.items() if column == name), None)
    if index is None:
        return []
    return [cells[index] for _, cells in table.rows if index < len(cells)]


def _convert_row(
    run: _Run,
    row: int,
    values: Mapping[str, Any],
    names: Iterable[str],
    convert: _Converter,
) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    failed = False
    for name in names:
        if name not in values:
            continue
        try:
            value = convert(name, values[name])
        except _CellError as error:
            run.error(row, name, error)
            failed = True
            continue
        if not _omit_if_empty(convert.model, name, value):
            data[name] = value
    return None if failed else data
