"""Bulk import: all or nothing, every bad row reported as (row, column, reason)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import openpyxl.worksheet._reader as sheet_reader
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core import audit
from core.actors import Actor
from core.roles import ensure_roles
from enterprises.imports import (
    RECORDS,
    SUBJECTS,
    RowError,
    error_table,
    reading,
    records_import,
    subjects_import,
    template_csv,
)
from enterprises.models import AuditEvent, CreditRecord, Department, Subject
from enterprises.uscc import build_uscc
from tests.factories import CreditRecordFactory, SubjectFactory, UserFactory, make_officer

pytestmark = pytest.mark.django_db

HEADER = (
    "subject_uscc,kind,decision_date,document_number,title,severity,penalty_type,"
    "fine_amount,publicity_end"
)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the default language is Chinese)."""
    with translation.override("en"):
        yield


def penalty_row(uscc: str, number: int, **overrides: str) -> str:
    values = {
        "subject_uscc": uscc,
        "kind": "penalty",
        "decision_date": "2025-06-01",
        "document_number": f"杭市监罚〔2025〕{number}号",
        "title": "发布虚假广告",
        "severity": "general",
        "penalty_type": "fine",
        "fine_amount": "5000",
        "publicity_end": "2028-06-01",
    }
    values.update(overrides)
    return ",".join(values[name] for name in HEADER.split(","))


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.fixture
def amr() -> Department:
    return Department.objects.get(code="zj-amr")


@pytest.fixture
def tax() -> Department:
    return Department.objects.get(code="zj-tax")


@pytest.fixture
def officer(amr):
    return Actor.for_user(make_officer(amr))


@pytest.fixture
def subjects():
    return [SubjectFactory() for _ in range(3)]


def test_good_csv_imports_every_row_with_audit_rows(officer, amr, subjects):
    data = csv_bytes(HEADER, *(penalty_row(s.uscc, n) for n, s in enumerate(subjects)))
    audit_before = AuditEvent.objects.count()

    result = records_import(actor=officer, file=data, filename="penalties.csv")

    assert result.ok and (result.rows, result.created, result.updated) == (3, 3, 0)
    records = CreditRecord.objects.filter(department=amr).order_by("document_number")
    assert [r.subject_id for r in records] == [s.pk for s in subjects]
    assert records[0].fine_amount == Decimal("5000") and records[0].decision_date == dt.date(
        2025, 6, 1
    )
    audit = AuditEvent.objects.filter(object_type="enterprises.creditrecord")
    assert AuditEvent.objects.count() == audit_before + 3
    assert "penalties.csv" in audit.last().reason
    assert all(Subject.objects.get(pk=s.pk).rescore_requested_at for s in subjects)


def test_one_bad_row_imports_nothing_and_names_row_column_reason(officer, subjects):
    before = (CreditRecord.objects.count(), AuditEvent.objects.count())
    data = csv_bytes(
        HEADER,
        penalty_row(subjects[0].uscc, 1),
        penalty_row(subjects[1].uscc, 2),
        penalty_row(subjects[2].uscc, 3, severity=""),  # negative information needs one
        penalty_row(subjects[0].uscc, 4),
    )

    result = records_import(actor=officer, file=data, filename="p.csv")

    assert not result.ok
    assert (CreditRecord.objects.count(), AuditEvent.objects.count()) == before
    assert [(e.row, e.field) for e in result.errors] == [(4, "severity")]
    assert "severity" in result.errors[0].reason
    assert result.created == result.updated == 0
    # The rescoring marks of the good rows were rolled back too.
    assert Subject.objects.filter(rescore_requested_at__isnull=False).count() == 0


def test_every_bad_row_is_reported_with_the_row_number_the_user_sees(officer, subjects):
    data = csv_bytes(
        HEADER,
        penalty_row(subjects[0].uscc, 1, decision_date="1 June"),
        "",  # an empty line still counts as a row in Excel
        penalty_row("91330100799655058C", 2),
        penalty_row(subjects[1].uscc, 3, kind="行政处罚", severity="严重", penalty_type="罚款"),
        penalty_row(build_uscc("91", "330100", "77777777"), 4),
    )

    result = records_import(actor=officer, file=data, filename="p.csv")

    assert [(e.row, e.field) for e in result.errors] == [
        (2, "decision_date"),
        (4, "subject_uscc"),
        (6, "subject_uscc"),
    ]
    assert "check character" in result.errors[1].reason
    assert "register it first" in result.errors[2].reason
    assert CreditRecord.objects.count() == 0


