"""CSV cells a spreadsheet cannot run as a formula (core.exports)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from core.exports import csv_cell, csv_writer


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("-", "'-"),
        ("-1e5", "'-1e5"),
        # Plain numbers written as text stay numbers: a spreadsheet cannot run them.
        ("-5", "-5"),
        ("+86", "+86"),
        ("-12.50", "-12.50"),
        # Anything else is left alone.
        ("杭州=测试", "杭州=测试"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (Decimal("-12.50"), Decimal("-12.50")),
        (dt.date(2026, 1, 2), dt.date(2026, 1, 2)),
    ],
)
def test_a_cell_never_starts_a_formula(value, written):
    assert csv_cell(value) == written


def test_the_writer_escapes_every_cell_and_keeps_numbers():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["=cmd", -3, "-3", "name"])
    writer.writerows([["@x"], ["\tx"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=cmd", "-3", "-3", "name"],
        ["'@x"],
        ["'\tx"],
    ]
