"""CSV for spreadsheets: no cell of a download may run as a formula.

A spreadsheet opening a CSV treats a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or carriage return before one) as a formula, so a subject's name or
a list entry's reason could run ``=HYPERLINK(…)`` or a DDE command on an official's or
a citizen's machine. Every CSV the site writes goes through :func:`csv_writer`, which puts
a ``'`` before such a text cell (a spreadsheet shows the text as it was).

Numbers stay numbers: ``int``, ``Decimal`` and ``float`` values are written as they are,
and so is text that is nothing but a plain decimal number (``-5``, ``+86``, ``-12.50``),
which a spreadsheet reads as a number and cannot run. Anything else that starts with one
of the characters, ``-1e5`` or ``-2+3`` included, is escaped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def csv_cell(value: Any) -> Any:
    """``value`` as a cell that cannot start a formula (None becomes empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


class SafeWriter:
    """``csv.writer`` whose rows pass through :func:`csv_cell`; ``writerow`` returns what
    the file's ``write`` returned (a streaming response yields it)."""

    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: Any, **options: Any) -> SafeWriter:
    return SafeWriter(file, **options)