def test_resending_a_file_updates_by_document_number(officer, subjects):
    data = csv_bytes(HEADER, *(penalty_row(s.uscc, n) for n, s in enumerate(subjects)))
    records_import(actor=officer, file=data, filename="p.csv")
    again = csv_bytes(HEADER, penalty_row(subjects[0].uscc, 0, fine_amount="6000"))

    result = records_import(actor=officer, file=again, filename="p.csv")

    assert (result.created, result.updated) == (0, 1)
    assert CreditRecord.objects.count() == 3
    assert CreditRecord.objects.get(document_number="杭市监罚〔2025〕0号").fine_amount == 6000


def test_same_document_number_twice_in_a_file_is_an_error(officer, subjects):
    data = csv_bytes(HEADER, penalty_row(subjects[0].uscc, 1), penalty_row(subjects[1].uscc, 1))
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(3, "document_number")]
    assert "Row 2" in result.errors[0].reason


def test_xlsx_with_date_and_number_cells(officer, subjects):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for n, subject in enumerate(subjects):
        sheet.append(
            [
                subject.uscc,
                "penalty",
                dt.date(2025, 6, n + 1),
                f"浙罚{n}号",
                "超标排放",
                "serious",
                "fine",
                1_200_000.5,
                dt.datetime(2030, 6, 1),
            ]
        )
    sheet.append([None] * 9)  # trailing formatted-but-empty rows are ignored
    buffer = io.BytesIO()
    book.save(buffer)

    result = records_import(actor=officer, file=buffer.getvalue(), filename="罚.xlsx")

    assert result.ok, result.errors
    assert result.created == 3
    record = CreditRecord.objects.get(document_number="浙罚2号")
    assert record.decision_date == dt.date(2025, 6, 3)
    assert record.publicity_end == dt.date(2030, 6, 1)
    assert record.fine_amount == Decimal("1200000.50")


