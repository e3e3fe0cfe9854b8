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
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.actors import Actor
from core.exceptions import DomainError

from .models import CreditRecord, Department, Industry, Region, Subject
from .services import RECORD_FIELDS, record_upsert, subject_upsert
from .uscc import normalize_uscc, validate_uscc

log = logging.getLogger(__name__)

# Uploads through the admin are refused above this size (the command takes any size;
# IMPORT_MAX_ROWS bounds the work either way).
IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024)

# Column titles as Chinese source departments write them → field names. One dict for
# both imports; in a records file the subject's code and name become ``subject_uscc``
# and ``subject_name`` (``RECORD_RENAMES``). Titles are compared after Unicode NFKC
# normalisation, so full-width and half-width brackets are the same title.
COLUMN_TITLES: dict[str, str] = {
    # subject
    "统一社会信用代码": "uscc",
    "社会信用代码": "uscc",
    "信用代码": "uscc",
    "企业名称": "name",
    "主体名称": "name",
    "单位名称": "name",
    "名称": "name",
    "行政相对人名称": "name",
    "主体类型": "subject_type",
    "法定代表人": "legal_representative",
    "法定代表人(负责人)": "legal_representative",
    "企业类型": "enterprise_type",
    "成立日期": "established_on",
    "住所": "address",
    "地址": "address",
    "注册资本": "registered_capital",
    "注册资本(万元)": "registered_capital",
    "经营范围": "business_scope",
    "登记状态": "registration_status",
    "经营状态": "registration_status",
    "行政区划": "region",
    "行政区划代码": "region",
    "所属行业": "industry",
    "行业": "industry",
    "行业门类": "industry",
    "曾用名": "former_names",
    "代码校验例外": "uscc_override",
    "校验例外": "uscc_override",
    "校验例外原因": "uscc_override_reason",
    "代码校验例外原因": "uscc_override_reason",
    # record
    "数据来源部门": "department",
    "数据来源单位": "department",
    "来源部门": "department",
    "部门": "department",
    "部门代码": "department",
    "信息类别": "kind",
    "信息类型": "kind",
    "决定日期": "decision_date",
    "认定日期": "decision_date",
    "处罚决定日期": "decision_date",
    "许可决定日期": "decision_date",
    "文书号": "document_number",
    "决定文书号": "document_number",
    "行政处罚决定书文号": "document_number",
    "许可文书号": "document_number",
    "法律依据": "legal_basis",
    "处罚依据": "legal_basis",
    "标题": "title",
    "事项名称": "title",
    "违法行为类型": "title",
    "内容": "content",
    "处罚内容": "content",
    "许可内容": "content",
    "公开属性": "disclosure",
    "公开范围": "disclosure",
    "严重程度": "severity",
    "失信程度": "severity",
    "公示截止日期": "publicity_end",
    "公示截止期": "publicity_end",
    "处罚类别": "penalty_type",
    "处罚种类": "penalty_type",
    "罚款金额(元)": "fine_amount",
    "罚款金额": "fine_amount",
    "金额(元)": "amount",
    "金额": "amount",
    "有效期自": "valid_from",
    "有效期至": "valid_until",
    "纳税信用等级": "tax_credit_level",
    "评价年度": "tax_year",
}
RECORD_RENAMES = {"uscc": "subject_uscc", "name": "subject_name"}

