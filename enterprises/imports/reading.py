"""Reading an import file (CSV or .xlsx) into a header and numbered rows, mapping its
column titles to fields, and the result of an import: rows, counts and errors."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .columns import _Spec, column_for_title

log = logging.getLogger("enterprises.imports")  # one logger for the whole package

# Uploads through the admin are refused above this size (the command takes any size;
# IMPORT_MAX_ROWS bounds the work either way).
IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the user sees it (header = 1), None for the whole file."""

    row: int | None
    field: str
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors if error.row is not None})


Progress = Callable[[int, int], None]


class _FileProblem(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(errors[0].reason if errors else "")


def _file_error(reason: str, *, row: int | None = None, field_name: str = "") -> _FileProblem:
    return _FileProblem([RowError(row, field_name or _("file"), reason)])


# --- Reading the file ----------------------------------------------------------------


@dataclass
class _Table:
    header_row: int
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_bytes(file: IO[bytes] | bytes) -> bytes:
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _decode_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel saves "CSV" in the system code page; GB18030 covers GBK/GB2312.
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise _file_error(
            _("The file is neither UTF-8 nor GB18030 text. Save it as CSV (UTF-8) or .xlsx.")
        ) from None


def _read_csv(raw: bytes) -> list[list[Any]]:
    text = _decode_text(raw)
    if "\x00" in text:
        raise _file_error(_("This is not a text file. Save it as CSV (UTF-8) or .xlsx."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise _file_error(
            _("The CSV file cannot be read near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None


def _read_xlsx(raw: bytes) -> list[list[Any]]:
    import tablib  # imported here: openpyxl is heavy and only imports need it

    try:
        dataset = tablib.Dataset().load(io.BytesIO(raw), format="xlsx", headers=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        log.info("import.xlsx_unreadable", exc_info=True)
        raise _file_error(
            _("The file cannot be read as an Excel workbook (.xlsx). Save it again from Excel.")
        ) from None
    return [list(row) for row in dataset]


def _read_rows(file: IO[bytes] | bytes, filename: str) -> list[list[Any]]:
    """The file's rows, recognising CSV and .xlsx by content and extension."""
    raw = _read_bytes(file)
    extension = PurePath(filename or "").suffix.lower()
    if not raw:
        raise _file_error(_("The file is empty."))
    if extension == ".xls" or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _("Excel 97–2003 workbooks (.xls) are not supported: save the file as .xlsx or CSV.")
        )
    if extension not in ("", ".csv", ".txt", ".xlsx"):
        raise _file_error(
            _("Files of type “%(ext)s” cannot be imported: use CSV or Excel .xlsx.")
            % {"ext": extension}
        )
    if raw.startswith(b"PK\x03\x04"):  # a zip container: .xlsx
        return _read_xlsx(raw)
    if extension == ".xlsx":
        raise _file_error(_("The file is named .xlsx but is not an Excel workbook."))
    return _read_csv(raw)


def _table(file: IO[bytes] | bytes, filename: str, max_rows: int | None = None) -> _Table:
    rows = _read_rows(file, filename)
    numbered = [(index, row) for index, row in enumerate(rows, start=1)]
    # Leading empty rows are skipped; the first row with content holds the titles.
    while numbered and all(_blank(cell) for cell in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise _file_error(_("The file is empty."))
    header_row, header = numbered[0]
    data = [(number, row) for number, row in numbered[1:] if not all(_blank(c) for c in row)]
    if not data:
        raise _file_error(_("The file has a header row but no data rows."), row=header_row)
    limit = max_rows if max_rows is not None else settings.IMPORT_MAX_ROWS
    if len(data) > limit:
        raise _file_error(
            _(
                "The file has %(rows)d data rows; at most %(limit)d can be imported at once. "
                "Split it into smaller files."
            )
            % {"rows": len(data), "limit": limit}
        )
    return _Table(header_row, header, data)


# --- Columns -----------------------------------------------------------------------


def _map_columns(table: _Table, spec: _Spec) -> tuple[dict[int, str], dict[str, str]]:
    """Column index → field name, and field name → the title as the file writes it."""
    errors: list[RowError] = []
    by_index: dict[int, str] = {}
    titles: dict[str, str] = {}
    unknown: list[str] = []
    for index, title in enumerate(table.header):
        if _blank(title):
            if any(index < len(row) and not _blank(row[index]) for _, row in table.rows):
                errors.append(
                    RowError(
                        table.header_row,
                        _("column %(n)d") % {"n": index + 1},
                        _("This column has no title but holds data."),
                    )
                )
            continue
        title_text = str(title).strip()
        name = column_for_title(title, spec)
        if name is None:
            unknown.append(title_text)
            continue
        if name in titles:
            errors.append(
                RowError(
                    table.header_row,
                    title_text,
                    _("Columns “%(a)s” and “%(b)s” both give %(field)s.")
                    % {"a": titles[name], "b": title_text, "field": name},
                )
            )
            continue
        by_index[index] = name
        titles[name] = title_text
    for title_text in unknown:
        errors.append(
            RowError(
                table.header_row,
                title_text,
                _("Unknown column. Known columns: %(known)s.") % {"known": ", ".join(spec.columns)},
            )
        )
    for name in spec.required:
        if name not in titles:
            errors.append(RowError(table.header_row, name, _("This column is required.")))
    if errors:
        raise _FileProblem(errors)
    return by_index, titles