def test_xlsx_code_stored_as_a_number_says_why_it_is_wrong(officer):
    book = openpyxl.Workbook()
    book.active.append(["subject_uscc", "kind", "decision_date", "title"])
    book.active.append([915001145922900208, "licence", dt.date(2025, 1, 1), "许可"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = records_import(actor=officer, file=buffer.getvalue(), filename="x.xlsx")
    assert [(e.row, e.field) for e in result.errors] == [(2, "subject_uscc")]
    assert "15 digits" in result.errors[0].reason


def test_gb18030_csv_with_chinese_titles_and_values(officer, amr, subjects):
    header = (
        "统一社会信用代码,企业名称,信息类别,决定日期,文书号,标题,严重程度,处罚类别,"
        "罚款金额（元）,公示截止日期,数据来源部门"
    )
    lines = [
        f"{s.uscc},{s.name},行政处罚,2025年6月{n + 1}日,浙市监罚〔2025〕{n}号,虚假宣传,一般,罚款,"
        f'"3,000",2026/6/1,浙江省市场监督管理局'
        for n, s in enumerate(subjects)
    ]
    data = csv_bytes(header, *lines, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is about a file that is not UTF-8

    result = records_import(actor=officer, file=data, filename="处罚.csv")

    assert result.ok, result.errors
    record = CreditRecord.objects.get(document_number="浙市监罚〔2025〕1号")
    assert (record.kind, record.severity, record.penalty_type) == ("penalty", "general", "fine")
    assert record.fine_amount == 3000 and record.decision_date == dt.date(2025, 6, 2)
    assert record.department == amr


def test_utf8_bom_and_chinese_titles(officer, subjects):
    header = "统一社会信用代码,信息类别,决定日期,标题,有效期自,有效期至"
    line = f"{subjects[0].uscc},行政许可,2025-01-02,食品经营许可,2025-01-02,2030-01-01"
    result = records_import(
        actor=officer, file=csv_bytes(header, line, encoding="utf-8-sig"), filename="l.csv"
    )
    assert result.ok, result.errors
    record = CreditRecord.objects.get()
    assert record.kind == "licence" and record.valid_until == dt.date(2030, 1, 1)


def test_officer_row_naming_another_department_is_refused(officer, tax, subjects):
    header = HEADER + ",department"
    data = csv_bytes(
        header,
        penalty_row(subjects[0].uscc, 1) + ",zj-amr",
        penalty_row(subjects[1].uscc, 2) + ",zj-tax",
        penalty_row(subjects[2].uscc, 3) + ",",
    )
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(3, "department")]
    assert "zj-tax" in result.errors[0].reason
    assert not CreditRecord.objects.exists()


def test_officer_may_not_import_for_another_department(officer, tax, subjects):
    data = csv_bytes(HEADER, penalty_row(subjects[0].uscc, 1))
    result = records_import(actor=officer, file=data, filename="p.csv", department=tax)
    assert [(e.row, e.field) for e in result.errors] == [(None, "department")]
    assert not CreditRecord.objects.exists()


def test_officer_without_a_department_cannot_import(subjects):
    ensure_roles()
    actor = Actor.for_user(UserFactory(groups=["department_officer"]))
    data = csv_bytes(HEADER, penalty_row(subjects[0].uscc, 1))
    result = records_import(actor=actor, file=data, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(None, "department")]


def test_administrator_gives_the_department_per_row(amr, tax, subjects):
    ensure_roles()
    actor = Actor.for_user(UserFactory(groups=["administrator"]))
    data = csv_bytes(
        HEADER + ",department",
        penalty_row(subjects[0].uscc, 1) + ",zj-amr",
        penalty_row(subjects[1].uscc, 2) + ",国家税务总局浙江省税务局",
    )
    result = records_import(actor=actor, file=data, filename="p.csv")
    assert result.ok, result.errors
    assert set(CreditRecord.objects.values_list("department__code", flat=True)) == {
        "zj-amr",
        "zj-tax",
    }
    missing = csv_bytes(HEADER, penalty_row(subjects[2].uscc, 3))
    result = records_import(actor=actor, file=missing, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(2, "department")]


def test_unknown_and_missing_columns_are_named_before_any_row(officer, subjects):
    data = csv_bytes("subject_uscc,kind,title,colour,状态", f"{subjects[0].uscc},licence,x,red,y")
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert {(e.row, e.field) for e in result.errors} == {
        (1, "colour"),
        (1, "状态"),
        (1, "decision_date"),
    }
    assert any("Unknown column" in e.reason for e in result.errors)
    assert "required" in next(e.reason for e in result.errors if e.field == "decision_date")


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "p.csv", "empty"),
        (b"\n\n", "p.csv", "empty"),
        (HEADER.encode() + b"\n", "p.csv", "no data rows"),
        (b"%PDF-1.4", "p.pdf", "cannot be imported"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "p.xls", ".xls"),
        (b"a,b\n1,2\n", "p.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04broken", "p.xlsx", "cannot be read as an Excel workbook"),
        (b"\x81\x30\xff\xff\xfe", "p.csv", "neither UTF-8 nor GB18030"),
        (b'subject_uscc,kind\n"a"b,c\n', "p.csv", "near line 2"),
    ],
)
def test_file_problems_are_clear(officer, content, filename, expected):
    result = records_import(actor=officer, file=content, filename=filename)
    assert len(result.errors) == 1 and result.errors[0].row in (None, 1)
    assert expected in result.errors[0].reason


def test_too_many_rows(officer, subjects, settings):
    settings.IMPORT_MAX_ROWS = 2
    data = csv_bytes(HEADER, *(penalty_row(s.uscc, n) for n, s in enumerate(subjects)))
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert len(result.errors) == 1 and "at most 2" in result.errors[0].reason
    assert not CreditRecord.objects.exists()


def test_subject_name_must_match_the_code(officer, subjects):
    subject = subjects[0]
    data = csv_bytes(
        "subject_uscc,subject_name,kind,decision_date,title",
        f"{subject.uscc},{subject.name},licence,2025-01-01,许可",
        f"{subject.uscc},别的公司,licence,2025-01-01,许可",
    )
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(3, "subject_name")]
    assert subject.name in result.errors[0].reason


def test_extra_cells_without_a_title(officer, subjects):
    data = csv_bytes(
        "subject_uscc,kind,decision_date,title", f"{subjects[0].uscc},licence,2025-01-01,x,oops"
    )
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert [(e.row, e.field) for e in result.errors] == [(2, "")]


# --- subjects -------------------------------------------------------------------------


