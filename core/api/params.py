"""Query parameters shared by several API views.

``changed_since`` (the change feeds of a credit file and of a list): an ISO 8601 date or
date-time; one without offset is Asia/Shanghai time. Every bad value is a 400 naming the
field and why (``core.api.handlers``), never a 500 from the database or a time zone
conversion.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError

# The UTC offsets in use on Earth; Python accepts up to ±23:59.
_OFFSET_MIN = dt.timedelta(hours=-12)
_OFFSET_MAX = dt.timedelta(hours=14)
# Before 1900 nothing had changed on the site; near the year 9999 the conversion to UTC
# (SQLite compares in UTC) leaves Python's range.
_FIRST_YEAR = 1900
# Well formed (digits where digits belong) but maybe no such date, time or offset.
_SHAPE = re.compile(
    r"\d{4}-?\d{2}-?\d{2}"
    r"(?:[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?")


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ErrorDetail(message, code=code)]})


def _offset_error(field: str) -> ValidationError:
    return _error(field, _("No such UTC offset: give one from -12:00 to +14:00."), "invalid_offset")


def _offset_in_range(text: str) -> bool:
    match = _OFFSET.fullmatch(text)
    if match is None:
        return True  # "Z"
    offset = dt.timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
    if match["sign"] == "-":
        offset = -offset
    return _OFFSET_MIN <= offset <= _OFFSET_MAX


def changed_since(raw: str | None, *, field: str = "changed_since") -> dt.datetime | None:
    """The aware moment ``raw`` names, or None when it is empty.

    Raises a ``ValidationError`` on ``field`` with one of the codes ``invalid`` (not a
    date or time), ``invalid_date`` (no such date or time: month 13, hour 25),
    ``invalid_offset`` (an offset no place uses) or ``out_of_range``.
    """
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        shape = _SHAPE.fullmatch(raw)
        if shape is None:
            raise _error(
                field,
                _("Not a date or time: write it as 2026-01-31 or 2026-01-31T08:00:00+08:00."),
                "invalid",
            )
        if shape["offset"] and not _offset_in_range(shape["offset"]):
            raise _offset_error(field)
        raise _error(
            field,
            _("No such date or time: check the month, the day and the hours, minutes, seconds."),
            "invalid_date",
        )
    offset = value.utcoffset()
    if offset is not None and not _OFFSET_MIN <= offset <= _OFFSET_MAX:
        raise _offset_error(field)
    out_of_range = _error(
        field, _("Out of range: give a time from the year 1900 to 9999."), "out_of_range"
    )
    if value.year < _FIRST_YEAR:
        raise out_of_range
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise out_of_range from None
    return value