# Values as Chinese files write them → stored values. The English and (once
# translated) Chinese labels of each choice are accepted as well.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "kind": {
        "行政许可": "licence",
        "资质资格": "qualification",
        "资质": "qualification",
        "资格": "qualification",
        "行政处罚": "penalty",
        "行政强制": "enforcement",
        "经营异常": "abnormal_operation",
        "经营异常名录": "abnormal_operation",
        "非正常户": "abnormal_tax_account",
        "欠税": "tax_arrears",
        "欠缴社保": "social_insurance_arrears",
        "社保欠费": "social_insurance_arrears",
        "未履行生效裁判": "judgement_unperformed",
        "刑事犯罪": "criminal",
        "融资刑事犯罪": "finance_criminal",
        "金融逃废债": "debt_evasion",
        "虚假诉讼": "false_litigation",
        "未履行信用承诺": "commitment_unfulfilled",
        "产品质量抽查不合格": "quality_spot_check",
        "安全生产事故": "safety_accident",
        "突发环境事件": "environmental_incident",
        "荣誉奖励": "honour",
        "慈善捐赠": "donation",
        "志愿服务": "volunteering",
        "纳税信用等级": "tax_credit_rating",
        "风险提示": "risk_warning",
        "重点关注": "priority_concern",
        "其他": "other",
    },
    "penalty_type": {
        "警告": "warning",
        "通报批评": "criticism",
        "罚款": "fine",
        "没收": "confiscation",
        "没收违法所得": "confiscation",
        "没收违法所得、没收非法财物": "confiscation",
        "降低资质等级": "qualification_lowered",
        "暂扣许可证件": "licence_suspended",
        "吊销许可证件": "licence_revoked",
        "吊销": "licence_revoked",
        "限制开展生产经营活动": "production_restricted",
        "责令停产停业": "closed_down",
        "责令关闭": "closed_down",
        "限制从业": "employment_ban",
        "行政拘留": "detention",
        "其他": "other",
    },
    "severity": {"轻微": "minor", "一般": "general", "严重": "serious"},
    "disclosure": {
        "公开": "public",
        "完全公开": "public",
        "社会公开": "public",
        "部分公开": "partial",
        "有条件公开": "partial",
        "依申请公开": "partial",
        "政务共享": "government",
        "不公开": "government",
    },
    "subject_type": {
        "企业": "enterprise",
        "法人": "enterprise",
        "自然人": "natural_person",
        "社会组织": "social_organisation",
        "事业单位": "public_institution",
        "机关": "government_agency",
        "政府机关": "government_agency",
    },
    "registration_status": {
        "存续": "existing",
        "开业": "open",
        "在业": "open",
        "停业": "suspended",
        "迁出": "moved_out",
        "吊销": "revoked",
        "注销": "cancelled",
    },
}

RECORD_COLUMNS: tuple[str, ...] = ("subject_uscc", "subject_name", "department", *RECORD_FIELDS)
RECORD_REQUIRED: tuple[str, ...] = ("subject_uscc", "kind", "decision_date", "title")
SUBJECT_COLUMNS: tuple[str, ...] = (
    "uscc",
    "name",
    "subject_type",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "address",
    "registered_capital",
    "business_scope",
    "registration_status",
    "region",
    "industry",
    "former_names",
    "uscc_override",
    "uscc_override_reason",
)
SUBJECT_REQUIRED: tuple[str, ...] = ("uscc", "name")

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "√"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", ""})
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# Excel shows long all-digit codes as 9.15001E+17 and keeps only 15 significant digits.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?e\+?\d+$", re.IGNORECASE)
_FORMER_NAME_SEPARATORS = re.compile(r"[;；|\n]")
# Keys looked up per query (well under SQLite's limit of bound parameters).
_LOOKUP_BATCH = 500


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


def _normalise_title(title: Any) -> str:
    text = unicodedata.normalize("NFKC", str(title)).strip().strip("*").strip()
    return re.sub(r"[\s\-]+", "_", text).lower()


_TITLES = {_normalise_title(title): name for title, name in COLUMN_TITLES.items()}


@dataclass(frozen=True)
class _Spec:
    columns: tuple[str, ...]
    required: tuple[str, ...]
    renames: Mapping[str, str]
    key: str  # the column that names the subject


RECORDS = _Spec(RECORD_COLUMNS, RECORD_REQUIRED, RECORD_RENAMES, key="subject_uscc")
SUBJECTS = _Spec(SUBJECT_COLUMNS, SUBJECT_REQUIRED, {}, key="uscc")