def test_subjects_import_creates_and_updates(officer):
    existing = SubjectFactory(name="旧名称有限公司")
    new_code = build_uscc("91", "330100", "88888888")
    data = csv_bytes(
        "统一社会信用代码,企业名称,法定代表人,成立日期,注册资本（万元）,登记状态,行政区划,所属行业,曾用名",
        f"{new_code},新公司有限公司,李四,2020-05-06,500万元,存续,330106,I,老字号；更老字号",
        f"{existing.uscc},新名称有限公司,王五,,,开业,西湖区,i,",
    )

    result = subjects_import(actor=officer, file=data, filename="s.csv")

    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    new = Subject.objects.get(uscc=new_code)
    assert new.registered_capital == 500 and new.region_id == "330106"
    assert set(new.former_names.values_list("name", flat=True)) == {"老字号", "更老字号"}
    existing.refresh_from_db()
    assert existing.name == "新名称有限公司" and existing.registration_status == "open"
    assert existing.former_names.filter(name="旧名称有限公司").exists()
    assert AuditEvent.objects.filter(object_type="enterprises.subject").count() == 2


def test_failed_checksum_needs_override_and_reason(officer):
    bad = "91330100799655058C"  # the valid code ends in B
    header = "uscc,name,uscc_override,uscc_override_reason"
    without = subjects_import(
        actor=officer, file=csv_bytes(header, f"{bad},历史公司,否,"), filename="s.csv"
    )
    assert [(e.row, e.field) for e in without.errors] == [(2, "uscc")]
    assert "check character" in without.errors[0].reason
    no_reason = subjects_import(
        actor=officer, file=csv_bytes(header, f"{bad},历史公司,是,"), filename="s.csv"
    )
    assert [(e.row, e.field) for e in no_reason.errors] == [(2, "uscc_override_reason")]

    accepted = subjects_import(
        actor=officer,
        file=csv_bytes(header, f"{bad},历史公司,是,2003年颁发的旧代码"),
        filename="s.csv",
    )

    assert accepted.ok, accepted.errors
    subject = Subject.objects.get(uscc=bad)
    assert subject.uscc_override and subject.uscc_override_reason == "2003年颁发的旧代码"
    audit = AuditEvent.objects.get(object_type="enterprises.subject", object_id=str(subject.pk))
    assert audit.after["uscc_override"] is True


def test_system_actor_cannot_accept_a_failed_checksum():
    result = subjects_import(
        actor=Actor.for_system("tests"),
        file=csv_bytes(
            "uscc,name,uscc_override,uscc_override_reason", "91330100799655058C,x,true,old"
        ),
        filename="s.csv",
    )
    assert [(e.row, e.field) for e in result.errors] == [(2, "uscc_override_reason")]


def test_subjects_import_reports_bad_rows_and_imports_nothing(officer):
    good = build_uscc("91", "330100", "66666666")
    data = csv_bytes(
        "uscc,name,subject_type,region,established_on",
        f"{good},好公司,enterprise,330106,2020-01-01",
        f"{build_uscc('91', '330100', '66666667')},,enterprise,330106,2020-01-01",
        f"{build_uscc('91', '330100', '66666668')},某人,自然人,,",
        f"{build_uscc('91', '330100', '66666669')},坏区划公司,,999999,",
        f"{good},重复公司,,,",
    )
    result = subjects_import(actor=officer, file=data, filename="s.csv")
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "name"),
        (4, "subject_type"),
        (5, "region"),
        (6, "uscc"),
    ]
    assert not Subject.objects.filter(uscc=good).exists()


# --- templates and commands ---------------------------------------------------------------


def test_templates_round_trip_as_valid_headers(officer):
    for spec, chinese in ((RECORDS, False), (RECORDS, True), (SUBJECTS, True)):
        header = template_csv(spec, chinese=chinese)
        assert header.startswith("\ufeff".encode())
        importer = records_import if spec is RECORDS else subjects_import
        result = importer(actor=officer, file=header, filename="t.csv")
        # A blank template is a known header without rows, not unknown columns.
        assert [e.reason for e in result.errors] == ["The file has a header row but no data rows."]


