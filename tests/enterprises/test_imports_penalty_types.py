"""Bulk import of penalties: the penalty types of rules.md §6.3 by their Chinese names, the
simplified procedure (是/否) and the day a decision was revoked; errors name the field."""

from __future__ import annotations

import datetime as dt

import pytest

from core.actors import Actor
from enterprises.imports import records_import, template_titles
from enterprises.imports.columns import RECORDS
from enterprises.models import CreditRecord, Department, PenaltyType, RecordState
from tests.factories import SubjectFactory, make_officer

pytestmark = pytest.mark.django_db

HEADER = (
    "统一社会信用代码,信息类别,决定日期,决定文书号,标题,严重程度,处罚类别,罚款金额(元),"
    "简易程序,决定撤销日期"
)


@pytest.fixture
def eco() -> Department:
    # A provincial department: its own edition is Zhejiang's (simplified procedure).
    return Department.objects.get(code="zj-eco")


@pytest.fixture
def officer(eco):
    return Actor.for_user(make_officer(eco))


def row(
    code: str, n: int, *, severity="严重", penalty="责令停产停业", fine="", simple="", revoked=""
):
    return (
        f"{code},行政处罚,2025-06-0{n},浙环罚〔2025〕{n}号,超标排放,{severity},{penalty},"
        f"{fine},{simple},{revoked}"
    )


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("title", "stored"),
    [
        ("责令停产停业", PenaltyType.SUSPENDED),
        ("责令关闭", PenaltyType.CLOSED_DOWN),
        ("限制开展生产经营活动", PenaltyType.PRODUCTION_RESTRICTED),
        ("永久性禁入", PenaltyType.PERMANENT_RESTRICTION),
        ("终身禁入", PenaltyType.PERMANENT_RESTRICTION),
    ],
)
def test_chinese_penalty_types_map_to_the_new_types(officer, title, stored):
    subject = SubjectFactory()
    result = records_import(
        actor=officer, file=csv(HEADER, row(subject.uscc, 1, penalty=title)), filename="p.csv"
    )
    assert result.ok, result.errors
    record = CreditRecord.objects.get(subject=subject)
    assert record.penalty_type == stored
    # Decided 2025-06-01 under Order 58: permanent only for closure and permanent restriction.
    if stored in (PenaltyType.CLOSED_DOWN, PenaltyType.PERMANENT_RESTRICTION):
        assert record.publicity_end is None
    else:
        assert record.publicity_end == dt.date(2028, 6, 1)


def test_suspension_entered_as_general_is_refused_on_the_severity(officer):
    subject = SubjectFactory()
    result = records_import(
        actor=officer,
        file=csv(HEADER, row(subject.uscc, 1, severity="一般", penalty="责令停产停业")),
        filename="p.csv",
    )
    assert not result.ok
    assert [(e.row, e.field) for e in result.errors] == [(2, "严重程度")]
    assert "serious" in result.errors[0].reason
    assert not CreditRecord.objects.exists()


@pytest.mark.parametrize("cell", ["是", "yes", "TRUE", "1", "Ｙｅｓ"])
def test_simplified_procedure_yes_is_kept_and_not_published(officer, cell):
    subject = SubjectFactory()
    line = row(subject.uscc, 2, severity="轻微", penalty="罚款", fine="200", simple=cell)
    result = records_import(actor=officer, file=csv(HEADER, line), filename="p.csv")
    assert result.ok, result.errors
    record = CreditRecord.objects.get(subject=subject)
    assert record.simplified_procedure is True
    assert record.state == RecordState.UNPUBLISHED


@pytest.mark.parametrize("cell", ["否", "no", "false", "0", ""])
def test_simplified_procedure_no_or_empty(officer, cell):
    subject = SubjectFactory()
    line = row(subject.uscc, 3, severity="一般", penalty="罚款", fine="20000", simple=cell)
    result = records_import(actor=officer, file=csv(HEADER, line), filename="p.csv")
    assert result.ok, result.errors
    record = CreditRecord.objects.get(subject=subject)
    assert record.simplified_procedure is False
    assert record.state == RecordState.ACTIVE


def test_decision_revoked_on_is_read_as_a_date(officer):
    subject = SubjectFactory()
    line = row(
        subject.uscc, 4, severity="一般", penalty="罚款", fine="20000", revoked="2025年7月15日"
    )
    result = records_import(actor=officer, file=csv(HEADER, line), filename="p.csv")
    assert result.ok, result.errors
    assert CreditRecord.objects.get(subject=subject).decision_revoked_on == dt.date(2025, 7, 15)


def test_bad_cells_are_reported_on_their_own_field(officer):
    first, second = SubjectFactory(), SubjectFactory()
    result = records_import(
        actor=officer,
        file=csv(
            HEADER,
            row(first.uscc, 1, severity="轻微", penalty="罚款", fine="200", simple="也许"),
            row(second.uscc, 2, severity="一般", penalty="罚款", fine="9", revoked="next week"),
        ),
        filename="p.csv",
    )
    assert not result.ok
    # The column is named as the file titles it.
    assert [(e.row, e.field) for e in result.errors] == [(2, "简易程序"), (3, "决定撤销日期")]
    assert "也许" in result.errors[0].reason and "是" in result.errors[0].reason
    assert "next week" in result.errors[1].reason
    assert not CreditRecord.objects.exists()


def test_the_chinese_template_has_the_new_columns():
    titles = template_titles(RECORDS, chinese=True)
    assert "简易程序" in titles and "决定撤销日期" in titles
    assert "simplified_procedure" in template_titles(RECORDS)
