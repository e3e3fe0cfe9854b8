"""What an official sees around an import: blank templates, what each column means,
and the errors as a table for a terminal."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from core.exports import csv_writer
from enterprises.models import CreditRecord, Subject

from .columns import COLUMN_TITLES, RECORDS, _Spec
from .reading import RowError
from .values import _model_field

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
    csv_writer(buffer).writerow(template_titles(spec, chinese=chinese))
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
            elif isinstance(model_field, models.BooleanField):
                values = "是, 否 (yes, no)"
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