def test_import_records_command(tmp_path, amr, subjects, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(HEADER, *(penalty_row(s.uscc, n) for n, s in enumerate(subjects))))
    call_command("import_records", str(path), "--department", "zj-amr")
    assert "3 created" in capsys.readouterr().out
    assert CreditRecord.objects.filter(department=amr).count() == 3
    assert AuditEvent.objects.filter(actor_label="system:import_records").count() == 3


def test_import_records_command_fails_with_the_error_table(tmp_path, subjects, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(
        csv_bytes(
            HEADER, penalty_row(subjects[0].uscc, 1), penalty_row(subjects[1].uscc, 2, title="")
        )
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", str(path), "--department", "zj-amr")
    out = capsys.readouterr().out
    assert "3" in out and "title" in out
    assert not CreditRecord.objects.exists()
    with pytest.raises(CommandError, match="nope"):
        call_command("import_records", str(path), "--department", "nope")


def test_import_records_command_as_an_official(tmp_path, amr, tax, subjects):
    make_officer(amr, username="cli-officer")
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(HEADER, penalty_row(subjects[0].uscc, 1)))
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--department", "zj-tax", "--user", "cli-officer")
    call_command("import_records", str(path), "--user", "cli-officer")
    assert AuditEvent.objects.filter(actor_label="user:cli-officer").count() == 1
    assert CreditRecord.objects.get().department == amr


def test_import_subjects_command(tmp_path, capsys):
    path = tmp_path / "s.csv"
    code = build_uscc("91", "330100", "55555555")
    path.write_bytes(csv_bytes("uscc,name", f"{code},命令行公司"))
    call_command("import_subjects", str(path))
    assert Subject.objects.filter(uscc=code, name="命令行公司").exists()
    with pytest.raises(CommandError):
        call_command("import_subjects", str(tmp_path / "missing.csv"))


def test_error_table_aligns_chinese_titles():
    table = error_table([RowError(2, "决定日期", "bad"), RowError(10, "title", "worse")])
    lines = table.splitlines()

    def columns_before(line: str, text: str) -> int:
        prefix = line[: line.index(text)]
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in prefix)

    assert lines[1].startswith("2 ") and lines[2].startswith("10")
    assert columns_before(lines[1], "bad") == columns_before(lines[2], "worse")


def test_same_document_number_of_another_department_is_a_new_record(officer, tax, subjects):
    foreign = CreditRecordFactory(department=tax, document_number="杭市监罚〔2025〕1号")
    data = csv_bytes(HEADER, penalty_row(subjects[0].uscc, 1))
    result = records_import(actor=officer, file=data, filename="p.csv")
    assert (result.created, result.updated) == (1, 0)
    foreign.refresh_from_db()
    assert foreign.department == tax and foreign.subject_id != subjects[0].pk


# --- Large and hostile workbooks ----------------------------------------------------------


def _workbook(data_rows: int, *, cell: str = "x") -> bytes:
    """An .xlsx with the records header and ``data_rows`` one-cell rows, built fast: the
    sheet part of a small workbook written by openpyxl is replaced by a generated one."""
    book = openpyxl.Workbook(write_only=True)
    book.create_sheet().append(HEADER.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{title}</t></is></c>'
        for i, title in enumerate(HEADER.split(","))
    )
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{cell}</t></is></c></row>'
        for n in range(2, data_rows + 2)
    )
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>'
    )
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _counting_reader(monkeypatch) -> list[int]:
    """Counts the rows the import pulls from the file."""
    pulled = [0]
    original = reading._read_rows

    def counting(*args, **kwargs):
        for row in original(*args, **kwargs):
            pulled[0] += 1
            yield row

    monkeypatch.setattr(reading, "_read_rows", counting)
    return pulled


def test_a_workbook_over_the_row_limit_is_refused_without_reading_it_all(
    officer, settings, monkeypatch
):
    settings.IMPORT_MAX_ROWS = 50
    data = _workbook(200_001)  # no <dimension>: openpyxl would parse all of it to find one
    monkeypatch.setattr(reading, "XLSX_TAGS_PER_ROW", 10**6)  # past the size check (below)
    pulled = _counting_reader(monkeypatch)
    parsed = [0]  # XML elements of the workbook's parts parsed
    iterparse = sheet_reader.iterparse

    def counting_iterparse(*args, **kwargs):
        for event in iterparse(*args, **kwargs):
            parsed[0] += 1
            yield event

    monkeypatch.setattr(sheet_reader, "iterparse", counting_iterparse)

    result = records_import(actor=officer, file=data, filename="big.xlsx")

    assert [e.row for e in result.errors] == [None]
    assert "more than 50 data rows" in result.errors[0].reason
    assert pulled[0] == 1 + 51  # the header and one row past the limit, then it stopped
    assert parsed[0] < 1_000  # of some 800,000
    assert not CreditRecord.objects.exists()


