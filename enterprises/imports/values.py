"""Cells into field values: text, dates (also Excel serial numbers), amounts, whole
numbers, yes/no, choices (stored values, labels or Chinese aliases), and codes."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.uscc import normalize_uscc

from .columns import CHOICE_ALIASES

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "√"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", ""})
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# Excel shows long all-digit codes as 9.15001E+17 and keeps only 15 significant digits.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?e\+?\d+$", re.IGNORECASE)


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


def _yes_no(value: Any, label: str) -> bool | None:
    """A yes/no cell of a model field: 是/否, yes/no, true/false, 1/0; empty is "not
    given" (None). The error names the field."""
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", _text(value)).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _CellError(
        _("%(field)s: “%(value)s” is not yes or no; write 是 or 否 (yes/no, true/false).")
        % {"field": label, "value": _text(value)}
    )


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
        if isinstance(model_field, models.BooleanField):
            return _yes_no(value, str(model_field.verbose_name))
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
