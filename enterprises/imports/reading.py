"""Reading an import file (CSV or .xlsx) into a header and numbered rows, mapping its
column titles to fields, and the result of an import: rows, counts and errors."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Callable, Iterator
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
# An .xlsx is a zip of XML parts: a few hundred KB can unpack to gigabytes. The parts'
# sizes (which the zip module holds them to while unpacking) are added up before anything
# is parsed, and a workbook over this is refused.
XLSX_MAX_UNPACKED_BYTES = getattr(settings, "IMPORT_MAX_XLSX_UNPACKED_BYTES", 100 * 1024 * 1024)
# Parsing costs per XML element, not per byte: 91 MB of empty shared strings (a 177 KB
# file) took 47 s and 640 MB to load, and openpyxl loads the shared strings and styles
# whole before the first row. So the tags in all parts are counted too (while unpacking,
# before parsing), against a budget that follows the row limit: this many per data row
# allowed, plus a base for styles, theme and properties. An Excel file of 5,000 rows and
# 20 text columns has some 800,000.
XLSX_TAGS_PER_ROW = 400
XLSX_TAGS_BASE = 100_000
# A cell at column XFD would widen its row to 16,384 cells; imports have some 20 columns.
XLSX_MAX_COLUMNS = 256
# Rows of a worksheet (Excel's own limit); a sheet's row numbers can claim more.
XLSX_MAX_ROW_NUMBER = 1_048_576


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

    def count(self, outcome: tuple[object, bool] | None) -> None:
        """Count a service's ``(object, created)`` answer; None is a row that failed."""
        if outcome is None:
            return
        if outcome[1]:
            self.created += 1
        else:
            self.updated += 1


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


def _read_csv(raw: bytes) -> Iterator[list[Any]]:
    text = _decode_text(raw)
    if "\x00" in text:
        raise _file_error(_("This is not a text file. Save it as CSV (UTF-8) or .xlsx."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def rows() -> Iterator[list[Any]]:
        try:
            yield from reader
        except csv.Error as error:
            raise _file_error(
                _("The CSV file cannot be read near line %(line)d: %(error)s")
                % {"line": reader.line_num, "error": error}
            ) from None

    return rows()


def _xlsx_unreadable() -> _FileProblem:
    return _file_error(
        _("The file cannot be read as an Excel workbook (.xlsx). Save it again from Excel.")
    )


def _xlsx_check_size(raw: bytes, max_rows: int) -> None:
    """Refuse a workbook that unpacks too large, or has more XML than ``max_rows`` rows
    need, before any of it is parsed."""
    budget = XLSX_TAGS_BASE + XLSX_TAGS_PER_ROW * (max_rows + 1)
    tags = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            if unpacked > XLSX_MAX_UNPACKED_BYTES:
                raise _file_error(
                    _(
                        "The workbook unpacks to %(size)d MB; at most %(limit)d MB can be "
                        "imported. Split it into smaller files."
                    )
                    % {
                        "size": -(-unpacked // 1_048_576),
                        "limit": XLSX_MAX_UNPACKED_BYTES // 1_048_576,
                    }
                )
            for info in members:
                with archive.open(info) as member:
                    while chunk := member.read(1_048_576):
                        tags += chunk.count(b"<")
                        if tags > budget:
                            raise _file_error(
                                _(
                                    "The workbook is much larger than %(rows)d rows of data "
                                    "need (other sheets, formatting or texts). Copy the data "
                                    "into a new workbook, or split it into smaller files."
                                )
                                % {"rows": max_rows}
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        log.info("import.xlsx_unreadable", exc_info=True)
        raise _xlsx_unreadable() from None


def _xlsx_open(raw: bytes) -> Any:
    """The workbook in openpyxl's read-only mode, without reading any sheet's declared size.

    openpyxl looks for each sheet's ``<dimension>`` when it opens the workbook, parsing the
    sheet until it finds one, which is the whole sheet when there is none; and a declared
    size pads every row to the widest column it claims (XFD: 16,384 cells) and cuts rows
    past it. The import needs neither: its sheets have no size, so nothing is parsed before
    the rows are taken and each row has the cells it has. (``ExcelReader`` is what
    ``openpyxl.load_workbook`` uses; only the sheets it makes differ.)
    """
    from openpyxl.reader.excel import ExcelReader  # heavy; only imports need it
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            """No declared size (see above)."""

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    worksheet = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    worksheet.sheet_state = sheet.state
                    self.wb._sheets.append(worksheet)

    reader = Reader(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _read_xlsx(raw: bytes, max_rows: int) -> Iterator[list[Any]]:
    """The active sheet's rows, streamed: openpyxl's read-only mode parses the sheet as the
    rows are taken, so the caller's row limit stops the parsing too."""
    _xlsx_check_size(raw, max_rows)
    try:
        book = _xlsx_open(raw)
        cells = book.active.iter_rows(values_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        log.info("import.xlsx_unreadable", exc_info=True)
        raise _xlsx_unreadable() from None

    def rows() -> Iterator[list[Any]]:
        try:
            for number in range(1, XLSX_MAX_ROW_NUMBER + 2):
                try:
                    row = list(next(cells))
                except StopIteration:
                    return
                except Exception:
                    log.info("import.xlsx_unreadable", exc_info=True)
                    raise _xlsx_unreadable() from None
                if number > XLSX_MAX_ROW_NUMBER:
                    raise _xlsx_unreadable()
                while row and row[-1] is None:  # formatted but empty cells at the end
                    row.pop()
                if len(row) > XLSX_MAX_COLUMNS:
                    raise _file_error(
                        _("This row has cells beyond column %(n)d; an import has fewer columns.")
                        % {"n": XLSX_MAX_COLUMNS},
                        row=number,
                    )
                yield row
        finally:
            book.close()

    return rows()


def _read_rows(file: IO[bytes] | bytes, filename: str, max_rows: int) -> Iterator[list[Any]]:
    """The file's rows, recognising CSV and .xlsx by content and extension. The rows are
    read as they are taken: the caller stops at its row limit, ``max_rows`` data rows."""
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
        return _read_xlsx(raw, max_rows)
    if extension == ".xlsx":
        raise _file_error(_("The file is named .xlsx but is not an Excel workbook."))
    return _read_csv(raw)


def _table(file: IO[bytes] | bytes, filename: str, max_rows: int | None = None) -> _Table:
    limit = max_rows if max_rows is not None else settings.IMPORT_MAX_ROWS
    header_row, header = 0, None
    data: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(_read_rows(file, filename, limit), start=1):
        # Empty rows are skipped; the first row with content holds the titles.
        if all(_blank(cell) for cell in row):
            continue
        if header is None:
            header_row, header = number, row
            continue
        data.append((number, row))
        if len(data) > limit:
            # Refused here, without reading (or holding) the rest of the file.
            raise _file_error(
                _(
                    "The file has more than %(limit)d data rows; at most %(limit)d can be "
                    "imported at once. Split it into smaller files."
                )
                % {"limit": limit}
            )
    if header is None:
        raise _file_error(_("The file is empty."))
    if not data:
        raise _file_error(_("The file has a header row but no data rows."), row=header_row)
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