def test_a_csv_over_the_row_limit_stops_reading_there_too(officer, settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 5
    pulled = _counting_reader(monkeypatch)
    result = records_import(
        actor=officer, file=csv_bytes(HEADER, *["x"] * 10_000), filename="big.csv"
    )
    assert "more than 5 data rows" in result.errors[0].reason and pulled[0] == 1 + 6


@pytest.fixture
def no_parsing(monkeypatch):
    def refuse(raw):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(reading, "_xlsx_open", refuse)


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_parsed(
    officer, monkeypatch, no_parsing
):
    monkeypatch.setattr(reading, "XLSX_MAX_UNPACKED_BYTES", 100_000)
    data = _workbook(5_000)  # some 400 KB unpacked, a few KB packed
    assert len(data) < 100_000

    result = records_import(actor=officer, file=data, filename="bomb.xlsx")

    assert len(result.errors) == 1 and "unpacks to" in result.errors[0].reason


def test_a_workbook_with_more_xml_than_its_rows_need_is_refused_before_it_is_parsed(
    officer, settings, no_parsing
):
    settings.IMPORT_MAX_ROWS = 50
    result = records_import(actor=officer, file=_workbook(200_001), filename="big.xlsx")
    assert len(result.errors) == 1 and "larger than 50 rows of data need" in result.errors[0].reason

    # Shared strings are loaded whole before the first row: 100,000 empty ones in 2 KB.
    book = openpyxl.Workbook()
    book.active.append(["subject_uscc"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t/></si>" * 100_000 + "</sst>")
    assert len(out.getvalue()) < 20_000
    result = records_import(actor=officer, file=out.getvalue(), filename="strings.xlsx")
    assert len(result.errors) == 1 and "larger than 50 rows of data need" in result.errors[0].reason


def test_a_cell_far_to_the_right_is_refused_without_padding_every_row(officer, subjects):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(penalty_row(subjects[0].uscc, 1).split(","))
    book.active["XFD2"] = "far"
    buffer = io.BytesIO()
    book.save(buffer)

    result = records_import(actor=officer, file=buffer.getvalue(), filename="wide.xlsx")

    assert [(e.row, e.field) for e in result.errors] == [(2, "file")]
    assert "column" in result.errors[0].reason


# --- The audit chain during an import ---------------------------------------------------------


def test_an_import_locks_the_audit_chain_once_after_its_last_row(officer, subjects, monkeypatch):
    locks: list[int] = []
    original = audit._locked_head

    def locked_head():
        locks.append(CreditRecord.objects.count())  # records written when the lock is taken
        return original()

    monkeypatch.setattr(audit, "_locked_head", locked_head)
    data = csv_bytes(HEADER, *(penalty_row(s.uscc, n) for n, s in enumerate(subjects)))
    before = AuditEvent.objects.count()

    result = records_import(actor=officer, file=data, filename="p.csv")

    assert result.ok and result.created == 3
    assert locks == [3]
    rows = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.object_type) for e in rows] == [("create", "enterprises.creditrecord")] * 3
    assert [e.object_id for e in rows] == [
        str(pk) for pk in CreditRecord.objects.order_by("id").values_list("pk", flat=True)
    ]
    assert all("p.csv" in e.reason and e.actor_label == officer.label for e in rows)
    assert audit.audit_verify().ok


def test_a_failed_import_leaves_the_audit_chain_untouched(officer, subjects, monkeypatch):
    locks: list[int] = []
    original = audit._locked_head
    monkeypatch.setattr(audit, "_locked_head", lambda: locks.append(1) or original())
    data = csv_bytes(
        HEADER, penalty_row(subjects[0].uscc, 1), penalty_row(subjects[1].uscc, 2, kind="nope")
    )
    before = AuditEvent.objects.count()

    result = records_import(actor=officer, file=data, filename="p.csv")

    assert not result.ok and locks == []
    assert AuditEvent.objects.count() == before and not CreditRecord.objects.exists()
    assert audit.audit_verify().ok