def column_for_title(title: Any, spec: _Spec) -> str | None:
    key = _normalise_title(title)
    name = key if key in spec.columns else _TITLES.get(key)
    if name is None:
        return None
    name = spec.renames.get(name, name)
    return name if name in spec.columns else None


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


# --- Values ------------------------------------------------------------------------


class _CellError(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell stored as its Excel serial number (1900 date system).
        if 1 <= value < 2958466:
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise _CellError(_("Not a date."))
    text = _text(value)
    if not text:
        return None
    # Excel exports write "2025-06-01 00:00:00"; the time of day has no meaning here.
    text = re.sub(r"[ T]0{1,2}:0{2}(:0{2})?$", "", text)
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(_("“%(value)s” is not a date: write it as 2025-06-01.") % {"value": text})


def _decimal(value: Any, *, unit: str) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(",", "").replace("，", "").replace(" ", "")
    if text.endswith(unit):
        text = text[: -len(unit)]
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _CellError(_("“%(value)s” is not a number.") % {"value": _text(value)}) from None
    if not number.is_finite():
        raise _CellError(_("“%(value)s” is not a number.") % {"value": _text(value)})
    return number


def _integer(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value)
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        raise _CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(text)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(_("Write true or false (是 or 否)."))


def _choice_lookup(model_field: models.Field) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in model_field.flatchoices:
        lookup[str(value).lower()] = str(value)
        for language in ("en", "zh-hans"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = str(value)
    for alias, value in CHOICE_ALIASES.get(model_field.name, {}).items():
        lookup[alias] = value
    return lookup


def _choice(value: Any, model_field: models.Field, lookup: dict[str, str]) -> str:
    text = _text(value)
    if not text:
        return ""
    found = lookup.get(unicodedata.normalize("NFKC", text).lower())
    if found is None:
        allowed = ", ".join(str(v) for v, _label in model_field.flatchoices)
        raise _CellError(
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
        )
    return found


def _code(value: Any) -> str:
    """A USCC cell. Excel keeps 15 significant digits of a number, so an all-digit code
    stored as a number has already lost its end: say so instead of "wrong checksum"."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _CellError(
            _(
                "The code was stored as a number, and Excel keeps only 15 digits of a "
                "number: format the column as text and enter the codes again."
            )
        )
    text = _text(value)
    if _SCIENTIFIC.match(text):
        raise _CellError(
            _(
                "“%(value)s” is a code shown as a number by Excel, which keeps only 15 "
                "digits: format the column as text and enter the codes again."
            )
            % {"value": text}
        )
    return normalize_uscc(text)


def _model_field(model: type[models.Model], name: str) -> models.Field:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise FieldDoesNotExist(name)
    return found


class _Converter:
    """Turns cells into values of a model's fields (kept per import: choice maps are built once)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self._lookups: dict[str, dict[str, str]] = {}

    def __call__(self, name: str, value: Any) -> Any:
        model_field = _model_field(self.model, name)
        if model_field.choices:
            if name not in self._lookups:
                self._lookups[name] = _choice_lookup(model_field)
            return _choice(value, model_field, self._lookups[name])
        if isinstance(model_field, models.DateField):
            return _date(value)
        if isinstance(model_field, models.DecimalField):
            unit = "万元" if name == "registered_capital" else "元"
            return _decimal(value, unit=unit)
        if isinstance(model_field, models.IntegerField):
            return _integer(value)
        return _text(value)


def _omit_if_empty(model: type[models.Model], name: str, value: Any) -> bool:
    """An empty cell of a field that may not be blank means "not given": the model's
    default applies to a new row and an existing one keeps its value."""
    model_field = _model_field(model, name)
    return value in (None, "") and not (model_field.blank or model_field.null)


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
        with transaction.atomic():
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

    with transaction.atomic():
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


# --- Records -------------------------------------------------------------------------


def records_import(
    *,
    actor: Actor,
    file: IO[bytes] | bytes,
    filename: str,
    department: Department | None = None,
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Import credit records, all or nothing (see the module docstring).

    A row names its subject by ``subject_uscc`` (the subject must be registered). The
    department is ``department`` or, for a department officer, their own; a
    ``department`` column (code or Chinese name), where given, must name that same
    department, else the row is refused. Administrators may leave ``department`` out
    and give the department per row. A row whose department already holds a record
    with the same document number updates that record (departments resend).
    """
    unrestricted = actor.is_unrestricted
    # An administrator's own profile (if any) is no default: they import for any department.
    default = department if department is not None else (None if unrestricted else actor.department)
    if default is not None and not actor.may_write(default.pk):
        return ImportResult(
            errors=[
                RowError(
                    None, "department", _("You may only import records of your own department.")
                )
            ]
        )
    if default is None and not unrestricted:
        return ImportResult(
            errors=[
                RowError(
                    None, "department", _("Your account is not linked to a source department.")
                )
            ]
        )
    # Service error keys → import columns.
    fields = {"subject": "subject_uscc", "department": "department"}

    def make_handler(run: _Run, codes: list[Any]) -> Callable[[int, dict[str, Any]], None]:
        convert = _Converter(CreditRecord)
        wanted = sorted({normalize_uscc(code) for code in codes if isinstance(code, str)} - {""})
        subjects: dict[str, Subject | None] = {}
        for start in range(0, len(wanted), _LOOKUP_BATCH):
            batch = wanted[start : start + _LOOKUP_BATCH]
            subjects.update({s.uscc: s for s in Subject.objects.filter(uscc__in=batch) if s.uscc})
        departments: dict[str, Department | None] = {}
        seen_documents: dict[tuple[int, str], int] = {}

        def find_department(value: Any) -> Department | None:
            key = _text(value)
            if key not in departments:
                departments[key] = (
                    Department.objects.filter(code=key).first()
                    or Department.objects.filter(name_zh=key).first()
                )
            return departments[key]

        def handle(row: int, values: dict[str, Any]) -> None:
            ok = True
            # Subject.
            subject: Subject | None = None
            try:
                code = _code(values.get("subject_uscc"))
            except _CellError as error:
                run.error(row, "subject_uscc", error)
                code, ok = "", False
            if ok and not code:
                run.error(row, "subject_uscc", _("This field is required."))
                ok = False
            elif code:
                subject = subjects.get(code)
                if subject is None:
                    try:
                        validate_uscc(code)
                    except ValidationError as error:
                        run.error(row, "subject_uscc", error.messages[0])
                    else:
                        run.error(
                            row,
                            "subject_uscc",
                            _("No credit subject has this code: register it first."),
                        )
                    ok = False
            name = _text(values.get("subject_name"))
            if (
                subject is not None
                and name
                and name != subject.name
                and not subject.former_names.filter(name=name).exists()
            ):
                run.error(
                    row,
                    "subject_name",
                    _("The code %(code)s belongs to “%(name)s”, not “%(given)s”.")
                    % {"code": subject.uscc, "name": subject.name, "given": name},
                )
                ok = False
            # Department.
            target = default
            given = values.get("department")
            if not _blank(given):
                named = find_department(given)
                if named is None:
                    run.error(
                        row,
                        "department",
                        _("No source department has the code or name “%(value)s”.")
                        % {"value": _text(given)},
                    )
                    ok = False
                elif default is not None and named.pk != default.pk:
                    run.error(
                        row,
                        "department",
                        _(
                            "This row names “%(named)s”, but the file is imported for "
                            "“%(default)s”: records of other departments cannot be imported here."
                        )
                        % {"named": named.code, "default": default.code},
                    )
                    ok = False
                else:
                    target = named
            elif default is None:
                run.error(row, "department", _("Give the source department's code."))
                ok = False
            data = _convert_row(run, row, values, RECORD_FIELDS, convert)
            if data is None or not ok or subject is None or target is None:
                return
            document = (data.get("document_number") or "").strip()
            if document:
                key = (target.pk, document)
                if key in seen_documents:
                    run.error(
                        row,
                        "document_number",
                        _("Row %(row)d has the same document number.")
                        % {"row": seen_documents[key]},
                    )
                    return
                seen_documents[key] = row
            outcome = _savepoint(
                run,
                row,
                fields,
                lambda: record_upsert(
                    actor=actor,
                    subject=subject,
                    department=target,
                    data=data,
                    reason=_("Bulk import from %(file)s, row %(row)d")
                    % {"file": filename, "row": row},
                ),
            )
            if outcome is not None:
                if outcome[1]:  # (object, created)
                    run.result.created += 1
                else:
                    run.result.updated += 1

        return handle

    result = _import(
        file=file,
        filename=filename,
        spec=RECORDS,
        make_handler=make_handler,
        progress=progress,
        max_rows=max_rows,
    )
    log.info(
        "import.records file=%s rows=%s created=%s updated=%s errors=%s actor=%s",
        filename,
        result.rows,
        result.created,
        result.updated,
        len(result.errors),
        actor.label,
    )
    return result


# --- Subjects --------------------------------------------------------------------------

_SUBJECT_DATA = (
    "subject_type",
    "name",
    "legal_representative",
    "enterprise_type",
    "established_on",
    "address",
    "registered_capital",
    "business_scope",
    "registration_status",
)


def subjects_import(
    *,
    actor: Actor,
    file: IO[bytes] | bytes,
    filename: str,
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Register or update credit subjects keyed by their USCC, all or nothing.

    A code whose check character fails is accepted only with ``uscc_override`` true
    and a ``uscc_override_reason``, from an official; the acceptance is audited
    (DOMAIN §2). Natural persons have no code to key a re-import on and are
    registered one by one in the admin.
    """
    fields = {"region": "region", "industry": "industry"}

    def make_handler(run: _Run, codes: list[Any]) -> Callable[[int, dict[str, Any]], None]:
        convert = _Converter(Subject)
        regions = {code: code for code in Region.objects.values_list("code", flat=True)}
        regions.update({name: code for code, name in Region.objects.values_list("code", "name_zh")})
        industries = {code: code for code in Industry.objects.values_list("code", flat=True)}
        industries.update(
            {name: code for code, name in Industry.objects.values_list("code", "name_zh")}
        )
        seen: dict[str, int] = {}

        def reference(row: int, name: str, value: Any, known: dict[str, str]) -> tuple[bool, Any]:
            text = _text(value).upper() if name == "industry" else _text(value)
            if not text:
                return True, None
            if text not in known:
                run.error(row, name, _("“%(value)s” is not a known code.") % {"value": text})
                return False, None
            return True, known[text]

        def handle(row: int, values: dict[str, Any]) -> None:
            ok = True
            try:
                code = _code(values.get("uscc"))
            except _CellError as error:
                run.error(row, "uscc", error)
                code, ok = "", False
            if ok and not code:
                run.error(row, "uscc", _("This field is required for organisations."))
                ok = False
            if code in seen:
                run.error(row, "uscc", _("Row %(row)d has the same code.") % {"row": seen[code]})
                ok = False
            elif code:
                seen[code] = row
            data = _convert_row(run, row, values, _SUBJECT_DATA, convert)
            if data is None:
                ok = False
            elif data.get("subject_type") == Subject.SubjectType.NATURAL_PERSON:
                run.error(
                    row,
                    "subject_type",
                    _("Natural persons are registered one by one in the admin, not imported."),
                )
                ok = False
            for name, known in (("region", regions), ("industry", industries)):
                if name in values:
                    found, value = reference(row, name, values[name], known)
                    if not found:
                        ok = False
                    elif data is not None:
                        data[f"{name}_id"] = value
            override = False
            if "uscc_override" in values:
                try:
                    override = _boolean(values["uscc_override"])
                except _CellError as error:
                    run.error(row, "uscc_override", error)
                    ok = False
            reason = _text(values.get("uscc_override_reason"))
            if override and not reason:
                run.error(
                    row,
                    "uscc_override_reason",
                    _("Say why a code that fails its check is accepted."),
                )
                ok = False
            former = [
                part.strip()
                for part in _FORMER_NAME_SEPARATORS.split(_text(values.get("former_names")))
                if part.strip()
            ]
            if not ok or data is None:
                return
            outcome = _savepoint(
                run,
                row,
                fields,
                lambda: subject_upsert(
                    actor=actor,
                    uscc=code,
                    data=data,
                    override_reason=reason if override else "",
                    former_names=former,
                ),
            )
            if outcome is not None:
                if outcome[1]:  # (object, created)
                    run.result.created += 1
                else:
                    run.result.updated += 1

        return handle

    result = _import(
        file=file,
        filename=filename,
        spec=SUBJECTS,
        make_handler=make_handler,
        progress=progress,
        max_rows=max_rows,
    )
    log.info(
        "import.subjects file=%s rows=%s created=%s updated=%s errors=%s actor=%s",
        filename,
        result.rows,
        result.created,
        result.updated,
        len(result.errors),
        actor.label,
    )
    return result


# --- Templates and column help ---------------------------------------------------------


def template_titles(spec: _Spec, *, chinese: bool = False) -> list[str]:
    """The header row of a blank template: field names, or the first Chinese title of each."""
    if not chinese:
        return list(spec.columns)
    titles: dict[str, str] = {}
    for title, name in COLUMN_TITLES.items():
        name = spec.renames.get(name, name)
        if name in spec.columns and name not in titles:
            titles[name] = title
    return [titles.get(name, name) for name in spec.columns]


def template_csv(spec: _Spec, *, chinese: bool = False) -> bytes:
    """A blank CSV template; the BOM makes Excel open it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(template_titles(spec, chinese=chinese))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    title_zh: str
    label: str
    required: bool
    values: str


def column_help(spec: _Spec) -> list[ColumnHelp]:
    """What each column means, for the import page."""
    model = CreditRecord if spec is RECORDS else Subject
    extra = {
        "subject_uscc": _("Unified social credit code of a registered subject"),
        "subject_name": _("Subject's name (checked against the code)"),
        "department": _("Source department code (only administrators may vary it per row)"),
        "former_names": _("Former names, separated by semicolons"),
        "uscc_override": _("true when a code that fails its check is accepted"),
    }
    chinese = dict(zip(spec.columns, template_titles(spec, chinese=True), strict=True))
    rows = []
    for name in spec.columns:
        values = ""
        model_field: models.Field | None
        try:
            model_field = _model_field(model, name)
        except FieldDoesNotExist:  # a column that is not a field (reverse relations too)
            model_field = None
        if model_field is None:
            label = extra.get(name, name)
        else:
            label = extra.get(name, str(model_field.verbose_name))
            if model_field.choices:
                values = ", ".join(str(value) for value, _label in model_field.flatchoices)
            elif isinstance(model_field, models.DateField):
                values = "2025-06-01"
        rows.append(
            ColumnHelp(
                name=name,
                title_zh=chinese[name] if chinese[name] != name else "",
                label=label,
                required=name in spec.required,
                values=values,
            )
        )
    return rows


def error_table(errors: Iterable[RowError]) -> str:
    """The errors as a plain-text table for a terminal (CJK characters count double)."""

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)

    def pad(text: str, size: int) -> str:
        return text + " " * (size - width(text))

    rows = [(_("row"), _("column"), _("reason"))]
    rows += [
        (str(error.row) if error.row else "—", error.field or "—", error.reason) for error in errors
    ]
    first = max(width(row[0]) for row in rows)
    second = max(width(row[1]) for row in rows)
    return "\n".join(f"{pad(a, first)}  {pad(b, second)}  {c}" for a, b, c in rows)
