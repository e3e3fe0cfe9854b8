"""The public CSV downloads (list export, batch check result): no cell starts a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lists.models import ListEntry
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

FORMULAS = ["=1+1", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1+1", "\r=1+1"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), (cell, row)


def test_list_export_escapes_every_text_cell(client, make_listed):
    day = timezone.localdate() - dt.timedelta(days=40)
    for formula in FORMULAS:
        entry = make_listed(
            "zj-eco-serious",
            listed_on=day,
            subject=SubjectFactory(name=formula + "有限公司"),
            reason=formula,
        )
        ListEntry.objects.filter(pk=entry.pk).update(document_number=formula)
    response = client.get("/lists/zj-eco-serious/export.csv")
    rows = _rows(b"".join(response.streaming_content).decode("utf-8"))
    assert len(rows) == 1 + len(FORMULAS)
    _assert_no_formula(rows)
    assert {row[3] for row in rows[1:]} == {"'" + formula for formula in FORMULAS}


def test_check_result_escapes_every_text_cell(client):
    SubjectFactory(name="@SUM(A1)")
    tabbed = SubjectFactory(name="\t=1+1有限公司")  # found by its code, named in the result
    lines = ["name", "@SUM(A1)", *FORMULAS, tabbed.uscc]
    upload = SimpleUploadedFile(
        "q.csv", "\n".join(f'"{line}"' for line in lines).encode(), content_type="text/csv"
    )
    response = client.post("/lists/check/", {"file": upload})
    assert response.status_code == 200
    rows = _rows(response.content.decode("utf-8"))
    _assert_no_formula(rows)
    assert rows[1][:2] == ["'@SUM(A1)", "yes"] and rows[1][5] == "'@SUM(A1)"
    assert rows[-1][1] == "yes" and rows[-1][5] == "'\t=1+1有限公司"
